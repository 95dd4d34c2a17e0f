"""The caseworker's daily work in the overview: search by partner and orgnr, "all N matching the filter" for the
formal check behind a confirmation page, and previous/next between the reports of a filtered list."""

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekomp.needs.models import CheckBatch, Status
from dekomp.needs.services import needs_reports_check_batch
from dekomp.schemes.models import Scheme

from .conftest import YEAR
from .test_office import confirm, listed, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(client, world):
    client.force_login(world.users["caseworker"])
    return client


def statuses(office_round) -> dict[str, str]:
    for report in office_round.reports.values():
        report.refresh_from_db()
    return {name: report.status for name, report in office_round.reports.items()}


# ------------------------------------------------------------------------------------------------------ search


def test_search_finds_partner_names(caseworker, office_round):
    assert listed(caseworker, office_round, q="sørøst") == ["Matematikk i praksis"]
    assert listed(caseworker, office_round, q="OsloMet") == ["Lesing og skriving", "Språk i barnehagen"]


@pytest.mark.parametrize("spaced", [False, True], ids=["974567890", "974 567 890"])
def test_search_finds_an_orgnr_of_owner_or_partner_with_or_without_spaces(caseworker, office_round, world, spaced):
    def written(orgnr: str) -> str:
        return f"{orgnr[:3]} {orgnr[3:6]} {orgnr[6:]}" if spaced else orgnr

    usn = office_round.other_partner
    assert listed(caseworker, office_round, q=written(usn.orgnr)) == ["Matematikk i praksis"]
    # Fredrikstad owns lesing (submitted) and the draft, which the default filter leaves out.
    assert listed(caseworker, office_round, q=written(world.owner_org.orgnr)) == ["Lesing og skriving"]
    assert listed(caseworker, office_round, q=written(world.co_owner_org.orgnr)) == [
        "Språk i barnehagen",
        "Matematikk i praksis",
    ]
    # Eight digits are no orgnr: nothing matches by orgnr (nor as a reference number, which has at most six).
    assert listed(caseworker, office_round, q=written(usn.orgnr)[:-1]) == []


# --------------------------------------------------------------------------------------- all matching the filter


def test_every_report_matching_the_filter_ignores_the_ticked_ids(caseworker, office_round):
    reports = office_round.reports
    rekomp = Scheme.objects.get(code="rekomp")
    url = reverse("needs:round_list", args=[office_round.round.pk]) + f"?ordning={rekomp.pk}"
    # lesing is ticked (or forged) but does not pass the filter: the filter decides, not the posted ids.
    summary = caseworker.post(url, {"omfang": "filter", "valgt": [reports["lesing"].pk], "handling": "kontroller"})
    assert summary.status_code == 200
    assert [r.pk for r in summary.context["batch"].reports] == [reports["sprak"].pk]
    assert summary.context["every_matching"] is True
    assert "valgt" not in dict(re.findall(r'name="(\w+)" value="([^"]*)"', summary.content.decode()))
    response = confirm(caseworker, url, summary)
    assert messages_of(response)[-1] == "1 behovsmelding er formelt kontrollert."
    assert statuses(office_round)["sprak"] == Status.CHECKED
    assert statuses(office_round)["lesing"] == Status.SUBMITTED


def test_every_report_matching_spans_pages_and_a_changed_set_is_shown_again(
    caseworker, office_round, world, monkeypatch
):
    monkeypatch.setattr("dekomp.needs.overview.PER_PAGE", 1)
    url = reverse("needs:round_list", args=[office_round.round.pk]) + f"?status={Status.SUBMITTED}"
    summary = caseworker.post(url, {"omfang": "filter", "handling": "kontroller"})
    assert [r.title for r in summary.context["batch"].reports] == ["Lesing og skriving", "Språk i barnehagen"]
    assert summary.context["batch"].total == 570_000
    # A new report is submitted before the caseworker confirms: nothing is checked, the new set is shown.
    late = office_round.add(
        owner=world.owner_org, scheme="dekomp", title="Sent innsendt", lines=((YEAR, world.owner_org, 1),)
    )
    again = confirm(caseworker, url, summary)
    assert again.status_code == 200
    assert again.context["is_changed"] is True
    assert [r.pk for r in again.context["batch"].reports][-1] == late.pk
    assert statuses(office_round)["lesing"] == Status.SUBMITTED
    assert not CheckBatch.objects.exists()
    response = confirm(caseworker, url, again)
    assert messages_of(response)[-1] == "3 behovsmeldinger er formelt kontrollert."
    late.refresh_from_db()
    assert (statuses(office_round)["lesing"], late.status) == (Status.CHECKED, Status.CHECKED)
    # Replayed: the filter now finds nothing new, and the token says it was done; no second batch is made.
    replay = confirm(caseworker, url, again)
    assert replay.status_code == 302
    assert messages_of(replay)[-1] == "Denne kontrollen er allerede bekreftet."
    assert CheckBatch.objects.get().report_count == 3


def test_returning_every_matching_report_is_refused(caseworker, office_round):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    response = caseworker.post(url, {"omfang": "filter", "handling": "returner", "kommentar": "Mangler budsjett."})
    assert response.status_code == 302
    assert "ikke alle som passer filteret" in messages_of(response)[-1]
    assert statuses(office_round)["lesing"] == Status.SUBMITTED


def test_a_filter_matching_nothing_checks_nothing(caseworker, office_round):
    url = reverse("needs:round_list", args=[office_round.round.pk]) + "?q=finnes+ikke"
    response = caseworker.post(url, {"omfang": "filter", "handling": "kontroller"})
    assert response.status_code == 302
    assert messages_of(response) == ["Ingen behovsmeldinger passer med filtrene."]


def test_another_office_cannot_check_every_matching_report(client, world, office_round):
    client.force_login(world.users["other_caseworker"])
    url = reverse("needs:round_list", args=[office_round.round.pk])
    assert client.post(url, {"omfang": "filter", "handling": "kontroller"}).status_code == 403
    token = "6f1c8a4e-3b9d-4c1e-9a47-2d5e8f0b7c31"
    assert client.post(url, {"omfang": "filter", "handling": "kontroller", "token": token}).status_code == 403
    assert statuses(office_round)["lesing"] == Status.SUBMITTED


def test_confirmation_page_runs_a_fixed_number_of_queries(caseworker, office_round, world):
    url = reverse("needs:round_list", args=[office_round.round.pk]) + "?status=alle"

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = caseworker.post(url, {"omfang": "filter", "handling": "kontroller"})
        assert response.status_code == 200
        return len(context)

    count()
    small = count()
    for i in range(20):
        office_round.add(
            owner=world.owner_org, scheme="dekomp", title=f"Tiltak {i}", lines=((YEAR, world.owner_org, i),)
        )
    assert count() == small


def test_list_offers_every_matching_report_only_when_there_are_more_pages(caseworker, office_round, monkeypatch):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    body = caseworker.get(url).content.decode()
    assert "data-select-page-wrap" in body and "js/select-all.js" in body
    assert 'name="omfang" value="side"' in body  # without JS the ticked rows are what is checked
    assert "som passer filteret</button>" not in body  # all three are on the page already
    monkeypatch.setattr("dekomp.needs.overview.PER_PAGE", 2)
    body = caseworker.get(url).content.decode()
    assert "Velg alle 3 som passer filteret" in body
    assert "Velg bare de 2 på denne siden" in body


def test_list_links_owner_and_partner_to_their_pages_and_reports_keep_the_filter(caseworker, office_round, world):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    body = caseworker.get(url, {"q": "i", "sorter": "title", "side": "1"}).content.decode()
    assert reverse("reporting:organisation", args=[world.owner_org.pk]) in body
    assert reverse("reporting:organisation", args=[world.partner_org.pk]) in body
    assert reverse("reporting:organisation", args=[office_round.other_partner.pk]) in body
    lesing = office_round.reports["lesing"]
    assert f'href="{reverse("needs:detail", args=[lesing.pk])}?q=i&amp;sorter=title&amp;fra=liste"' in body


# ------------------------------------------------------------------------------------------- previous and next


def nav(client, report, **params):
    response = client.get(reverse("needs:detail", args=[report.pk]), params)
    assert response.status_code == 200
    return response.context["list_nav"]


def detail_url(report, query: str) -> str:
    return f"{reverse('needs:detail', args=[report.pk])}?{query}"


def test_previous_and_next_follow_the_filtered_sorted_list(caseworker, office_round):
    lesing, sprak, matte = (office_round.reports[name] for name in ("lesing", "sprak", "matte"))
    by_number = nav(caseworker, sprak, fra="liste")
    assert (by_number["place"].position, by_number["place"].count) == (2, 3)
    assert by_number["previous"] == detail_url(lesing, "fra=liste")
    assert by_number["next"] == detail_url(matte, "fra=liste")
    by_title = nav(caseworker, matte, sorter="title", fra="liste")
    assert (by_title["place"].position, by_title["previous"], by_title["next"]) == (
        2,
        detail_url(lesing, "sorter=title&fra=liste"),
        detail_url(sprak, "sorter=title&fra=liste"),
    )
    first = nav(caseworker, lesing, status=Status.SUBMITTED, fra="liste")
    assert (first["place"].count, first["previous"]) == (2, None)
    assert first["back"] == f"{reverse('needs:round_list', args=[lesing.round_id])}?status={Status.SUBMITTED}&side=1"
    body = caseworker.get(detail_url(sprak, "fra=liste")).content.decode()
    assert "2 av 3" in body and ">Forrige</a>" in body and ">Neste</a>" in body


def test_no_list_navigation_without_the_mark_or_for_the_owner(caseworker, office_round, world):
    lesing = office_round.reports["lesing"]
    assert nav(caseworker, lesing) is None
    owner = Client()
    owner.force_login(world.users["owner"])
    assert owner.get(detail_url(lesing, "fra=liste")).context["list_nav"] is None


def test_checking_from_the_list_keeps_the_filter_and_the_place(caseworker, office_round):
    lesing, sprak = office_round.reports["lesing"], office_round.reports["sprak"]
    query = f"status={Status.SUBMITTED}&fra=liste"
    body = caseworker.get(detail_url(lesing, query)).content.decode()
    assert f'name="liste" value="status={Status.SUBMITTED}&amp;fra=liste"' in body
    response = caseworker.post(reverse("needs:check", args=[lesing.pk]), {"liste": query})
    assert response["Location"] == detail_url(lesing, query)
    # Checked, lesing no longer passes the filter, but the caseworker goes on from where it stood.
    after = nav(caseworker, lesing, status=Status.SUBMITTED, fra="liste")
    assert (after["place"].position, after["place"].count, after["next"]) == (1, 2, detail_url(sprak, query))
    # A forged "liste" is only ever a query string on the report's own page.
    response = caseworker.post(reverse("needs:return", args=[sprak.pk]), {"liste": "//evil.example/x", "comment": ""})
    assert response["Location"].startswith(reverse("needs:detail", args=[sprak.pk]) + "?")


def test_detail_with_list_navigation_runs_a_fixed_number_of_queries(caseworker, office_round, world):
    sprak = office_round.reports["sprak"]
    url = detail_url(sprak, "sorter=total&status=alle&fra=liste")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert caseworker.get(url).status_code == 200
        return len(context)

    count()
    small = count()
    for i in range(15):
        office_round.add(
            owner=world.owner_org, scheme="dekomp", title=f"Tiltak {i}", lines=((YEAR, world.owner_org, i),)
        )
    assert count() == small
    assert nav(caseworker, sprak, sorter="total", status="alle", fra="liste")["place"].count == 20


def test_batch_service_takes_each_token_once_and_one_round_at_a_time(world, office_round):
    caseworker = world.users["caseworker"]
    lesing, sprak = office_round.reports["lesing"], office_round.reports["sprak"]
    token = uuid.uuid4()
    needs_reports_check_batch(by=caseworker, reports=[lesing], token=token)
    with pytest.raises(ValidationError) as replayed:
        needs_reports_check_batch(by=caseworker, reports=[sprak], token=token)
    assert replayed.value.code == "replayed"
    with pytest.raises(ValidationError) as mixed:
        needs_reports_check_batch(by=caseworker, reports=[sprak, world.report], token=uuid.uuid4())
    assert mixed.value.code == "rounds"
    with pytest.raises(ValidationError) as empty:
        needs_reports_check_batch(by=caseworker, reports=[], token=uuid.uuid4())
    assert empty.value.code == "empty"
    assert statuses(office_round)["sprak"] == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        needs_reports_check_batch(by=world.users["other_caseworker"], reports=[sprak], token=uuid.uuid4())
    assert CheckBatch.objects.count() == 1
