"""The public list of granted measures and its open data: no login, only what is public, sums that add up."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dekomp.decisions.models import DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.models import ConfirmationStatus, CoOwner, NeedsReport, ReportPartner
from dekomp.needs.tests.factories import open_round
from dekomp.payouts.models import BatchStatus, Payout, PayoutBatch
from dekomp.reporting import public
from dekomp.schemes.models import RoundStatus, Scheme, Theme

pytestmark = pytest.mark.django_db

YEAR = 2027
BANK_ACCOUNT = "12345678903"
SECRETS = {
    "contact name": "Hemmelig Kontaktperson",
    "contact e-mail": "hemmelig.kontakt@oslomet.example",
    "organisation e-mail": "postmottak@fredrikstad.example",
    "user name": "Saksbehandler Hemmeligsen",
    "user e-mail": "caseworker@test.example",
    "considerations": "Hovedhensyn som ikke skal ut",
    "deviation reason": "Avviksgrunn som ikke skal ut",
    "need": "Behovsbeskrivelse som ikke skal ut",
    "partner comment": "Partnerkommentar som ikke skal ut",
    "bank account": BANK_ACCOUNT,
}
ABSENT_TITLES = [
    "Utkast-tiltaket",
    "Avslått tiltak",
    "Tiltak under innstilling",
    "Vestlandstiltaket",
    "Tiltak fra 2028",
]


def _round(office, name: str, status: str, year: int = YEAR):
    round = open_round(office, name=name)
    round.status = status
    round.year = year
    round.first_budget_year = year
    round.save()
    return round


def _retitle(decisions, title: str) -> None:
    NeedsReport.objects.filter(decision__in=decisions).update(title=title)


@pytest.fixture
def published(world):
    """A published round with two granted measures, plus everything that must stay out of the public list."""
    round = _round(world.office, "Publisert runde", RoundStatus.DECISION)
    granted = decided(world, 2, round=round, status=DecisionStatus.SENT)
    first, second = granted
    NeedsReport.objects.filter(pk=first.report_id).update(title="Lesing i Fredrikstad", need=SECRETS["need"])
    NeedsReport.objects.filter(pk=second.report_id).update(
        title="Regning i Sarpsborg", scheme=Scheme.objects.get(code="rekomp")
    )
    first.report.themes.set(Theme.objects.order_by("position")[:2])
    CoOwner.objects.create(report=first.report, organisation=world.co_owner_org, status=ConfirmationStatus.CONFIRMED)
    ReportPartner.objects.filter(report__round=round).update(
        contact_name=SECRETS["contact name"],
        contact_email=SECRETS["contact e-mail"],
        comment=SECRETS["partner comment"],
    )
    first.considerations, first.deviation_reason = SECRETS["considerations"], SECRETS["deviation reason"]
    first.save()
    second.outcome = Outcome.PARTLY
    second.save()
    world.users["caseworker"].full_name = SECRETS["user name"]
    world.users["caseworker"].save()
    world.owner_org.email, world.owner_org.bank_account = SECRETS["organisation e-mail"], BANK_ACCOUNT
    world.owner_org.save()

    draft_round = _round(world.office, "Runde med utkast", RoundStatus.DECISION)
    _retitle(decided(world, 1, round=draft_round, status=DecisionStatus.DRAFT), "Utkast-tiltaket")
    rejected_round = _round(world.office, "Runde med avslag", RoundStatus.PAYOUT)
    _retitle(decided(world, 1, round=rejected_round, outcome=Outcome.REJECTED), "Avslått tiltak")
    recommendation_round = _round(world.office, "Runde i innstilling", RoundStatus.RECOMMENDATION)
    _retitle(decided(world, 1, round=recommendation_round), "Tiltak under innstilling")
    other_office_round = _round(world.other_office, "Vestlandsrunden", RoundStatus.DECISION)
    _retitle(decided(world, 1, round=other_office_round), "Vestlandstiltaket")
    next_year_round = _round(world.office, "Runde 2028", RoundStatus.DECISION, year=2028)
    later = decided(world, 1, round=next_year_round)
    _retitle(later, "Tiltak fra 2028")

    # A change decision in 2028 replaces Fredrikstad's 2028 money in the first measure: the old line no longer counts.
    superseded = first.lines.get(recipient=world.owner_org, budget_year=YEAR + 1)
    superseded.superseded_by = later[0].lines.filter(budget_year=YEAR + 1).first()
    superseded.save()
    # A partly granted measure left one year out for the partner: a zero line, not published.
    second.lines.filter(recipient=world.partner_org, budget_year=YEAR + 1).update(amount=Decimal(0))
    # Paid money carries a bank account; it must not reach the public list.
    batch = PayoutBatch.objects.create(
        office=world.office, budget_year=YEAR, recipient_kind="eier", number=1, created_by=world.users["caseworker"]
    )
    line = first.lines.get(recipient=world.owner_org, budget_year=YEAR)
    Payout.objects.create(
        batch=batch, line=line, recipient=world.owner_org, amount=line.amount, bank_account=BANK_ACCOUNT
    )
    batch.status, batch.paid_at = BatchStatus.PAID, timezone.now()
    batch.save(update_fields=["status", "paid_at"])
    return round, first, second


def _urls(world, year: int = YEAR) -> dict[str, str]:
    args = [world.office.slug, year]
    return {
        "page": reverse("public:round", args=args),
        "csv": reverse("public:round_csv", args=args),
        "json": reverse("public:round_json", args=args),
    }


def _expected_lines(round):
    """The published lines, computed straight from the decision lines of the round."""
    return DecisionLine.objects.filter(
        decision__report__round=round,
        decision__status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT, DecisionStatus.ACCEPTED],
        decision__outcome__in=[Outcome.GRANTED, Outcome.PARTLY],
        superseded_by__isnull=True,
        amount__gt=0,
    )


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_anonymous_reads_the_page_and_the_open_data_without_login(world, published):
    client = Client()
    for name, url in _urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert "Location" not in response
    page = client.get(_urls(world)["page"]).content.decode()
    assert "Lesing i Fredrikstad" in page and "Regning i Sarpsborg" in page
    assert "herav Fredrikstad kommune (eier)" in page and "herav OsloMet (partner)" in page
    assert reverse("public:round_csv", args=[world.office.slug, YEAR]) in page
    csv_response = client.get(_urls(world)["csv"])
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="tildelinger-ostfold-buskerud-oslo-og-akershus-2027.csv"' in csv_response["Content-Disposition"]
    assert "public" in csv_response["Cache-Control"] and "max-age=300" in csv_response["Cache-Control"]
    json_response = client.get(_urls(world)["json"])
    assert json_response["Content-Type"].startswith("application/json")
    assert "tildelinger-ostfold-buskerud-oslo-og-akershus-2027.json" in json_response["Content-Disposition"]
    assert "no-store" not in json_response["Cache-Control"]


def test_the_index_lists_offices_with_published_rounds_only(world, published):
    page = Client().get(reverse("public:index")).content.decode()
    assert world.office.name in page
    assert reverse("public:round", args=[world.office.slug, YEAR]) in page
    assert reverse("public:round", args=[world.office.slug, 2028]) in page
    assert world.other_office.name in page  # Vestland decided its round too
    assert "Nordland" not in page


def test_drafts_rejections_unpublished_rounds_and_other_rounds_are_left_out(world, published):
    client = Client()
    urls = _urls(world)
    page = client.get(urls["page"]).content.decode()
    csv_text = client.get(urls["csv"]).content.decode("utf-8-sig")
    json_text = client.get(urls["json"]).content.decode()
    for title in ABSENT_TITLES:
        assert title not in page, title
        assert title not in csv_text, title
        assert title not in json_text, title
    titles = {row["measure_title"] for row in _csv_rows(client.get(urls["csv"]))}
    assert titles == {"Lesing i Fredrikstad", "Regning i Sarpsborg"}
    # The page lists the rounds it covers; rounds without a published status are not among them.
    assert "Runde i innstilling" not in page


@pytest.mark.parametrize("kind", ["page", "csv", "json"])
def test_no_personal_data_or_internal_text_is_published(world, published, kind):
    response = Client().get(_urls(world)[kind])
    text = response.content.decode("utf-8-sig")
    for what, secret in SECRETS.items():
        assert secret not in text, f"{what} leaked into the {kind}"
    assert "123\u00a0456\u00a0789\u00a003" not in text


def test_totals_equal_the_sum_of_the_current_decision_lines(world, published):
    round, _first, _second = published
    expected = _expected_lines(round)
    expected_total = int(sum(line.amount for line in expected))
    # Independently: two measures, two years, owner 100 000 × (i + 1) and partner 50 000 per year,
    # less Fredrikstad's superseded 2028 line and the partner's zero 2028 line in the partly granted one.
    assert expected_total == (100_000 + 50_000) * 2 + (200_000 + 50_000) * 2 - 100_000 - 50_000
    client = Client()
    document = json.loads(client.get(_urls(world)["json"]).content)
    assert document["totals"]["total_nok"] == expected_total
    assert sum(measure["total_nok"] for measure in document["measures"]) == expected_total
    rows = _csv_rows(client.get(_urls(world)["csv"]))
    assert sum(int(row["amount_nok"]) for row in rows) == expected_total
    assert len(rows) == expected.count()
    by_scheme_year = {
        (t["scheme_code"], t["budget_year"]): t["amount_nok"] for t in document["totals"]["by_scheme_and_year"]
    }
    assert by_scheme_year == {
        ("dekomp", YEAR): 150_000,
        ("dekomp", YEAR + 1): 50_000,
        ("rekomp", YEAR): 250_000,
        ("rekomp", YEAR + 1): 200_000,
    }
    page = client.get(_urls(world)["page"])
    assert page.context["summary"].total == expected_total
    assert "650\u00a0000\u00a0kr" in page.content.decode()


def test_superseded_lines_are_not_counted(world, published):
    _round, first, _second = published
    document = json.loads(Client().get(_urls(world)["json"]).content)
    measure = next(m for m in document["measures"] if m["decision_reference"] == first.reference)
    assert {(line["recipient"]["orgnr"], line["budget_year"]) for line in measure["lines"]} == {
        (world.owner_org.orgnr, YEAR),
        (world.partner_org.orgnr, YEAR),
        (world.partner_org.orgnr, YEAR + 1),
    }
    assert measure["amounts_by_year"] == [
        {"budget_year": YEAR, "amount_nok": 150_000},
        {"budget_year": YEAR + 1, "amount_nok": 50_000},
    ]


def test_the_open_data_describe_each_measure_with_its_parties(world, published):
    _round, first, second = published
    document = json.loads(Client().get(_urls(world)["json"]).content)
    assert document["schema_version"] == 1
    assert document["office"] == {"slug": world.office.slug, "name": world.office.name}
    assert [r["name"] for r in document["rounds"]] == ["Publisert runde", "Runde med avslag", "Runde med utkast"]
    measure = next(m for m in document["measures"] if m["decision_reference"] == first.reference)
    assert measure["owner"] == {"name": "Fredrikstad kommune", "orgnr": world.owner_org.orgnr}
    assert measure["co_owners"] == [{"name": "Sarpsborg kommune", "orgnr": world.co_owner_org.orgnr}]
    assert measure["partners"] == [{"name": "OsloMet", "orgnr": world.partner_org.orgnr}]
    assert measure["scheme"]["code"] == "dekomp" and measure["outcome"] == "granted"
    assert measure["region"] == "Østfold" and len(measure["themes"]) == 2
    assert measure["period"] == {"years": [YEAR, YEAR + 1]}
    roles = {line["recipient"]["orgnr"]: line["recipient_role"] for line in measure["lines"]}
    assert roles == {world.owner_org.orgnr: "owner", world.partner_org.orgnr: "partner"}
    partly = next(m for m in document["measures"] if m["decision_reference"] == second.reference)
    assert partly["outcome"] == "partly_granted"
    rows = _csv_rows(Client().get(_urls(world)["csv"]))
    assert list(rows[0]) == list(public.CSV_COLUMNS)
    first_row = next(r for r in rows if r["decision_reference"] == first.reference)
    assert first_row["co_owners"] == f"Sarpsborg kommune ({world.co_owner_org.orgnr})"
    assert first_row["amount_nok"].isdigit()


def test_the_csv_neutralises_formulas(world, published):
    _round, first, _second = published
    NeedsReport.objects.filter(pk=first.report_id).update(title='=HYPERLINK("http://x.example")')
    rows = _csv_rows(Client().get(_urls(world)["csv"]))
    assert {r["measure_title"] for r in rows if r["decision_reference"] == first.reference} == {
        '\'=HYPERLINK("http://x.example")'
    }


def test_filters_narrow_the_list_and_its_totals(world, published):
    client = Client()
    response = client.get(_urls(world)["page"], {"ordning": "rekomp"})
    html = response.content.decode()
    assert "Regning i Sarpsborg" in html and "Lesing i Fredrikstad" not in html
    assert response.context["summary"].total == 250_000 + 200_000
    response = client.get(_urls(world)["page"], {"region": world.region.pk, "ordning": "finnes-ikke"})
    assert response.context["summary"].total == 650_000  # an unknown scheme is ignored


def test_unpublished_rounds_and_unknown_offices_are_not_found(world, published):
    client = Client()
    _round(world.office, "Runde 2030 i innstilling", RoundStatus.RECOMMENDATION, year=2030)
    for url in [
        reverse("public:round", args=[world.office.slug, 2030]),
        reverse("public:round_csv", args=[world.office.slug, 2030]),
        reverse("public:round_json", args=[world.office.slug, 2031]),
        reverse("public:round", args=["finnes-ikke", YEAR]),
    ]:
        assert client.get(url).status_code == 404, url


def test_posting_is_not_allowed(world, published):
    client = Client()
    for url in [reverse("public:index"), *_urls(world).values()]:
        assert client.post(url).status_code == 405


def test_the_page_runs_a_fixed_number_of_queries(world):
    round = _round(world.office, "Tellerunde", RoundStatus.DECISION)
    decided(world, 1, round=round)
    url = _urls(world)["page"]
    client = Client()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    more = decided(world, 4, round=_round(world.office, "Tellerunde 2", RoundStatus.DECISION))
    for decision in more:
        decision.report.themes.set(Theme.objects.all()[:3])
        CoOwner.objects.create(report=decision.report, organisation=world.co_owner_org)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["rows"]) == 5
    assert len(large) == len(small) <= 8
