"""The caseworker's decisions workspace, the decision form and page, and the owner's change request page."""

import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekomp.activity.models import Job, JobStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.decisions import services
from dekomp.decisions.models import Decision, DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.decisions.tests.test_change_requests import round_from
from dekomp.decisions.tests.test_deciding import contribute, full, prepared, recommend
from dekomp.needs.models import NeedsReport, OwnContribution, ReportKind
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import Frame, RoundStatus, Scheme

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text with tags and runs of whitespace collapsed (amounts keep their non-breaking spaces)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -------------------------------------------------------------------------------------------------- workspace


def test_without_an_approved_recommendation_the_prepare_button_says_why(world):
    round, _reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    response = client_for(world.users["caseworker"]).get(reverse("decisions:round", args=[round.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Samarbeidsforumet har ikke vedtatt en innstilling for runden ennå." in body
    assert re.search(r'<button[^>]*disabled aria-describedby="prepare-blocker"', body)
    assert "Ingen vedtak er forberedt i denne runden ennå." in body


def test_the_workspace_shows_decisions_against_recommendation_frame_and_commitments(world):
    scheme = Scheme.objects.get(code="dekomp")
    decided(world, 1, round=open_round(world.office, name="Tidligere runde"))  # binds 150 000 in 2027 and 2028
    round, reports, batch = prepared(world, 2)
    Frame.objects.filter(round=round, scheme=scheme, budget_year=2027).update(amount=1_000_000)
    first = batch.decisions.get(report=reports[0])
    lowered = {(line.recipient_id, line.budget_year): line.amount for line in first.lines.all()}
    lowered[(world.owner_org.pk, 2027)] = Decimal(40_000)
    services.decision_set(
        by=world.users["caseworker"],
        decision=first,
        version=first.version,
        outcome="delvis",
        amounts=lowered,
        considerations="",
        deviation_reason="Deler av tiltaket dekkes av andre midler.",
    )
    response = client_for(world.users["caseworker"]).get(reverse("decisions:round", args=[round.pk]))
    page = text(response)
    assert "Versjon 1 er vedtatt av Samarbeidsforum A" in page
    assert f"{first.reference} Tiltak 1" in page and "Delvis innvilget" in page and "Innvilget" in page
    assert "2027: 150\u00a0000\u00a0kr → 90\u00a0000\u00a0kr (−60\u00a0000\u00a0kr)" in page
    assert "Avviker – begrunnet" in page and "Som innstilt" in page
    # DeKomp 2027: frame 1 000 000, other rounds 150 000, recommended 400 000, nothing decided in the round → free
    # 850 000 (the ledger's figure); drafts 340 000 → free after the drafts 510 000.
    totals = re.search(r'data-testid="totals-dekomp".*?</table>', response.content.decode(), re.S).group(0)
    row_2027 = re.search(r'<tr><th scope="row">2027.*?</tr>', totals).group(0)
    cells = [cell.strip() for cell in re.split(r"<[^>]+>", row_2027) if cell.strip()]
    assert cells == [
        "2027",
        "1\u00a0000\u00a0000\u00a0kr",
        "150\u00a0000\u00a0kr",
        "400\u00a0000\u00a0kr",
        "0\u00a0kr",
        "850\u00a0000\u00a0kr",
        "340\u00a0000\u00a0kr",
        "510\u00a0000\u00a0kr",
    ]
    assert 'href="{}"'.format(reverse("decisions:decide", args=[batch.pk])) in response.content.decode()


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_prepare_and_decide_from_the_workspace(world, django_capture_on_commit_callbacks):
    round, reports = checked_reports(world, 2, open_round(world.office, name="Vedtaksrunde"))
    for report in reports:
        contribute(report)
    recommendation = recommend(world, round, {r: full(r) for r in reports})
    client = client_for(world.users["caseworker"])
    url = reverse("decisions:round", args=[round.pk])
    token = str(uuid.uuid4())
    prepare = reverse("decisions:prepare", args=[round.pk])
    response = client.post(prepare, {"recommendation": recommendation.pk, "token": token})
    assert response.status_code == 302 and response["Location"] == url
    client.post(prepare, {"recommendation": recommendation.pk, "token": token})  # a double click
    assert Decision.objects.filter(report__round=round).count() == 2
    page = client.get(url)
    assert "2 vedtak er forberedt fra innstillingen (versjon 1)." in text(page)
    batch = Decision.objects.filter(report__round=round).first().batch
    # The button leads to a summary to confirm; showing it decides nothing.
    confirm = client.get(reverse("decisions:decide", args=[batch.pk]))
    summary = confirm.context["summary"]
    granted = sum(line.amount for d in batch.decisions.all() for line in d.lines.all())
    assert (summary.count, summary.amount) == (2, granted)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DRAFT}
    token = confirm.context["form"]["token"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions:decide", args=[batch.pk]), {"token": token})
    job = Job.objects.get(token=token)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DECIDED}
    round.refresh_from_db()
    assert round.status == RoundStatus.DECISION  # deciding moves the round on, and its list is published
    # The same confirmation posted again (a double click, a replay) starts nothing and decides nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("decisions:decide", args=[batch.pk]), {"token": token})
    assert again["Location"] == url and Job.objects.count() == 1


def test_a_refused_decide_lists_the_problems_and_decides_nothing(world, django_capture_on_commit_callbacks):
    _round, reports, batch = prepared(world, 2)
    OwnContribution.objects.filter(report=reports[1]).delete()
    client = client_for(world.users["caseworker"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("decisions:decide", args=[batch.pk]), {"token": str(uuid.uuid4())})
    response = client.get(started["Location"])
    job = response.context["job"]
    assert job.status == JobStatus.FAILED
    assert len(job.failures) == 2  # 2027 and 2028
    assert all("Tiltak 2: DeKomp krever egenandel" in failure["error"] for failure in job.failures)
    assert response.content.decode().count("Tiltak 2: DeKomp krever egenandel") == 2
    # The workspace flags the report before anyone tries again.
    workspace = client.get(reverse("decisions:round", args=[batch.round_id])).content.decode()
    assert workspace.count('data-testid="egenandel-flag"') == 1
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.DRAFT}


def test_prepare_before_the_recommendation_is_approved_is_refused_with_a_message(world):
    round, reports = checked_reports(world, 1, open_round(world.office, name="Vedtaksrunde"))
    draft = recommend(world, round, {r: full(r) for r in reports}, status="utkast")
    response = client_for(world.users["caseworker"]).post(
        reverse("decisions:prepare", args=[round.pk]), {"recommendation": draft.pk, "token": str(uuid.uuid4())}
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Innstillingen (versjon 1) er ikke vedtatt av samarbeidsforumet ennå. Vedtak kan bare forberedes fra en "
        "vedtatt innstilling."
    ]
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "forum_member", "other_caseworker"])
def test_only_the_offices_staff_reach_the_workspace_and_its_actions(world, persona):
    round, _reports, batch = prepared(world, 1)
    client = client_for(world.users[persona])
    assert client.get(reverse("decisions:round", args=[round.pk])).status_code == 403
    recommendation = batch.recommendation
    response = client.post(
        reverse("decisions:prepare", args=[round.pk]), {"recommendation": recommendation.pk, "token": str(uuid.uuid4())}
    )
    assert response.status_code == 403
    assert client.post(reverse("decisions:decide", args=[batch.pk]), {"token": str(uuid.uuid4())}).status_code == 403
    assert client.get(reverse("decisions:edit", args=[batch.decisions.get().pk])).status_code == 403
    assert batch.decisions.get().status == DecisionStatus.DRAFT


def test_the_workspace_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world.users["caseworker"])
    small, _reports, _batch = prepared(world, 2, name="Liten runde")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("decisions:round", args=[small.pk]))
    big, _reports, _batch = prepared(world, 8, name="Stor runde")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("decisions:round", args=[big.pk]))
    assert response.status_code == 200 and len(response.context["ws"].batches[0].rows) == 8
    assert len(few.captured_queries) <= 23, [q["sql"] for q in few.captured_queries]


# ---------------------------------------------------------------------------------------------- the decision form


def test_the_form_keeps_everything_typed_on_an_error(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    url = reverse("decisions:edit", args=[decision.pk])
    client = client_for(world.users["caseworker"])
    form = client.get(url).context["form"]
    data = {name: str(value) for name, value in form.initial.items()}
    owner_2027 = services.amount_field(world.owner_org.pk, 2027)
    partner_2028 = services.amount_field(world.partner_org.pk, 2028)
    data |= {owner_2027: "40 000", partner_2028: "60 000", "considerations": "Godt forankret i kommunens plan."}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="40 000"' in body and 'value="60 000"' in body
    assert "Godt forankret i kommunens plan." in body
    # Above what was asked for: the summary links to the field, and the field is marked invalid.
    assert f'href="#id_{partner_2028}"' in body
    assert re.search(rf'name="{partner_2028}"[^>]*aria-invalid="true"', body)
    assert "OsloMet søkte om 50\u00a0000\u00a0kr for 2028. Vedtaket kan ikke gi mer." in body
    decision.refresh_from_db()
    assert decision.considerations == "" and decision.version == 1


def test_the_form_saves_a_justified_deviation(world):
    round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    url = reverse("decisions:edit", args=[decision.pk])
    client = client_for(world.users["caseworker"])
    data = {name: str(value) for name, value in client.get(url).context["form"].initial.items()}
    owner_2027 = services.amount_field(world.owner_org.pk, 2027)
    data |= {owner_2027: "40 000", "outcome": "delvis", "deviation_reason": "Mindre behov første år."}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:round", args=[round.pk]) + f"#d{decision.pk}"
    decision.refresh_from_db()
    assert decision.outcome == "delvis" and decision.deviation_reason == "Mindre behov første år."
    assert decision.lines.get(recipient=world.owner_org, budget_year=2027).amount == 40_000
    # A decided decision is not edited any more.
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert client.get(url)["Location"] == reverse("decisions:detail", args=[decision.pk])


# -------------------------------------------------------------------------------------------- the decision's page


def test_the_decision_page_shows_amounts_reasons_and_history(world):
    _round, _reports, batch = prepared(world, 1)
    decision = batch.decisions.get()
    services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    round_from(world.office, 2028, "Runde 2028")
    response = client_for(world.users["owner"]).get(reverse("decisions:detail", args=[decision.pk]))
    page = text(response)
    assert "Vedtak: Tiltak 1" in page and "Innvilget" in page and "Vedtatt" in page
    assert "Fredrikstad kommune 100\u00a0000\u00a0kr 100\u00a0000\u00a0kr 200\u00a0000\u00a0kr" in page
    assert "caseworker forberedte vedtaket fra innstillingen" in page and "caseworker fattet vedtaket" in page
    assert reverse("decisions:change_request", args=[decision.pk]) in response.content.decode()
    # The partner (a recipient) sees it too, without the owner's change request.
    partner = client_for(world.users["partner"]).get(reverse("decisions:detail", args=[decision.pk]))
    assert partner.status_code == 200
    assert reverse("decisions:change_request", args=[decision.pk]) not in partner.content.decode()


def test_a_draft_is_for_the_office_only(world):
    _round, _reports, batch = prepared(world, 1)
    url = reverse("decisions:detail", args=[batch.decisions.get().pk])
    assert client_for(world.users["owner"]).get(url).status_code == 403
    assert client_for(world.users["partner"]).get(url).status_code == 403
    assert client_for(world.users["caseworker"]).get(url).status_code == 200


# ------------------------------------------------------------------------------------------------ change request


def test_the_owner_asks_for_a_change_and_lands_in_the_new_draft(world):
    decision = decided(world, 1, round=open_round(world.office, name="Opprinnelig runde"))[0]
    new_round = round_from(world.office, 2028, "Runde 2028")
    url = reverse("decisions:change_request", args=[decision.pk])
    client = client_for(world.users["owner"])
    page = client.get(url)
    assert page.status_code == 200 and "Runde 2028" in page.content.decode()
    response = client.post(url, {"kind": ReportKind.CHANGE})
    assert response.status_code == 200 and "Velg runden endringen skal behandles i." in response.content.decode()
    assert re.search(r'value="endring"[^>]*checked', response.content.decode())  # the choice is kept
    response = client.post(url, {"kind": ReportKind.CHANGE, "round": new_round.pk})
    report = NeedsReport.objects.get(amends=decision.report)
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:edit", args=[report.pk, "grunnlag"])
    assert report.kind == ReportKind.CHANGE


def test_a_refused_change_request_shows_why(world):
    decision = decided(world, 1, round=open_round(world.office, name="Opprinnelig runde"))[0]
    later = round_from(world.office, 2029, "Runde 2029")
    response = client_for(world.users["owner"]).post(
        reverse("decisions:change_request", args=[decision.pk]), {"kind": ReportKind.CHANGE, "round": later.pk}
    )
    assert response.status_code == 200
    assert "Vedtaket har ingen senere år som ikke er utbetalt" in response.content.decode()
    assert not NeedsReport.objects.filter(amends=decision.report).exists()


@pytest.mark.parametrize("persona", ["partner", "co_owner", "caseworker"])
def test_only_the_owner_asks_for_a_change(world, persona):
    decision = decided(world, 1, round=open_round(world.office, name="Opprinnelig runde"))[0]
    round_from(world.office, 2028, "Runde 2028")
    url = reverse("decisions:change_request", args=[decision.pk])
    assert client_for(world.users[persona]).get(url).status_code == 403
    assert client_for(world.users[persona]).post(url, {"kind": "endring"}).status_code == 403
