"""Permission-matrix cases for the decisions app's views (joined into MATRIX by test_permission_matrix)."""

from tests.matrix import OFFICE_STAFF, Case, logged_in, only

CASES: dict[str, Case] = {}


# ------------------------------------------------------------------------ decisions core (workspace, form, change)


def _decisions_round(world, name: str):
    """A round of the office by name (made once), for decided reports that do not clash with other cases."""
    from dekomp.needs.tests.factories import open_round
    from dekomp.schemes.models import Round

    return Round.objects.filter(office=world.office, name=name).first() or open_round(world.office, name=name)


def _core_decision(world, *, status: str):
    """Fredrikstad's decision in a round of its own per status (made once): the owner's, OsloMet a recipient."""
    from dekomp.decisions.models import Decision
    from dekomp.decisions.tests.factories import decided

    round = _decisions_round(world, f"Matrise-vedtak {status}")
    existing = Decision.objects.filter(report__round=round).first()
    return existing or decided(world, 1, round=round, status=status)[0]


def _draft_decision(world):
    from dekomp.decisions.models import DecisionStatus

    return _core_decision(world, status=DecisionStatus.DRAFT)


def _sent_decision(world):
    from dekomp.decisions.models import DecisionStatus

    return _core_decision(world, status=DecisionStatus.SENT)


DECISION_VIEWERS = ("owner", "partner", *OFFICE_STAFF)

CASES.update(
    {
        "decisions:round": Case(lambda w: [w.round.pk], {"GET": only(*OFFICE_STAFF), "POST": logged_in(405)}),
        # Empty posts: back to the workspace with the problem as a message.
        "decisions:prepare": Case(lambda w: [w.round.pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF, ok=302)}),
        # The summary to confirm; an empty post goes back to the workspace with the problem as a message.
        "decisions:decide": Case(
            lambda w: [_draft_decision(w).batch_id], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF, ok=302)}
        ),
        # A draft is the office's; once made, the owner and the recipients (OsloMet) read it too.
        "decisions:detail": Case(
            lambda w: [_sent_decision(w).pk], {"GET": only(*DECISION_VIEWERS), "POST": logged_in(405)}
        ),
        # An empty post comes back with the form's errors.
        "decisions:edit": Case(
            lambda w: [_draft_decision(w).pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF)}
        ),
        "decisions:change_request": Case(
            lambda w: [_sent_decision(w).pk], {"GET": only("owner"), "POST": only("owner")}
        ),
    }
)


# --------------------------------------------------------------------------- letters, acceptance of terms, appeals


def _letter_decision(world):
    """Fredrikstad's decision with its letter made and stored through the service (made once); OsloMet a recipient."""
    import uuid

    from dekomp.decisions.letters import letters_send
    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.decisions.tests.factories import decided

    round = _decisions_round(world, "Matrise-vedtaksbrev")
    existing = Decision.objects.filter(report__round=round).first()
    if existing:
        return existing
    decision = decided(world, 1, round=round, status=DecisionStatus.DECIDED)[0]
    letters_send(by=world.users["caseworker"], decisions=[decision], token=uuid.uuid4())
    decision.refresh_from_db()
    return decision


def _appeal(world, status: str):
    """An appeal against the letter's decision in the given status (made once per status)."""
    import datetime

    from dekomp.decisions.models import Appeal

    decision = _letter_decision(world)
    today = datetime.date.today()
    appeal, _ = Appeal.objects.get_or_create(
        decision=decision,
        status=status,
        defaults={
            "received_at": today,
            "grounds": "Matriseklage",
            "registered_by": world.users["caseworker"],
            "forwarded_at": today if status == "oversendt" else None,
        },
    )
    return appeal


CASES.update(
    {
        # The stored letter: the office and the parties named in the decision (Fredrikstad, OsloMet).
        "decisions:letter": Case(
            lambda w: [_letter_decision(w).pk], {"GET": only(*DECISION_VIEWERS), "POST": logged_in(405)}
        ),
        # The summary to confirm; no token posted: back to the workspace with a message, nothing sent.
        "decisions:letters_send": Case(
            lambda w: [w.round.pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF, ok=302)}
        ),
        # The owner's submitter; an empty post (nothing ticked) comes back with the form's error.
        "decisions:accept": Case(lambda w: [_letter_decision(w).pk], {"GET": only("owner"), "POST": only("owner")}),
        # Appeals are the office's; empty posts come back with the form's errors.
        "decisions:appeal_register": Case(
            lambda w: [_letter_decision(w).pk], {"GET": only(*OFFICE_STAFF), "POST": only(*OFFICE_STAFF)}
        ),
        "decisions:appeal_forward": Case(
            lambda w: [_appeal(w, "mottatt").pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}
        ),
        "decisions:appeal_decide": Case(
            lambda w: [_appeal(w, "oversendt").pk], {"GET": logged_in(405), "POST": only(*OFFICE_STAFF)}
        ),
    }
)
