"""Appeals: registered with a note on the three-week deadline, forwarded to Udir, decided; wrong steps refused."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.activity.services import events_for
from dekomp.decisions.appeals import appeal_deadline, appeal_decide, appeal_forward, appeal_register
from dekomp.decisions.models import Appeal, AppealOutcome, AppealStatus, Decision, DecisionStatus
from dekomp.decisions.tests.factories import decided

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
SENT_AT = datetime(2026, 4, 8, 14, 0, tzinfo=OSLO)  # a Wednesday; three weeks later is Wednesday 29 April
DEADLINE = date(2026, 4, 29)


@pytest.fixture
def decision(world) -> Decision:
    decision = decided(world, 1, status=DecisionStatus.SENT)[0]
    Decision.objects.filter(pk=decision.pk).update(letter_sent_at=SENT_AT, decided_at=SENT_AT - timedelta(days=2))
    decision.refresh_from_db()
    return decision


def register(world, decision, received_at=date(2026, 4, 20), grounds="Beløpet er for lavt.", by="caseworker"):
    return appeal_register(by=world.users[by], decision=decision, received_at=received_at, grounds=grounds)


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


# ---------------------------------------------------------------------------------------------------- deadline


def test_deadline_is_three_weeks_after_the_letter(decision):
    assert appeal_deadline(decision) == DEADLINE


def test_deadline_ending_on_a_weekend_runs_to_monday(decision):
    decision.letter_sent_at = datetime(2026, 4, 11, 9, 0, tzinfo=OSLO)  # a Saturday
    assert appeal_deadline(decision) == date(2026, 5, 4)


def test_no_deadline_before_the_letter_is_sent(world):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    assert appeal_deadline(decision) is None


# ----------------------------------------------------------------------------------------------------- services


def test_register_notes_whether_the_appeal_came_in_time(world, decision):
    on_time = register(world, decision, received_at=DEADLINE)
    late = register(world, decision, received_at=DEADLINE + timedelta(days=1))
    assert on_time.status == AppealStatus.RECEIVED and on_time.registered_by == world.users["caseworker"]
    assert events_for(on_time).get().changes["within_deadline"] is True
    assert events_for(late).get().changes["within_deadline"] is False
    assert events_for(late).get().changes["deadline"] == "2026-04-29"
    assert [e.verb for e in events_for(decision)] == ["appeal_registered", "appeal_registered"]


def test_register_refuses_bad_input(world, decision):
    with pytest.raises(ValidationError) as error:
        register(world, decision, received_at=timezone.localdate() + timedelta(days=1))
    assert error.value.message_dict == {"received_at": ["Datoen klagen kom inn kan ikke være fram i tid."]}
    with pytest.raises(ValidationError) as error:
        register(world, decision, grounds="   ")
    assert error.value.message_dict == {"grounds": ["Skriv hva klagen gjelder."]}
    with pytest.raises(ValidationError, match="før vedtaket ble fattet"):
        register(world, decision, received_at=date(2026, 4, 1))
    assert not Appeal.objects.exists()


def test_register_refuses_a_draft(world):
    draft = decided(world, 1, status=DecisionStatus.DRAFT)[0]
    with pytest.raises(ValidationError, match="det kan ikke klages på et utkast"):
        register(world, draft)


@pytest.mark.parametrize("persona", ["owner", "partner", "other_caseworker", "forum_member"])
def test_only_the_office_handles_appeals(world, decision, persona):
    with pytest.raises(PermissionDenied):
        register(world, decision, by=persona)
    appeal = register(world, decision)
    with pytest.raises(PermissionDenied):
        appeal_forward(by=world.users[persona], appeal=appeal, forwarded_at=date(2026, 4, 21))
    with pytest.raises(PermissionDenied):
        appeal_decide(
            by=world.users[persona], appeal=appeal, outcome=AppealOutcome.UPHELD, outcome_at=date(2026, 4, 21)
        )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED


def test_forward_then_decide(world, decision):
    caseworker = world.users["caseworker"]
    appeal = register(world, decision)
    appeal = appeal_forward(by=caseworker, appeal=appeal, forwarded_at=date(2026, 4, 22), comment="  Vi fastholder.  ")
    assert (appeal.status, appeal.forwarded_at, appeal.forward_comment) == (
        AppealStatus.FORWARDED,
        date(2026, 4, 22),
        "Vi fastholder.",
    )
    appeal = appeal_decide(
        by=caseworker, appeal=appeal, outcome=AppealOutcome.REJECTED, outcome_at=date(2026, 5, 20), comment="Udir."
    )
    assert (appeal.status, appeal.outcome, appeal.outcome_at) == (
        AppealStatus.DECIDED,
        AppealOutcome.REJECTED,
        date(2026, 5, 20),
    )
    assert [e.verb for e in events_for(appeal)] == ["appeal_registered", "appeal_forwarded", "appeal_decided"]


def test_wrong_steps_are_refused_with_clear_messages(world, decision):
    caseworker = world.users["caseworker"]
    appeal = register(world, decision)
    with pytest.raises(ValidationError) as error:
        appeal_decide(by=caseworker, appeal=appeal, outcome=AppealOutcome.REJECTED, outcome_at=date(2026, 4, 21))
    assert error.value.message_dict["outcome"] == [
        "En klage som ikke gis medhold, må oversendes Utdanningsdirektoratet før utfallet registreres."
    ]
    with pytest.raises(ValidationError, match="Klagen kan ikke oversendes før den kom inn"):
        appeal_forward(by=caseworker, appeal=appeal, forwarded_at=date(2026, 4, 19))
    appeal_forward(by=caseworker, appeal=appeal, forwarded_at=date(2026, 4, 21))
    with pytest.raises(
        ValidationError, match=r"Klagen er allerede oversendt Utdanningsdirektoratet \(21\. april 2026\)"
    ):
        appeal_forward(by=caseworker, appeal=appeal, forwarded_at=date(2026, 4, 22))
    with pytest.raises(ValidationError) as error:
        appeal_decide(by=caseworker, appeal=appeal, outcome="", outcome_at=date(2026, 5, 1))
    assert error.value.message_dict == {"outcome": ["Velg utfallet av klagen."]}
    with pytest.raises(ValidationError, match=r"Klagen kan ikke være avgjort før 21\. april 2026\."):
        appeal_decide(by=caseworker, appeal=appeal, outcome=AppealOutcome.PARTLY, outcome_at=date(2026, 4, 20))
    appeal_decide(by=caseworker, appeal=appeal, outcome=AppealOutcome.PARTLY, outcome_at=date(2026, 5, 1))
    with pytest.raises(
        ValidationError, match=r"Klagen er allerede avgjort \(1\. mai 2026\): klager fikk delvis medhold"
    ):
        appeal_decide(by=caseworker, appeal=appeal, outcome=AppealOutcome.UPHELD, outcome_at=date(2026, 5, 2))
    with pytest.raises(ValidationError, match=r"Klagen er avgjort og kan ikke sendes videre\."):
        appeal_forward(by=caseworker, appeal=appeal, forwarded_at=date(2026, 5, 2))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.forwarded_at) == (
        AppealStatus.DECIDED,
        AppealOutcome.PARTLY,
        date(2026, 4, 21),
    )


def test_office_may_uphold_an_appeal_itself_before_forwarding(world, decision):
    appeal = register(world, decision)
    appeal = appeal_decide(
        by=world.users["caseworker"], appeal=appeal, outcome=AppealOutcome.UPHELD, outcome_at=date(2026, 4, 23)
    )
    assert appeal.status == AppealStatus.DECIDED and appeal.forwarded_at is None


# ------------------------------------------------------------------------------------------------------- views


def test_appeal_page_registers_and_shows_the_deadline_note(world, decision):
    client = client_for(world, "caseworker")
    url = reverse("decisions:appeal_register", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Klagefristen på tre uker gikk ut 29. april 2026." in page
    assert 'data-testid="no-appeals"' in page

    bad = client.post(url, {"received_at": "2026-04-20", "grounds": ""})
    body = bad.content.decode()
    assert bad.status_code == 200 and "ds-error-summary" in body
    assert '<a href="#id_grounds">Skriv hva klagen gjelder.</a>' in body
    assert 'value="2026-04-20"' in body  # what was typed is kept

    response = client.post(url, {"received_at": "2026-05-04", "grounds": "For lite til OsloMet."})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{url}#klage-{appeal.pk}"
    page = client.get(url).content.decode()
    assert "For lite til OsloMet." in page
    assert '<span class="ds-tag" data-color="warning" data-testid="deadline-note">for sent</span>' in page
    register(world, decision, received_at=date(2026, 4, 28), grounds="I tide.")
    page = client.get(url).content.decode()
    assert '<span class="ds-tag" data-color="success" data-testid="deadline-note">innen fristen</span>' in page
    detail = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "innen fristen" in detail and "for sent" in detail


def test_forward_and_decide_through_the_page(world, decision):
    client = client_for(world, "caseworker")
    appeal = register(world, decision)
    page_url = reverse("decisions:appeal_register", args=[decision.pk])

    bad = client.post(reverse("decisions:appeal_forward", args=[appeal.pk]), {f"forward-{appeal.pk}-comment": "Ok"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "Skriv en dato." in body and ">\nOk</textarea>" in body

    response = client.post(
        reverse("decisions:appeal_forward", args=[appeal.pk]),
        {f"forward-{appeal.pk}-forwarded_at": "2026-04-21", f"forward-{appeal.pk}-comment": "Fastholdt."},
    )
    assert response.status_code == 302 and response["Location"] == f"{page_url}#klage-{appeal.pk}"
    assert Appeal.objects.get().status == AppealStatus.FORWARDED

    wrong = client.post(
        reverse("decisions:appeal_forward", args=[appeal.pk]), {f"forward-{appeal.pk}-forwarded_at": "2026-04-22"}
    )
    assert wrong.status_code == 200
    assert "Klagen er allerede oversendt Utdanningsdirektoratet (21. april 2026)." in wrong.content.decode()

    response = client.post(
        reverse("decisions:appeal_decide", args=[appeal.pk]),
        {f"decide-{appeal.pk}-outcome": AppealOutcome.REJECTED, f"decide-{appeal.pk}-outcome_at": "2026-05-20"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome) == (AppealStatus.DECIDED, AppealOutcome.REJECTED)
    assert "Klager fikk ikke medhold, 20. mai 2026" in client.get(page_url).content.decode()


def test_appeal_pages_are_for_the_office(world, decision):
    appeal = register(world, decision)
    for persona in ("owner", "partner", "other_caseworker"):
        client = client_for(world, persona)
        assert client.get(reverse("decisions:appeal_register", args=[decision.pk])).status_code == 403
        assert client.post(reverse("decisions:appeal_forward", args=[appeal.pk])).status_code == 403
        assert client.post(reverse("decisions:appeal_decide", args=[appeal.pk])).status_code == 403
    assert Appeal.objects.get().status == AppealStatus.RECEIVED
