"""The office's overview of a round: filters, sorting, totals, batch checks, exports and who may see them."""

import csv
import io
import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import load_workbook

from dekomp.activity.models import Job, JobStatus
from dekomp.needs.models import CheckBatch, Status
from dekomp.schemes.models import Scheme, Theme

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _worker_in_the_test(settings, tmp_path):
    """The exports' jobs run as soon as their request's transaction commits; their files go to a folder of the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def caseworker(client, world):
    client.force_login(world.users["caseworker"])
    return client


def listed(client, office_round, **params) -> list[str]:
    """The titles on the first page of the overview, in the order shown."""
    response = client.get(reverse("needs:round_list", args=[office_round.round.pk]), params)
    assert response.status_code == 200
    return [report.title for report in response.context["overview"].page]


def overview(client, office_round, **params):
    return client.get(reverse("needs:round_list", args=[office_round.round.pk]), params).context["overview"]


def test_default_leaves_out_drafts_and_withdrawn(caseworker, office_round):
    assert listed(caseworker, office_round) == ["Lesing og skriving", "Språk i barnehagen", "Matematikk i praksis"]
    assert len(listed(caseworker, office_round, status="alle")) == 5
    assert listed(caseworker, office_round, status=Status.DRAFT) == ["Inkludering"]
    assert listed(caseworker, office_round, status=Status.WITHDRAWN) == ["Trukket tiltak"]


def test_filters(caseworker, office_round, world):
    dekomp = Scheme.objects.get(code="dekomp")
    assert listed(caseworker, office_round, ordning=dekomp.pk) == ["Lesing og skriving", "Matematikk i praksis"]
    assert listed(caseworker, office_round, region=world.region.pk) == ["Lesing og skriving", "Språk i barnehagen"]
    assert listed(caseworker, office_round, partner=office_round.other_partner.pk) == ["Matematikk i praksis"]
    assert listed(caseworker, office_round, partner=world.partner_org.pk) == [
        "Lesing og skriving",
        "Språk i barnehagen",
    ]
    theme = Theme.objects.get(code="fagfornyelsen")
    assert listed(caseworker, office_round, tema=theme.pk) == ["Lesing og skriving", "Matematikk i praksis"]
    assert listed(caseworker, office_round, tema=theme.pk, status=Status.CHECKED) == ["Matematikk i praksis"]
    # A value that is not a choice is ignored rather than failing the page.
    assert len(listed(caseworker, office_round, ordning="999999", status="tull", sorter="pk")) == 3


def test_free_text_searches_title_reference_and_owner(caseworker, office_round):
    assert listed(caseworker, office_round, q="barnehagen") == ["Språk i barnehagen"]
    assert listed(caseworker, office_round, q="sarpsborg") == ["Språk i barnehagen", "Matematikk i praksis"]
    assert listed(caseworker, office_round, q=f"{YEAR}-0004") == ["Matematikk i praksis"]
    assert listed(caseworker, office_round, q="1") == ["Lesing og skriving"]
    assert listed(caseworker, office_round, q="finnes ikke") == []


def test_sorting(caseworker, office_round):
    assert listed(caseworker, office_round, sorter="total", retning="synkende") == [
        "Språk i barnehagen",
        "Lesing og skriving",
        "Matematikk i praksis",
    ]
    assert listed(caseworker, office_round, sorter="total", retning="stigende") == [
        "Matematikk i praksis",
        "Lesing og skriving",
        "Språk i barnehagen",
    ]
    assert listed(caseworker, office_round, sorter="owner") == [
        "Lesing og skriving",
        "Språk i barnehagen",
        "Matematikk i praksis",
    ]
    assert listed(caseworker, office_round, sorter="title") == [
        "Lesing og skriving",
        "Matematikk i praksis",
        "Språk i barnehagen",
    ]
    assert listed(caseworker, office_round, sorter="reference", retning="synkende") == [
        "Matematikk i praksis",
        "Språk i barnehagen",
        "Lesing og skriving",
    ]


def test_status_sorts_in_workflow_order(caseworker, office_round):
    titles = listed(caseworker, office_round, status="alle", sorter="status")
    assert titles == [
        "Inkludering",
        "Lesing og skriving",
        "Språk i barnehagen",
        "Matematikk i praksis",
        "Trukket tiltak",
    ]


def test_sorted_header_has_aria_sort_and_checkboxes_are_labelled(caseworker, office_round):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    body = caseworker.get(url, {"sorter": "total", "retning": "synkende"}).content.decode()
    assert body.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in body
    report = office_round.reports["lesing"]
    assert f'for="valgt-{report.pk}">Velg {report.reference}</label>' in body
    assert reverse("needs:detail", args=[report.pk]) in body


def test_row_sums_split_owner_and_partner(caseworker, office_round):
    rows = {r.title: r for r in overview(caseworker, office_round).page}
    lesing = rows["Lesing og skriving"]
    assert (lesing.total_requested, lesing.owner_part, lesing.partner_part) == (270_000, 180_000, 90_000)


def test_totals_match_a_hand_sum_over_the_whole_filtered_set(caseworker, office_round, monkeypatch):
    monkeypatch.setattr("dekomp.needs.overview.PER_PAGE", 2)
    result = overview(caseworker, office_round)
    assert len(result.page.object_list) == 2 and result.count == 3
    # lesing 270 000 (partner 90 000), sprak 300 000 (partner 100 000), matte 50 000 (partner 20 000)
    assert result.total == Decimal(620_000)
    assert result.partner_total == Decimal(210_000)
    assert result.owner_total == Decimal(410_000)
    by_scheme = {row.scheme.code: [y.requested for y in row.years] for row in result.schemes}
    assert by_scheme == {
        "dekomp": [200_000, 120_000, 0],
        "rekomp": [300_000, 0, 0],
        "kompetanseloftet": [0, 0, 0],
    }
    assert result.year_totals == [500_000, 120_000, 0]
    assert result.schemes[0].years[0].frame == Decimal(2_000_000)
    everything = overview(caseworker, office_round, status="alle")
    assert everything.total == Decimal(620_000 + 10_000 + 5_000)
    only_dekomp = overview(caseworker, office_round, ordning=Scheme.objects.get(code="dekomp").pk)
    assert only_dekomp.total == Decimal(320_000)
    assert [row.scheme.code for row in only_dekomp.schemes] == ["dekomp"]


def test_page_runs_a_fixed_number_of_queries(caseworker, office_round, world):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    params = {"status": "alle", "sorter": "total"}

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = caseworker.get(url, params)
        assert response.status_code == 200
        return len(context)

    count()  # warm the content-type and session caches
    small = count()
    for i in range(25):
        office_round.add(
            owner=world.co_owner_org if i % 2 else world.owner_org,
            scheme="dekomp",
            title=f"Tiltak {i}",
            region=world.region,
            partners=(world.partner_org, office_round.other_partner),
            themes=("ikt", "mangfold"),
            lines=((YEAR, world.owner_org, 1000 + i), (YEAR, world.partner_org, 500), (YEAR + 1, world.owner_org, 10)),
        )
    assert overview(caseworker, office_round, status="alle").count == 30
    assert count() == small


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def confirmation_fields(response) -> list[tuple[str, str]]:
    """The hidden fields the confirmation page posts back (the CSRF token left out)."""
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', response.content.decode())
    return [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]


def confirm(client, url: str, response):
    """Press "Bekreft" on the confirmation page: post exactly what its form holds."""
    data: dict[str, list[str]] = {}
    for name, value in confirmation_fields(response):
        data.setdefault(name, []).append(value)
    return client.post(url, data)


def test_batch_check_shows_a_summary_then_checks_all_selected_and_keeps_filters(caseworker, office_round):
    reports = office_round.reports
    url = reverse("needs:round_list", args=[office_round.round.pk]) + "?q=i&sorter=title"
    summary = caseworker.post(url, {"valgt": [reports["lesing"].pk, reports["sprak"].pk], "handling": "kontroller"})
    assert summary.status_code == 200
    assert summary.templates[0].name == "needs/office/batch_confirm.html"
    assert summary.context["not_waiting"] == 0
    body = summary.content.decode()
    assert "Kontroller 2 behovsmeldinger (570\xa0000\xa0kr)" in body
    assert [r.pk for r in summary.context["batch"].reports] == [reports["lesing"].pk, reports["sprak"].pk]
    reports["lesing"].refresh_from_db()
    assert reports["lesing"].status == Status.SUBMITTED  # nothing is checked before the confirmation
    response = confirm(caseworker, url, summary)
    assert response.status_code == 302
    assert response["Location"] == url
    assert messages_of(response) == ["2 behovsmeldinger er formelt kontrollert."]
    for name in ("lesing", "sprak"):
        reports[name].refresh_from_db()
        assert reports[name].status == Status.CHECKED
    # The same confirmation again (back button, a second tab) is refused by its token, not applied twice.
    replay = confirm(caseworker, url, summary)
    assert messages_of(replay)[-1] == "Denne kontrollen er allerede bekreftet."
    assert CheckBatch.objects.filter(round=office_round.round).count() == 1


def test_batch_is_all_or_nothing(caseworker, office_round):
    reports = office_round.reports
    url = reverse("needs:round_list", args=[office_round.round.pk])
    summary = caseworker.post(url, {"valgt": [reports["lesing"].pk, reports["utkast"].pk], "handling": "kontroller"})
    assert summary.context["not_waiting"] == 1  # the draft: the summary warns before anything is tried
    assert 'data-testid="not-waiting"' in summary.content.decode()
    response = confirm(caseworker, url, summary)
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("Ingen behovsmeldinger er endret.")
    assert reports["utkast"].reference in message
    reports["lesing"].refresh_from_db()
    reports["utkast"].refresh_from_db()
    assert (reports["lesing"].status, reports["utkast"].status) == (Status.SUBMITTED, Status.DRAFT)
    assert not CheckBatch.objects.exists()  # the token's row went with the refused batch: it may be tried again


def test_batch_needs_a_selection_and_ignores_other_rounds(caseworker, office_round, world):
    url = reverse("needs:round_list", args=[office_round.round.pk])
    response = caseworker.post(url, {"handling": "kontroller"})
    assert messages_of(response) == ["Velg minst én behovsmelding."]
    response = caseworker.post(url, {"valgt": [world.report.pk], "handling": "kontroller"})
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert world.report.status == Status.SUBMITTED


def test_batch_return_requires_a_comment(caseworker, office_round):
    reports = office_round.reports
    url = reverse("needs:round_list", args=[office_round.round.pk])
    selected = [reports["lesing"].pk, reports["matte"].pk]
    response = caseworker.post(url, {"valgt": selected, "handling": "returner", "kommentar": "  "})
    assert "Skriv hva eieren må endre." in messages_of(response)[0]
    reports["lesing"].refresh_from_db()
    assert reports["lesing"].status == Status.SUBMITTED
    response = caseworker.post(url, {"valgt": selected, "handling": "returner", "kommentar": "Budsjettet mangler."})
    assert messages_of(response)[-1] == "2 behovsmeldinger er returnert til eierne for endringer."
    for name in ("lesing", "matte"):
        reports[name].refresh_from_db()
        assert reports[name].status == Status.RETURNED


def test_check_and_return_one_report(caseworker, office_round):
    lesing, sprak = office_round.reports["lesing"], office_round.reports["sprak"]
    response = caseworker.post(reverse("needs:check", args=[lesing.pk]))
    assert response["Location"] == reverse("needs:detail", args=[lesing.pk])
    lesing.refresh_from_db()
    assert lesing.status == Status.CHECKED
    response = caseworker.post(reverse("needs:return", args=[sprak.pk]), {"comment": ""})
    assert response["Location"] == reverse("needs:detail", args=[sprak.pk])
    assert messages_of(response)[-1] == "Skriv hva eieren må endre."
    sprak.refresh_from_db()
    assert sprak.status == Status.SUBMITTED
    caseworker.post(reverse("needs:return", args=[sprak.pk]), {"comment": "Mangler partnerens bekreftelse."})
    sprak.refresh_from_db()
    assert sprak.status == Status.RETURNED


def export(client, office_round, fmt: str, table: str = "", **params):
    """Start the export as the overview's button does and download the file the worker made: (response, job)."""
    url = f"{reverse('needs:export', args=[office_round.round.pk, fmt])}?{urlencode(params)}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(url, {"token": str(uuid.uuid4()), "tabell": table})
    assert started.status_code == 302, started
    job = Job.objects.get(pk=int(started["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert (job.kind, job.status, job.done, job.total) == ("needs.export", JobStatus.DONE, 1, 1), job.error
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    response.body = b"".join(response.streaming_content)
    return response, job


def workbook(client, office_round, **params):
    response, _job = export(client, office_round, "xlsx", **params)
    return load_workbook(io.BytesIO(response.body))


def column(sheet, header: str) -> list:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("params", [{}, {"status": "alle"}, {"ordning": "dekomp"}, {"q": "sarpsborg"}])
def test_xlsx_totals_equal_the_page_totals(caseworker, office_round, params):
    if params.get("ordning"):
        params = {"ordning": Scheme.objects.get(code=params["ordning"]).pk}
    page = overview(caseworker, office_round, **params)
    book = workbook(caseworker, office_round, **params)
    assert book.sheetnames == ["Behovsmeldinger", "Budsjettposter"]
    reports, lines = book["Behovsmeldinger"], book["Budsjettposter"]
    assert len(column(reports, "Referanse")) == page.count
    assert sum(column(reports, "Søkt beløp (kr)")) == page.total
    assert sum(column(reports, "Eierens del (kr)")) == page.owner_total
    assert sum(column(reports, "Partnernes del (kr)")) == page.partner_total
    assert sum(column(lines, "Beløp (kr)")) == page.total
    kinds = column(lines, "Mottakertype")
    amounts = column(lines, "Beløp (kr)")
    assert sum(a for a, k in zip(amounts, kinds, strict=True) if k == "partner") == page.partner_total


def test_xlsx_report_row(caseworker, office_round, world):
    rows = {row[0]: row for row in workbook(caseworker, office_round)["Behovsmeldinger"].iter_rows(values_only=True)}
    row = rows[office_round.reports["lesing"].reference]
    assert row[1:10] == (
        "Lesing og skriving",
        "DeKomp",
        "Fredrikstad kommune",
        world.owner_org.orgnr,
        "Østfold",
        "sendt inn",
        "OsloMet",
        "Implementering av fagfornyelsen",
        2,
    )
    assert row[10:14] == (270_000, 180_000, 90_000, 81_000)
    assert row[14] is not None


def test_export_neutralises_formula_injection(caseworker, office_round, world):
    office_round.add(owner=world.owner_org, scheme="dekomp", title='=HYPERLINK("http://evil.example","Klikk")')
    sheet = workbook(caseworker, office_round, q="HYPERLINK")["Behovsmeldinger"]
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil.example","Klikk")'
    assert sheet["B2"].data_type == "s"
    response, _job = export(caseworker, office_round, "csv", q="HYPERLINK")
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Klikk")'


def test_csv_has_one_row_per_report_or_per_line(caseworker, office_round):
    response, _job = export(caseworker, office_round, "csv")
    assert response.body.startswith(b"\xef\xbb\xbf")
    assert response["Content-Disposition"].endswith('-behovsmeldinger.csv"')
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Referanse"
    assert len(rows) == 1 + 3
    response, _job = export(caseworker, office_round, "csv", table="budsjettposter", status="alle")
    assert response["Content-Disposition"].endswith('-budsjettposter.csv"')
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 4 + 2 + 1 + 2 + 1
    assert rows[1][:8] == [
        office_round.reports["lesing"].reference,
        "Fredrikstad kommune",
        "DeKomp",
        str(YEAR),
        "Fredrikstad kommune",
        office_round.reports["lesing"].owner.orgnr,
        "eier",
        "100000",
    ]


def test_unknown_export_format_is_404(caseworker, office_round):
    url = reverse("needs:export", args=[office_round.round.pk, "pdf"])
    assert caseworker.post(url, {"token": str(uuid.uuid4())}).status_code == 404


def test_export_starts_one_job_per_click_and_answers_at_once(caseworker, office_round, settings):
    """The button starts a job with the overview's filter; a double click starts it once; nothing is made in the
    request; the headers follow the language of the person who asked, whatever the worker's."""
    url = f"{reverse('needs:export', args=[office_round.round.pk, 'xlsx'])}?q=lesing"
    token = str(uuid.uuid4())
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        first = caseworker.post(url, {"token": token})
        second = caseworker.post(url, {"token": token})
    job = Job.objects.get(token=token)
    assert first["Location"] == second["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (Job.objects.filter(kind="needs.export").count(), len(callbacks)) == (1, 1)
    assert job.status == JobStatus.QUEUED and not job.file and job.parameters["filters"]["q"] == "lesing"
    page = caseworker.get(first["Location"]).content.decode()
    assert reverse("jobs:file", args=[job.pk]) not in page
    # Asked for in English: the worker writes English headers.
    caseworker.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _job = export(caseworker, office_round, "csv", q="lesing")
    assert english.body.decode("utf-8-sig").split(";", 1)[0] == "Reference"
    # A stale form (no token) starts nothing and says so.
    stale = caseworker.post(url, follow=True)
    assert Job.objects.filter(kind="needs.export").count() == 2
    assert any(m.level_tag == "error" for m in get_messages(stale.wsgi_request))


def test_the_overview_offers_each_export_as_a_button(caseworker, office_round):
    html = caseworker.get(reverse("needs:round_list", args=[office_round.round.pk]), {"q": "lesing"}).content.decode()
    actions = re.findall(r'<form method="post" action="([^"]*eksport[^"]*)"', html)
    base = reverse("needs:export", args=[office_round.round.pk, "x"])[: -len("x")]
    assert actions == [f"{base}xlsx?q=lesing", f"{base}csv?q=lesing", f"{base}csv?q=lesing"]
    assert 'name="tabell" value="behovsmeldinger"' in html and 'name="tabell" value="budsjettposter"' in html


def test_another_office_gets_403(client, world, office_round):
    client.force_login(world.users["other_caseworker"])
    report = office_round.reports["lesing"]
    assert client.get(reverse("needs:round_list", args=[office_round.round.pk])).status_code == 403
    assert (
        client.post(
            reverse("needs:round_list", args=[office_round.round.pk]), {"valgt": [report.pk], "handling": "kontroller"}
        ).status_code
        == 403
    )
    for fmt in ("xlsx", "csv"):
        url = reverse("needs:export", args=[office_round.round.pk, fmt])
        assert client.post(url, {"token": str(uuid.uuid4())}).status_code == 403
    assert not Job.objects.exists()
    assert client.post(reverse("needs:check", args=[report.pk])).status_code == 403
    assert client.post(reverse("needs:return", args=[report.pk]), {"comment": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_office_home_lists_rounds_and_reports_waiting(client, world, office_round):
    client.force_login(world.users["caseworker"])
    body = client.get(reverse("home:office", args=[world.office.slug])).content.decode()
    assert "Tilskuddsrunder" in body
    assert reverse("schemes:round_detail", args=[office_round.round.pk]) in body
    assert reverse("needs:round_list", args=[office_round.round.pk]) in body
    # lesing and sprak wait in this round; the personas' round has one more.
    assert f"2 behovsmeldinger venter på formell kontroll i {office_round.round.name}." in body
    assert f"1 behovsmelding venter på formell kontroll i {world.round.name}." in body
    assert "Ingen tilskuddsrunde er opprettet ennå." not in body
