"""Sending decision letters (stored PDF, status, e-mail through the task queue, idempotent), accepting the terms,
the letter pages and the homes' list of letters."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from dekomp.activity.models import Job, JobStatus
from dekomp.activity.services import events_for
from dekomp.decisions import letters
from dekomp.decisions.models import Decision, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def addresses(world):
    world.owner_org.email = "postmottak@fredrikstad.example"
    world.owner_org.save()
    world.partner_org.email = "post@oslomet.example"
    world.partner_org.save()


def client_for(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def send(world, decisions, django_capture_on_commit_callbacks, token=None, by="caseworker"):
    with django_capture_on_commit_callbacks(execute=True):
        return letters.letters_send(by=world.users[by], decisions=decisions, token=token or uuid.uuid4())


# ----------------------------------------------------------------------------------------------------- sending


def test_send_stores_the_letter_marks_it_sent_and_emails_it(world, addresses, django_capture_on_commit_callbacks):
    first, second = decided(world, 2, status=DecisionStatus.DECIDED)
    sent = send(world, [first, second], django_capture_on_commit_callbacks)
    assert [d.pk for d in sent] == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.status == DecisionStatus.SENT
    assert first.letter_language == "nb" and first.letter_sent_at is not None
    assert first.letter.name.startswith("vedtaksbrev/vedtaksbrev-V2027-0100")
    assert first.letter.read().startswith(b"%PDF")
    assert [e.verb for e in events_for(first)] == ["letter_sent"]
    assert events_for(first).get().changes["status"] == ["vedtatt", "sendt"]

    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if "V2027-0100" in m.subject)
    assert message.subject == "Vedtak V2027-0100: tilskudd til «Tiltak 1»"
    # The owner's address and submitter, and the partner's address (Sarpsborg owns the second report).
    assert message.to == ["owner@test.example", "post@oslomet.example", "postmottak@fredrikstad.example"]
    assert "Samlet tilskudd: 300\u00a0000\u00a0kr." in message.body
    assert "Med hilsen" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("vedtaksbrev-V2027-0100.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    other = next(m for m in mail.outbox if "V2027-0101" in m.subject)
    assert "co_owner@test.example" in other.to and "owner@test.example" not in other.to


def test_nynorsk_owner_gets_the_email_in_nynorsk(world, addresses, django_capture_on_commit_callbacks):
    world.owner_org.malform = "nn"
    world.owner_org.save()
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    send(world, [decision], django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Vedtak V2027-0100: tilskot til «Tiltak 1»"
    assert "Samla tilskot: 300\u00a0000\u00a0kr." in message.body
    assert "De kan klage på vedtaket innan tre veker" in message.body
    assert "Med helsing" in message.body and "Med hilsen" not in message.body


def test_send_is_idempotent(world, django_capture_on_commit_callbacks):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    token = uuid.uuid4()
    send(world, [decision], django_capture_on_commit_callbacks, token=token)
    decision.refresh_from_db()
    name, sent_at = decision.letter.name, decision.letter_sent_at
    # The same token (a double click) returns the first result; a new token finds nothing left to send.
    again = send(world, [decision], django_capture_on_commit_callbacks, token=token)
    assert [d.pk for d in again] == [decision.pk]
    assert send(world, [decision], django_capture_on_commit_callbacks) == []
    decision.refresh_from_db()
    assert (decision.letter.name, decision.letter_sent_at) == (name, sent_at)
    assert len(mail.outbox) == 1
    assert [e.verb for e in events_for(decision)] == ["letter_sent"]


def test_send_skips_drafts_and_accepted_decisions(world, django_capture_on_commit_callbacks):
    draft = decided(world, 1, status=DecisionStatus.DRAFT)[0]
    assert send(world, [draft], django_capture_on_commit_callbacks) == []
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT and not draft.letter
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["owner", "partner", "other_caseworker", "forum_member"])
def test_only_the_office_sends_letters(world, persona, django_capture_on_commit_callbacks):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    with pytest.raises(PermissionDenied):
        send(world, [decision], django_capture_on_commit_callbacks, by=persona)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED and not decision.letter
    assert mail.outbox == []


# -------------------------------------------------------------------------------------------------- acceptance


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks) -> Decision:
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    send(world, [decision], django_capture_on_commit_callbacks)
    decision.refresh_from_db()
    return decision


def test_owner_accepts_the_terms(world, sent):
    accepted = letters.decision_accept(by=world.users["owner"], decision=sent)
    assert accepted.status == DecisionStatus.ACCEPTED
    assert accepted.accepted_by == world.users["owner"] and accepted.accepted_at is not None
    assert [e.verb for e in events_for(sent)] == ["letter_sent", "terms_accepted"]


def test_accepting_twice_is_refused_and_changes_nothing(world, sent):
    letters.decision_accept(by=world.users["owner"], decision=sent)
    sent.refresh_from_db()
    before = (sent.status, sent.accepted_at, sent.accepted_by_id, sent.version)
    with pytest.raises(ValidationError) as error:
        letters.decision_accept(by=world.users["owner"], decision=sent)
    assert error.value.messages[0].startswith("Vilkårene er allerede akseptert (")
    assert error.value.messages[0].endswith(f"{sent.accepted_at.year}).")
    sent.refresh_from_db()
    assert (sent.status, sent.accepted_at, sent.accepted_by_id, sent.version) == before
    assert [e.verb for e in events_for(sent)] == ["letter_sent", "terms_accepted"]


@pytest.mark.parametrize("persona", ["partner", "co_owner", "caseworker", "outsider"])
def test_only_the_owners_submitters_accept(world, sent, persona):
    with pytest.raises(PermissionDenied):
        letters.decision_accept(by=world.users[persona], decision=sent)
    sent.refresh_from_db()
    assert sent.status == DecisionStatus.SENT and sent.accepted_at is None


def test_terms_cannot_be_accepted_before_the_letter_is_sent(world):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    with pytest.raises(ValidationError, match="Vilkårene kan aksepteres når vedtaksbrevet er sendt"):
        letters.decision_accept(by=world.users["owner"], decision=decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED


def test_a_rejection_has_no_terms_to_accept(world):
    decision = decided(world, 1, status=DecisionStatus.SENT, outcome=Outcome.REJECTED)[0]
    with pytest.raises(ValidationError, match=r"Et avslag har ingen vilkår å akseptere\."):
        letters.decision_accept(by=world.users["owner"], decision=decision)


# ------------------------------------------------------------------------------------------------------- views


def test_letter_download(world, sent):
    response = client_for(world, "owner").get(reverse("decisions:letter", args=[sent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="vedtaksbrev-V2027-0100.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world, "partner").get(reverse("decisions:letter", args=[sent.pk])).status_code == 200
    assert client_for(world, "outsider").get(reverse("decisions:letter", args=[sent.pk])).status_code == 403
    assert client_for(world, "other_caseworker").get(reverse("decisions:letter", args=[sent.pk])).status_code == 403


def test_no_letter_yet_is_not_found(world):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    assert client_for(world, "owner").get(reverse("decisions:letter", args=[decision.pk])).status_code == 404


def test_send_view_sends_the_rounds_decided_letters(world, addresses, django_capture_on_commit_callbacks):
    """The workspace links to a summary; confirming starts the worker's job, whose page shows n of N sent."""
    first, second = decided(world, 2, status=DecisionStatus.DECIDED)
    Decision.objects.filter(pk=second.pk).update(status=DecisionStatus.DRAFT, decided_at=None)
    client = client_for(world, "caseworker")
    round_id = first.report.round_id
    url = reverse("decisions:letters_send", args=[round_id])
    workspace = client.get(reverse("decisions:round", args=[round_id])).content.decode()
    assert f'href="{url}"' in workspace and "1 fattet vedtak venter på vedtaksbrev." in workspace
    confirm = client.get(url)
    assert confirm.context["summary"].count == 1
    assert Decision.objects.get(pk=first.pk).status == DecisionStatus.DECIDED  # the summary sends nothing
    token = confirm.context["form"]["token"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"token": token})
        again = client.post(url, {"token": token})
    job = Job.objects.get(token=token)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert again["Location"] == response["Location"] and Job.objects.count() == 1  # a double click: one job
    assert (job.status, job.done, job.total, job.failures) == (JobStatus.DONE, 1, 1, [])
    assert Decision.objects.get(pk=first.pk).status == DecisionStatus.SENT
    assert Decision.objects.get(pk=second.pk).status == DecisionStatus.DRAFT
    assert len(mail.outbox) == 1
    page = client.get(response["Location"])
    assert page.context["job"].done == 1 and 'data-status="ferdig"' in page.content.decode()


def test_a_failed_letter_is_listed_and_a_retry_sends_only_what_is_left(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = decided(world, 2, status=DecisionStatus.DECIDED)
    real_pdf = letters.letter_pdf

    def failing_pdf(decision, **kwargs):
        if decision.pk == second.pk:
            raise RuntimeError("WeasyPrint fant ikke skrifttypen")
        return real_pdf(decision, **kwargs)

    monkeypatch.setattr(letters, "letter_pdf", failing_pdf)
    client = client_for(world, "caseworker")
    url = reverse("decisions:letters_send", args=[first.report.round_id])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"token": str(uuid.uuid4())})
    response = client.get(started["Location"])
    job = response.context["job"]
    assert (job.status, job.done, job.total) == (JobStatus.FAILED, 1, 2)
    assert job.failures[0]["label"].startswith(second.reference)
    assert "WeasyPrint fant ikke skrifttypen" in response.content.decode()
    assert 'data-testid="job-retry"' in response.content.decode()
    assert len(mail.outbox) == 1
    monkeypatch.setattr(letters, "letter_pdf", real_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(url, {"token": str(uuid.uuid4())})
    retry = client.get(retried["Location"])
    assert (retry.context["job"].done, retry.context["job"].total) == (1, 1)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.SENT}
    assert len(mail.outbox) == 2  # the first letter was not sent again


def test_send_view_without_token_sends_nothing(world):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    client = client_for(world, "caseworker")
    response = client.post(reverse("decisions:letters_send", args=[decision.report.round_id]), follow=True)
    assert "Skjemaet var utløpt." in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DECIDED


def test_accept_page_lists_the_terms_and_accepts_once(world, sent):
    client = client_for(world, "owner")
    url = reverse("decisions:accept", args=[sent.pk])
    page = client.get(url).content.decode()
    assert "Aksepter vilkårene for tilskuddet" in page
    assert "minst 30 prosent av beløpet som er innvilget, til sammen minst 90\u00a0000\u00a0kr" in page
    assert "for 2027 innen 15. januar 2028" in page and "for 2028 innen 15. januar 2029" in page
    assert 'data-testid="accept-button"' in page

    missing = client.post(url, {})
    assert missing.status_code == 200
    assert "Kryss av for å bekrefte at dere aksepterer vilkårene." in missing.content.decode()
    assert Decision.objects.get(pk=sent.pk).status == DecisionStatus.SENT

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("decisions:detail", args=[sent.pk])
    assert Decision.objects.get(pk=sent.pk).status == DecisionStatus.ACCEPTED

    twice = client.post(url, {"confirm": "on"})
    assert twice.status_code == 200
    body = twice.content.decode()
    assert "Vilkårene er allerede akseptert (" in body and "ds-error-summary" in body
    assert 'data-testid="accept-button"' not in body  # the accepted state is shown instead of the form
    assert 'data-testid="accepted"' in body


def test_accept_page_is_for_the_owners_submitters(world, sent):
    url = reverse("decisions:accept", args=[sent.pk])
    for persona in ("partner", "caseworker", "outsider"):
        assert client_for(world, persona).post(url, {"confirm": "on"}).status_code == 403
    assert Decision.objects.get(pk=sent.pk).status == DecisionStatus.SENT


def test_decision_page_shows_the_letter_panel(world, sent):
    owner_page = client_for(world, "owner").get(reverse("decisions:detail", args=[sent.pk])).content.decode()
    assert reverse("decisions:letter", args=[sent.pk]) in owner_page
    assert 'data-testid="accept-link"' in owner_page
    assert 'data-testid="appeals-link"' not in owner_page
    partner_page = client_for(world, "partner").get(reverse("decisions:detail", args=[sent.pk])).content.decode()
    assert "Venter på at Fredrikstad kommune aksepterer vilkårene." in partner_page
    assert 'data-testid="accept-link"' not in partner_page
    office_page = client_for(world, "caseworker").get(reverse("decisions:detail", args=[sent.pk])).content.decode()
    assert 'data-testid="appeals-link"' in office_page


# ----------------------------------------------------------------------------------------------------- the homes


def test_letters_for_the_owners_and_partners_homes(world, sent, django_assert_max_num_queries):
    owner = world.users["owner"]
    with django_assert_max_num_queries(2 + 4):  # decisions and lines, and the user's memberships once
        rows = letters.letters_for_organisation(world.owner_org, user=owner)
    assert [(r.decision.pk, r.total, r.is_owner, r.must_accept, r.can_accept) for r in rows] == [
        (sent.pk, 300_000, True, True, True)
    ]
    partner_rows = letters.letters_for_organisation(world.partner_org, user=world.users["partner"])
    assert [(r.total, r.own, r.is_owner, r.can_accept) for r in partner_rows] == [(300_000, 100_000, False, False)]
    assert letters.letters_for_organisation(world.other_owner_org) == []

    html = render_to_string("decisions/includes_home_letters.html", {"letters": rows, "organisation": world.owner_org})
    assert "V2027-0100" in html and "Tiltak 1" in html
    assert reverse("decisions:letter", args=[sent.pk]) in html
    assert reverse("decisions:accept", args=[sent.pk]) in html
    partner_html = render_to_string(
        "decisions/includes_home_letters.html", {"letters": partner_rows, "organisation": world.partner_org}
    )
    assert "herav til dere 100\u00a0000\u00a0kr" in partner_html
    assert reverse("decisions:accept", args=[sent.pk]) not in partner_html
    assert "Venter på eierens aksept" in partner_html

    letters.decision_accept(by=owner, decision=sent)
    rows = letters.letters_for_organisation(world.owner_org, user=owner)
    assert rows[0].must_accept is False and rows[0].can_accept is False
    html = render_to_string("decisions/includes_home_letters.html", {"letters": rows, "organisation": world.owner_org})
    assert "Akseptert " in html and reverse("decisions:accept", args=[sent.pk]) not in html


def test_drafts_and_unsent_decisions_are_not_on_the_homes(world):
    decided(world, 1, status=DecisionStatus.DECIDED)
    assert letters.letters_for_organisation(world.owner_org) == []


def test_a_running_send_is_followed_not_started_twice(world):
    """While the worker sends, the send page leads to the running job instead of starting another."""
    from dekomp.activity.jobs import job_start

    first, _second = decided(world, 2, status=DecisionStatus.DECIDED)
    round = first.report.round
    job, _created = job_start(
        by=world.users["caseworker"],
        kind="decisions.letters",
        title="Vedtaksbrev",
        office_id=round.office_id,
        token=uuid.uuid4(),
        total=2,
        back_url="/",
        parameters={"round": round.pk},
    )
    client = client_for(world, "caseworker")
    url = reverse("decisions:letters_send", args=[round.pk])
    for response in (client.get(url), client.post(url, {"token": str(uuid.uuid4())})):
        assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert Job.objects.count() == 1
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page  # the page polls while the job runs
    assert client_for(world, "owner").get(reverse("jobs:detail", args=[job.pk])).status_code == 403
    assert client_for(world, "other_caseworker").get(reverse("jobs:detail", args=[job.pk])).status_code == 403


def test_a_failure_half_way_leaves_nothing_sent_or_stored(world, monkeypatch, settings):
    first, second = decided(world, 2, status=DecisionStatus.DECIDED)
    real_pdf = letters.letter_pdf

    def failing_pdf(decision, **kwargs):
        if decision.pk == second.pk:
            raise RuntimeError("the PDF could not be made")
        return real_pdf(decision, **kwargs)

    monkeypatch.setattr(letters, "letter_pdf", failing_pdf)
    with pytest.raises(RuntimeError):
        letters.letters_send(by=world.users["caseworker"], decisions=[first, second], token=uuid.uuid4())
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DECIDED}
    assert not any(Decision.objects.values_list("letter", flat=True))
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))
    assert mail.outbox == []
