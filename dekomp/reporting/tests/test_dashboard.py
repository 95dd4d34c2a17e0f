"""The money dashboard: the numbers equal the decision lines and payouts, who sees which office, charts and tables."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dekomp.decisions.models import DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.models import NeedsReport
from dekomp.needs.tests.factories import open_round
from dekomp.organisations.models import Region
from dekomp.payouts.models import BatchStatus, Payout, PayoutBatch
from dekomp.reporting.dashboard import bar_chart
from dekomp.reporting.permissions_dashboard import can_view_dashboard
from dekomp.schemes.models import Frame, RoundStatus, Scheme, Theme

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
YEAR = 2027


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _round(office, name: str, year: int = YEAR):
    round = open_round(office, name=name)
    round.status, round.year, round.first_budget_year = RoundStatus.PAYOUT, year, year
    round.save()
    if year != YEAR:  # open_round set frames for 2027–2029: move them to the round's own budget years
        frames = list(round.frames.all())
        round.frames.all().delete()
        Frame.objects.bulk_create(
            Frame(round=round, scheme=f.scheme, budget_year=f.budget_year + year - YEAR, amount=f.amount)
            for f in frames
        )
    return round


def _pay(world, lines, *, number: int, status: str = BatchStatus.PAID, office=None) -> None:
    """Pay the lines in one batch (marked as paid unless told otherwise)."""
    office = office or world.office
    batch = PayoutBatch.objects.create(
        office=office,
        budget_year=lines[0].budget_year,
        recipient_kind="eier",
        number=number,
        status=status,
        paid_at=timezone.now() if status == BatchStatus.PAID else None,
        created_by=world.users["caseworker"],
    )
    for line in lines:
        Payout.objects.create(batch=batch, line=line, recipient=line.recipient, amount=line.amount)


@pytest.fixture
def money(world):
    """Office A: a round with three granted measures (one ReKomp, two themes on one), a draft and a superseded line,
    some of it paid; office B: one granted measure."""
    round = _round(world.office, "Pengerunde")
    granted = decided(world, 3, round=round)
    NeedsReport.objects.filter(pk=granted[2].report_id).update(scheme=Scheme.objects.get(code="rekomp"))
    themes = list(Theme.objects.order_by("position")[:2])
    granted[0].report.themes.set(themes)
    granted[1].report.themes.set(themes[:1])
    north = Region.objects.create(office=world.office, name="Nord")
    NeedsReport.objects.filter(pk=granted[1].report_id).update(region=north)
    # Not binding: a draft decision in another round, and a rejected one.
    decided(world, 1, round=_round(world.office, "Utkastrunde"), status=DecisionStatus.DRAFT)
    decided(world, 1, round=_round(world.office, "Avslagsrunde"), outcome=Outcome.REJECTED)
    # A change decision in a 2028 round replaces the first measure's owner money for 2028.
    later = decided(world, 1, round=_round(world.office, "Runde 2028", year=2028))
    old = granted[0].lines.get(recipient=world.owner_org, budget_year=YEAR + 1)
    old.superseded_by = later[0].lines.get(recipient=world.owner_org, budget_year=YEAR + 1)
    old.save()
    # Paid: both 2027 lines of the first measure; a batch not yet paid does not count.
    _pay(world, list(granted[0].lines.filter(budget_year=YEAR)), number=1)
    _pay(world, list(granted[1].lines.filter(budget_year=YEAR)), number=2, status=BatchStatus.EXPORTED)
    other = decided(world, 1, round=_round(world.other_office, "Vestlandsrunde"))
    _pay(world, list(other[0].lines.filter(budget_year=YEAR)), number=1, office=world.other_office)
    return round, granted, later, other


def _binding(**filters):
    return DecisionLine.objects.filter(
        decision__status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT, DecisionStatus.ACCEPTED],
        superseded_by__isnull=True,
        **filters,
    )


def _sum(queryset, field: str = "amount") -> int:
    return int(queryset.aggregate(total=Sum(field))["total"] or 0)


def nok(text: str) -> int:
    return int(re.sub(r"[^\d\u2212-]", "", text).replace("\u2212", "-"))


def table(html: str, key: str) -> dict[str, list[int]]:
    """A dashboard table as {row heading: [amounts]}, read from the HTML."""
    match = re.search(rf'<table[^>]*data-testid="table-{key}".*?</table>', html, re.S)
    assert match, key
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", match.group(0), re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if heading:
            rows[heading.group(1).strip()] = [
                nok(cell) for cell in re.findall(r'<td class="app-num"[^>]*>(.*?)</td>', row)
            ]
    return rows


def test_the_tables_equal_the_sums_of_the_decision_lines(world, money):
    _, granted, _, _ = money
    html = client_for(world.users["caseworker"]).get(URL).content.decode()
    office_lines = _binding(decision__report__round__office=world.office)

    by_scheme = table(html, "scheme")
    assert by_scheme["DeKomp"] == [_sum(office_lines.filter(decision__report__scheme__code="dekomp"))]
    assert by_scheme["ReKomp"] == [_sum(office_lines.filter(decision__report__scheme__code="rekomp"))]
    assert by_scheme["Sum"] == [_sum(office_lines)]
    # By hand: three measures of (100 000 × (i + 1) + 50 000) × 2 years, less the superseded 100 000, plus the 2028
    # round's (100 000 + 50 000) × 2 years.
    assert _sum(office_lines) == 300_000 + 500_000 + 700_000 - 100_000 + 300_000

    by_region = table(html, "region")
    assert by_region["Nord"] == [_sum(office_lines.filter(decision__report__region__name="Nord"))]
    assert by_region["Østfold"] == [_sum(office_lines.filter(decision__report__region__name="Østfold"))]

    by_year = table(html, "year")
    for year in (YEAR, YEAR + 1, YEAR + 2):
        assert by_year[str(year)] == [_sum(office_lines.filter(budget_year=year))]

    by_partner = table(html, "partner")
    assert by_partner == {
        "OsloMet": [_sum(office_lines.filter(recipient=world.partner_org))],
        "Sum": [_sum(office_lines.filter(recipient=world.partner_org))],
    }

    by_theme = table(html, "theme")
    first, second = Theme.objects.order_by("position")[:2]
    # Counted in full under each theme: the first measure under both, the second under the first theme only.
    assert by_theme[first.name] == [_sum(office_lines.filter(decision__in=granted[:2]))]
    assert by_theme[second.name] == [_sum(office_lines.filter(decision=granted[0]))]
    assert by_theme["Uten tema"] == [_sum(office_lines.exclude(decision__in=granted[:2]))]
    assert "teller med hele beløpet under hvert av temaene" in html


def test_frame_committed_and_paid_follow_the_ledger(world, money):
    html = client_for(world.users["caseworker"]).get(URL).content.decode()
    ledger = table(html, "ledger")
    dekomp = Scheme.objects.get(code="dekomp")
    office_lines = _binding(decision__report__round__office=world.office)
    paid = Payout.objects.filter(batch__office=world.office, batch__status=BatchStatus.PAID)
    # The frame of a year is the one a round starting that year sets (not the sum of several rounds' frames).
    frame_2027 = 10_000_000
    assert set(Frame.objects.filter(round__office=world.office, budget_year=YEAR).values_list("amount", flat=True)) == {
        frame_2027
    }
    committed_2027 = _sum(office_lines.filter(decision__report__scheme=dekomp, budget_year=YEAR))
    paid_2027 = _sum(paid.filter(line__decision__report__scheme=dekomp, line__budget_year=YEAR))
    assert paid_2027 == 150_000
    assert ledger[f"DeKomp {YEAR}"] == [
        frame_2027,
        committed_2027,
        paid_2027,
        frame_2027 - committed_2027,
        committed_2027 - paid_2027,
    ]
    assert ledger["Sum"][1] == _sum(office_lines)
    assert ledger["Sum"][2] == _sum(paid) == 150_000


def test_the_round_filter_limits_the_breakdowns_to_that_years_rounds(world, money):
    client = client_for(world.users["caseworker"])
    html = client.get(URL, {"runde": 2028}).content.decode()
    lines_2028 = _binding(decision__report__round__office=world.office, decision__report__round__year=2028)
    assert table(html, "scheme")["Sum"] == [_sum(lines_2028)] == [300_000]
    assert set(table(html, "ledger")) == {
        f"{s} {y}" for s in ("DeKomp", "ReKomp", "Kompetanseløftet") for y in (2028, 2029, 2030)
    } | {"Sum"}
    html = client.get(URL, {"runde": "tull"}).content.decode()  # a bad year counts as all rounds
    assert table(html, "scheme")["Sum"] == [_sum(_binding(decision__report__round__office=world.office))]


def test_a_national_reader_sees_every_office_and_a_national_total(world, money):
    client = client_for(world.users["national_reader"])
    html = client.get(URL).content.decode()
    offices = table(html, "offices")
    assert offices[world.office.name][1] == _sum(_binding(decision__report__round__office=world.office))
    assert offices[world.other_office.name][1] == _sum(_binding(decision__report__round__office=world.other_office))
    assert offices["Sum for landet"][1] == _sum(_binding())
    assert offices["Sum for landet"][2] == _sum(Payout.objects.filter(batch__status=BatchStatus.PAID))
    assert "Nord (Statsforvalteren i Østfold, Buskerud, Oslo og Akershus)" in html
    html = client.get(URL, {"kontor": world.other_office.slug}).content.decode()
    assert table(html, "scheme")["Sum"] == [_sum(_binding(decision__report__round__office=world.other_office))]
    assert 'data-testid="table-offices"' not in html


def test_a_caseworker_sees_only_their_own_office(world, money):
    client = client_for(world.users["caseworker"])
    html = client.get(URL).content.decode()
    assert table(html, "scheme")["Sum"] == [_sum(_binding(decision__report__round__office=world.office))]
    assert "Vestland" not in html
    assert client.get(URL, {"kontor": world.other_office.slug}).status_code == 403
    assert client.get(URL, {"kontor": "finnes-ikke"}).status_code == 404
    assert client.get(URL, {"kontor": world.office.slug}).status_code == 200
    other = client_for(world.users["other_caseworker"]).get(URL).content.decode()
    assert table(other, "scheme")["Sum"] == [_sum(_binding(decision__report__round__office=world.other_office))]


def test_who_may_see_the_dashboard(world):
    assert can_view_dashboard(world.users["caseworker"], world.office)
    assert can_view_dashboard(world.users["office_admin"], world.office)
    assert can_view_dashboard(world.users["national_reader"], world.other_office)
    assert not can_view_dashboard(world.users["other_caseworker"], world.office)
    assert not can_view_dashboard(world.users["owner"], world.office)
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for persona in ("owner", "partner", "forum_member", "outsider"):
        assert client_for(world.users[persona]).get(URL).status_code == 403, persona


def test_each_chart_is_an_image_with_a_title_and_a_table_beside_it(world, money):
    html = client_for(world.users["caseworker"]).get(URL).content.decode()
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 6  # the ledger and five breakdowns
    for svg in svgs:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        title = re.search(r'<title id="([^"]+)">([^<]+)</title>', svg)
        desc = re.search(r'<desc id="([^"]+)">', svg)
        assert title and desc and labelled == [title.group(1), desc.group(1)]
        # Every bar carries its value as text (no meaning by colour alone).
        assert svg.count("<rect") == svg.count('class="app-chart__value"') > 0
        assert "kr</text>" in svg
    assert re.search(r"<caption>Tilsagn per region \(kr\)</caption>", html)
    assert html.count('<th scope="col"') >= 6 * 2
    assert "css/dashboard.css" in html
    ledger_svg = next(svg for svg in svgs if 'data-testid="chart-ledger"' in svg)
    assert "Ramme: " in ledger_svg and "Tilsagn: " in ledger_svg and "Utbetalt: " in ledger_svg


def test_bars_are_scaled_to_the_largest_value():
    chart = bar_chart(
        key="k",
        title="T",
        description="D",
        groups=[("A", [Decimal(200)]), ("B", [Decimal(50)]), ("C", [Decimal(0)])],
        series=[("", "committed")],
    )
    widths = [group.bars[0].width for group in chart.groups]
    assert widths == [320.0, 80.0, 0.0]
    assert chart.groups[1].bars[0].y > chart.groups[0].bars[0].y
    assert chart.height > chart.groups[-1].bars[0].y


@pytest.mark.parametrize("persona", ["caseworker", "national_reader"])
def test_the_dashboard_runs_a_fixed_number_of_queries(world, persona):
    client = client_for(world.users[persona])
    round = _round(world.office, "Tellerunde")
    first = decided(world, 1, round=round)
    _pay(world, list(first[0].lines.filter(budget_year=YEAR)), number=1)
    client.get(URL)  # warm up the session and the language
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    more = decided(world, 5, round=_round(world.office, "Tellerunde 2"))
    for number, decision in enumerate(more, 2):
        decision.report.themes.set(Theme.objects.all()[:3])
        _pay(world, list(decision.lines.filter(budget_year=YEAR)), number=number)
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 20
