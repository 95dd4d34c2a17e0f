"""Permission-matrix cases for the payouts app's views (joined into MATRIX by test_permission_matrix)."""

from tests.matrix import OFFICE_STAFF, Case, logged_in, only
from tests.personas import World


def _batch(world: World):
    """Two accepted decisions in a 2027 round, accounts for everyone, and a draft owners' batch for 2027 in which
    Fredrikstad's payout is held for an overdue report (made once)."""
    import uuid

    from dekomp.payouts.models import PayoutBatch
    from dekomp.payouts.services import payout_batch_create
    from dekomp.payouts.tests.factories import accepted_world, overdue_report

    existing = PayoutBatch.objects.filter(office=world.office).first()
    if existing:
        return existing
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    return payout_batch_create(
        by=world.users["caseworker"],
        office=world.office,
        budget_year=2027,
        recipient_kind="eier",
        token=uuid.uuid4(),
    )


def _held(world: World):
    return _batch(world).payouts.get(is_held=True)


CASES: dict[str, Case] = {
    "payouts:index": Case(lambda w: [w.office.slug], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    # An empty form comes back with its errors.
    "payouts:create": Case(lambda w: [w.office.slug], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
    "payouts:batch": Case(lambda w: [_batch(w).pk], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
    # No reason given: the batch page comes back with the error.
    "payouts:release": Case(lambda w: [_held(w).pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}),
    # No version posted: back to the batch with a message, nothing removed.
    "payouts:remove": Case(lambda w: [_held(w).pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF, ok=302)}),
    # The summary to confirm the export; the confirmation exports (back to the batch page).
    "payouts:export_confirm": Case(
        lambda w: [_batch(w).pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF, ok=302)}
    ),
    # A draft batch is exported on its confirmation page first: the download link sends the office there.
    "payouts:export": Case(
        lambda w: [_batch(w).pk, "csv"], {"GET": only(*OFFICE_STAFF, ok=302), "POST": logged_in(405)}
    ),
    # The summary to confirm; no version posted: back to the batch with a message.
    "payouts:mark_paid": Case(
        lambda w: [_batch(w).pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF, ok=302)}
    ),
    "payouts:ledger": Case(
        lambda w: [w.office.slug], {"GET": only("national_reader", *OFFICE_STAFF), "POST": logged_in(405)}
    ),
    # The owner's submitters and the office record Fredrikstad's account; an empty form comes back with its errors.
    "payouts:bank_account": Case(
        lambda w: [w.owner_org.pk], {"GET": only("owner", *OFFICE_STAFF), "POST": only("owner", *OFFICE_STAFF)}
    ),
}
