"""Payout services: what a batch collects, holds and releases, export, marking as paid, refusals and locking."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dekomp.activity.models import Event
from dekomp.decisions.models import DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.models import CoOwner
from dekomp.payouts import services
from dekomp.payouts.ledger import ledger
from dekomp.payouts.models import BatchStatus, Payout, PayoutBatch, RecipientKind

from .factories import accepted_world, create_batch, lines, overdue_report, paid_batch, total

pytestmark = pytest.mark.django_db


def _events(batch, verb):
    return Event.objects.filter(target_id=batch.pk, verb=verb)


# ------------------------------------------------------------------------------------------------------ create


def test_owner_batch_collects_the_accepted_owner_lines_of_the_year(world):
    decisions = accepted_world(world)
    batch = create_batch(world)
    expected = lines(decisions, year=2027, owner_side=True)
    assert batch.number == 1 and batch.status == BatchStatus.DRAFT
    assert {p.line_id for p in batch.payouts.all()} == {line.pk for line in expected}
    assert {p.amount for p in batch.payouts.all()} == {line.amount for line in expected}
    assert all(p.recipient_id == p.line.recipient_id for p in batch.payouts.all())
    assert _events(batch, "payout_batch_created").count() == 1


def test_partner_batch_collects_only_partner_lines_and_batches_are_numbered(world):
    decisions = accepted_world(world)
    owners = create_batch(world)
    partners = create_batch(world, kind=RecipientKind.PARTNER)
    assert (owners.number, partners.number) == (1, 2)
    assert {p.recipient_id for p in partners.payouts.all()} == {world.partner_org.pk}
    assert partners.payouts.count() == len(lines(decisions, year=2027, owner_side=False)) == 2


def test_a_co_owner_is_paid_with_the_owners(world):
    decisions = accepted_world(world, count=1)
    report = decisions[0].report
    CoOwner.objects.create(report=report, organisation=world.co_owner_org, status="bekreftet")
    DecisionLine.objects.create(
        decision=decisions[0],
        recipient=world.co_owner_org,
        budget_year=2027,
        requested=Decimal(40_000),
        recommended=Decimal(40_000),
        amount=Decimal(40_000),
    )
    owners = create_batch(world)
    assert {p.recipient_id for p in owners.payouts.all()} == {world.owner_org.pk, world.co_owner_org.pk}
    partners = create_batch(world, kind=RecipientKind.PARTNER)
    assert {p.recipient_id for p in partners.payouts.all()} == {world.partner_org.pk}


def test_same_token_gives_the_same_batch(world):
    accepted_world(world)
    token = uuid.uuid4()
    first = services.payout_batch_create(
        by=world.users["caseworker"], office=world.office, budget_year=2027, recipient_kind="eier", token=token
    )
    again = services.payout_batch_create(
        by=world.users["caseworker"], office=world.office, budget_year=2027, recipient_kind="eier", token=token
    )
    assert first.pk == again.pk
    assert PayoutBatch.objects.count() == 1
    assert _events(first, "payout_batch_created").count() == 1


def test_same_token_from_another_office_is_refused(world):
    accepted_world(world)
    token = uuid.uuid4()
    services.payout_batch_create(
        by=world.users["caseworker"], office=world.office, budget_year=2027, recipient_kind="eier", token=token
    )
    with pytest.raises(PermissionDenied):
        services.payout_batch_create(
            by=world.users["other_caseworker"],
            office=world.other_office,
            budget_year=2027,
            recipient_kind="eier",
            token=token,
        )


@pytest.mark.parametrize("persona", ["owner", "partner", "national_reader", "other_caseworker", "forum_member"])
def test_only_the_office_makes_batches(world, persona):
    accepted_world(world)
    with pytest.raises(PermissionDenied):
        create_batch(world, by=persona)
    assert not PayoutBatch.objects.exists()


def test_lines_waiting_for_acceptance_are_not_paid_and_the_refusal_says_so(world):
    decided(world, 2, status=DecisionStatus.SENT)
    with pytest.raises(ValidationError, match="venter på at eieren aksepterer"):
        create_batch(world)
    assert not PayoutBatch.objects.exists() and not Payout.objects.exists()


def test_only_accepted_decisions_are_paid_when_some_wait(world):
    accepted = accepted_world(world, count=1)
    from dekomp.needs.tests.factories import open_round

    waiting = decided(world, 1, round=open_round(world.office, name="Andre runde"), status=DecisionStatus.DECIDED)
    batch = create_batch(world)
    paid_lines = {p.line_id for p in batch.payouts.all()}
    assert paid_lines == {line.pk for line in lines(accepted, year=2027, owner_side=True)}
    assert not paid_lines & {line.pk for line in waiting[0].lines.all()}


def test_rejected_decisions_zero_lines_and_superseded_lines_are_never_collected(world):
    decisions = accepted_world(world, count=2)
    first, second = decisions
    # A rejected decision (its lines hold 0) and a superseded line.
    first.outcome = Outcome.REJECTED
    first.save()
    first.lines.update(amount=0)
    old = second.lines.get(budget_year=2027, recipient=second.report.owner)
    replacement = DecisionLine.objects.create(
        decision=first,
        recipient=world.co_owner_org,
        budget_year=2029,
        requested=Decimal(1),
        recommended=Decimal(1),
        amount=Decimal(1),
    )
    old.superseded_by = replacement
    old.save()
    with pytest.raises(ValidationError, match="ingen vedtatte beløp"):
        create_batch(world)
    assert not Payout.objects.exists()


def test_unknown_recipient_kind_is_refused(world):
    accepted_world(world)
    with pytest.raises(ValidationError) as info:
        create_batch(world, kind="alle")
    assert "recipient_kind" in info.value.message_dict


def test_a_paid_line_is_not_collected_again(world):
    accepted_world(world)
    paid_batch(world)
    with pytest.raises(ValidationError, match="ingen vedtatte beløp"):
        create_batch(world)


# ------------------------------------------------------------------------------------------------ hold, release


def test_a_recipient_with_an_overdue_report_is_held_with_a_reason(world):
    decisions = accepted_world(world)
    earlier_line = decisions[0].lines.get(budget_year=2028, recipient=world.owner_org)
    overdue_report(earlier_line)
    batch = create_batch(world)
    held = batch.payouts.get(recipient=world.owner_org)
    free = batch.payouts.get(recipient=world.co_owner_org)
    assert held.is_held and "2028" in held.hold_reason and "ikke sendt inn" in held.hold_reason
    assert not free.is_held and free.hold_reason == ""


@pytest.mark.parametrize(("days", "status"), [(-5, "forventet"), (10, "sendt_inn"), (10, "godkjent")])
def test_a_report_not_yet_due_or_already_sent_does_not_hold(world, days, status):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org), days=days, status=status)
    batch = create_batch(world)
    assert not batch.payouts.filter(is_held=True).exists()


def test_a_report_sent_back_for_more_information_still_holds(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org), status="mer_info")
    assert create_batch(world).payouts.get(recipient=world.owner_org).is_held


def test_release_needs_a_reason_and_records_it(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    held = batch.payouts.get(is_held=True)
    with pytest.raises(ValidationError) as info:
        services.payout_release(by=world.users["caseworker"], payout=held, reason="   ")
    assert "reason" in info.value.message_dict
    held.refresh_from_db()
    assert held.is_held
    services.payout_release(by=world.users["caseworker"], payout=held, reason="Rapporten kom i posten.")
    held.refresh_from_db()
    assert not held.is_held and held.release_reason == "Rapporten kom i posten."
    assert held.released_by == world.users["caseworker"] and held.released_at
    assert _events(batch, "payout_released").get().comment == "Rapporten kom i posten."


def test_release_is_refused_for_others_for_a_payout_not_held_and_after_export(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    held, free = batch.payouts.get(is_held=True), batch.payouts.get(is_held=False)
    with pytest.raises(PermissionDenied):
        services.payout_release(by=world.users["owner"], payout=held, reason="Jeg vil ha pengene")
    with pytest.raises(ValidationError, match="ikke holdt tilbake"):
        services.payout_release(by=world.users["caseworker"], payout=free, reason="x")
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    with pytest.raises(ValidationError, match="allerede eksportert"):
        services.payout_release(by=world.users["caseworker"], payout=held, reason="For sent")
    held.refresh_from_db()
    assert held.is_held and held.release_reason == ""


# ------------------------------------------------------------------------------------------------------ export


def test_export_rows_equal_the_decision_lines_and_leave_held_out(world):
    decisions = accepted_world(world, count=3)
    overdue_report(decisions[1].lines.get(budget_year=2028, recipient=world.co_owner_org))
    batch = create_batch(world)
    rows = services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="xlsx")
    expected = [line for line in lines(decisions, year=2027, owner_side=True) if line.recipient != world.co_owner_org]
    assert sum(row.amount for row in rows) == total(expected) == Decimal(100_000 + 300_000)
    assert sorted((r.decision_reference, r.amount) for r in rows) == sorted(
        (line.decision.reference, line.amount) for line in expected
    )
    for row in rows:
        assert row.orgnr == world.owner_org.orgnr and row.name == "Fredrikstad kommune"
        assert row.bank_account == world.owner_org.bank_account and len(row.bank_account) == 11
        assert row.budget_year == 2027
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED and batch.exported_at
    first_export = batch.exported_at
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    batch.refresh_from_db()
    assert batch.exported_at == first_export
    assert list(_events(batch, "payout_batch_exported").values_list("changes__first", flat=True)) == [True, False]


def test_export_is_refused_naming_recipients_without_a_bank_account(world):
    accepted_world(world, accounts=False)
    world.owner_org.bank_account = "12345678903"
    world.owner_org.save()
    batch = create_batch(world)
    with pytest.raises(ValidationError) as info:
        services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    assert "Sarpsborg kommune" in info.value.messages[0]
    assert "Fredrikstad" not in info.value.messages[0]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT and batch.exported_at is None


def test_export_takes_the_account_number_registered_after_the_batch_was_made(world):
    accepted_world(world, accounts=False)
    batch = create_batch(world)
    for organisation in (world.owner_org, world.co_owner_org):
        services.organisation_set_bank_account(
            by=world.users["caseworker"], organisation=organisation, bank_account="1234 56 78903"
        )
    rows = services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    assert {row.bank_account for row in rows} == {"12345678903"}
    assert set(batch.payouts.values_list("bank_account", flat=True)) == {"12345678903"}


def test_export_refuses_a_payout_larger_than_its_line(world):
    accepted_world(world)
    batch = create_batch(world)
    Payout.objects.filter(pk=batch.payouts.first().pk).update(amount=Decimal(10_000_000))
    with pytest.raises(ValidationError, match="større enn beløpet"):
        services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


def test_export_of_an_unknown_format_or_an_all_held_batch_is_refused(world):
    decisions = accepted_world(world, count=1)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    with pytest.raises(ValidationError, match="Ukjent filformat"):
        services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="pdf")
    with pytest.raises(ValidationError, match="ingen utbetalinger å eksportere"):
        services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    with pytest.raises(PermissionDenied):
        services.payout_batch_export(by=world.users["national_reader"], batch=batch, fmt="csv")


# ------------------------------------------------------------------------------------------------------ mark paid


def test_mark_paid_pays_and_moves_held_payouts_to_the_next_batch(world):
    decisions = accepted_world(world)
    held_line = decisions[0].lines.get(budget_year=2027, recipient=world.owner_org)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    batch.refresh_from_db()
    services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID and batch.paid_at and batch.paid_by == world.users["caseworker"]
    assert not batch.payouts.filter(is_held=True).exists()
    assert not Payout.objects.filter(line=held_line).exists()
    row = next(r for r in ledger(world.office) if r.budget_year == 2027 and r.scheme.code == "dekomp")
    assert row.paid == Decimal(200_000)  # Sarpsborg's line; Fredrikstad's waits
    # The held line waits for the next batch, where it is held again until released.
    following = create_batch(world)
    assert following.number == 2
    assert list(following.payouts.values_list("line_id", "is_held")) == [(held_line.pk, True)]


def test_mark_paid_needs_an_export_first_and_only_once(world):
    accepted_world(world)
    batch = create_batch(world)
    with pytest.raises(ValidationError, match="Eksporter bunken"):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    batch.refresh_from_db()
    services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="allerede markert"):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)


def test_mark_paid_with_a_stale_version_is_refused(world):
    accepted_world(world)
    batch = create_batch(world)
    seen = batch.version
    services.payout_remove(by=world.users["secretariat"], payout=batch.payouts.first(), version=seen)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    with pytest.raises(services.StaleVersionError, match="endret av noen andre"):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=seen)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED


def test_paying_more_than_committed_is_refused_and_nothing_is_half_written(world):
    decisions = accepted_world(world)
    overdue_report(decisions[0].lines.get(budget_year=2028, recipient=world.owner_org))
    batch = create_batch(world)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    # The decided amount is lowered after the export (say, by a correction): the payout now exceeds it.
    line = batch.payouts.get(is_held=False).line
    DecisionLine.objects.filter(pk=line.pk).update(amount=Decimal(1_000), requested=Decimal(1_000))
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="Det kan ikke betales ut mer enn det er gitt tilsagn om"):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED and batch.paid_at is None
    assert batch.payouts.filter(is_held=True).count() == 1  # the held payout was not removed
    assert all(row.paid == 0 for row in ledger(world.office))
    assert not _events(batch, "payout_batch_paid").exists()


@pytest.mark.parametrize("change", ["rejected", "superseded"])
def test_paying_a_rejected_decision_or_a_superseded_line_is_refused(world, change):
    decisions = accepted_world(world, count=1)
    batch = create_batch(world)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    line = batch.payouts.get().line
    if change == "rejected":
        decisions[0].outcome = Outcome.REJECTED
        decisions[0].save()
        message = "er et avslag"
    else:
        replacement = DecisionLine.objects.create(
            decision=decisions[0],
            recipient=world.co_owner_org,
            budget_year=2027,
            requested=Decimal(5),
            recommended=Decimal(5),
            amount=Decimal(5),
        )
        line.superseded_by = replacement
        line.save()
        message = "erstattet av et endringsvedtak"
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED


def test_mark_paid_is_refused_when_the_ledger_would_show_more_paid_than_committed(world):
    """The partners are paid, then a change decision cuts a paid line to 5 000 kr: paying the owners in full
    would make the year's paid exceed its commitment, so the batch is refused as a whole."""
    decisions = accepted_world(world)
    paid_batch(world, kind=RecipientKind.PARTNER)
    paid_line = decisions[0].lines.get(budget_year=2027, recipient=world.partner_org)
    replacement = DecisionLine.objects.create(
        decision=decisions[1],
        recipient=world.union_org,
        budget_year=2027,
        requested=Decimal(5_000),
        recommended=Decimal(5_000),
        amount=Decimal(5_000),
    )
    paid_line.superseded_by = replacement
    paid_line.save()
    batch = create_batch(world)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="mer enn det er gitt tilsagn om for DeKomp 2027"):
        services.payout_batch_mark_paid(by=world.users["caseworker"], batch=batch, version=batch.version)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED and batch.paid_at is None
    row = next(r for r in ledger(world.office) if r.budget_year == 2027 and r.scheme.code == "dekomp")
    assert row.paid == Decimal(100_000)


# ------------------------------------------------------------------------------------------------------ remove


def test_remove_from_a_draft_frees_the_line_for_the_next_batch(world):
    accepted_world(world)
    batch = create_batch(world)
    payout = batch.payouts.first()
    line_id = payout.line_id
    services.payout_remove(by=world.users["caseworker"], payout=payout, version=batch.version)
    batch.refresh_from_db()
    assert batch.version == 2 and not Payout.objects.filter(pk=payout.pk).exists()
    assert _events(batch, "payout_removed").get().changes["line"] == line_id
    following = create_batch(world)
    assert list(following.payouts.values_list("line_id", flat=True)) == [line_id]


def test_remove_is_refused_after_export_with_a_stale_version_and_for_others(world):
    accepted_world(world)
    batch = create_batch(world)
    payout = batch.payouts.first()
    with pytest.raises(PermissionDenied):
        services.payout_remove(by=world.users["owner"], payout=payout)
    with pytest.raises(services.StaleVersionError):
        services.payout_remove(by=world.users["caseworker"], payout=payout, version=batch.version + 1)
    services.payout_batch_export(by=world.users["caseworker"], batch=batch, fmt="csv")
    with pytest.raises(ValidationError, match="bare fjernes fra en bunke som er et utkast"):
        services.payout_remove(by=world.users["caseworker"], payout=payout)
    assert Payout.objects.filter(pk=payout.pk).exists()


# ------------------------------------------------------------------------------------------------ bank account


def test_bank_account_is_checked_stored_compact_and_recorded(world):
    with pytest.raises(ValidationError) as info:
        services.organisation_set_bank_account(
            by=world.users["owner"], organisation=world.owner_org, bank_account="1234 56 78900"
        )
    assert "kontrollsifferet" in info.value.message_dict["bank_account"][0]
    with pytest.raises(ValidationError, match="11 sifre"):
        services.organisation_set_bank_account(by=world.users["owner"], organisation=world.owner_org, bank_account="12")
    world.owner_org.refresh_from_db()
    assert world.owner_org.bank_account == ""
    services.organisation_set_bank_account(
        by=world.users["owner"], organisation=world.owner_org, bank_account="1234.56.78903"
    )
    world.owner_org.refresh_from_db()
    assert world.owner_org.bank_account == "12345678903"
    assert Event.objects.get(verb="bank_account_set", target_id=world.owner_org.pk).changes == {
        "bank_account": ["", "12345678903"]
    }


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("owner", True),
        ("caseworker", True),
        ("office_admin", True),
        ("co_owner", False),
        ("partner", False),
        ("other_caseworker", False),
        ("national_reader", False),
        ("outsider", False),
    ],
)
def test_who_records_a_bank_account(world, persona, allowed):
    call = lambda: services.organisation_set_bank_account(  # noqa: E731
        by=world.users[persona], organisation=world.owner_org, bank_account="12345678903"
    )
    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()
