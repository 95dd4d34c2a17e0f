"""Reporting selectors: an organisation's reports for its home, and a round's follow-up list with its totals."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dekomp.reporting import services
from dekomp.reporting.models import ReportStatus, SettlementKind
from dekomp.reporting.selectors import Filters, reports_for_organisation, reports_for_round
from dekomp.reporting.tests.factories import DEADLINE, expected_reports, submitted

pytestmark = pytest.mark.django_db


def test_reports_for_organisation_groups_by_what_is_to_be_done(world, expected):
    submitted(world, expected[("owner", 2028)])
    grouped = reports_for_organisation(world.owner_org, today=DEADLINE + timedelta(days=1))
    assert grouped.overdue == [expected[("owner", 2027)]]
    assert grouped.due == [] and grouped.submitted == [expected[("owner", 2028)]]
    grouped = reports_for_organisation(world.owner_org, today=DEADLINE)
    assert grouped.due == [expected[("owner", 2027)]] and grouped.overdue == []
    services.report_approve(by=world.users["caseworker"], report=expected[("owner", 2028)])
    assert reports_for_organisation(world.owner_org, today=DEADLINE).approved == [expected[("owner", 2028)]]
    assert not reports_for_organisation(world.co_owner_org)


def test_reports_for_organisation_runs_one_query(world, django_assert_num_queries):
    expected_reports(world, 3)
    with django_assert_num_queries(1):
        grouped = reports_for_organisation(world.owner_org, today=DEADLINE)
        # Everything the home include shows is loaded.
        shown = [(report.line.decision.reference, report.line.decision.report.title) for report in grouped.to_do]
    assert len(shown) == 4  # two decisions for Fredrikstad (reports 1 and 3), two years each


def test_reports_for_round_totals_and_filters(world, expected):
    owner_2027 = submitted(world, expected[("owner", 2027)])
    services.report_settle(
        by=world.users["caseworker"],
        report=owner_2027,
        kind=SettlementKind.CLAIM_BACK,
        amount=Decimal(12_000),
        reason="Ikke brukt",
    )
    round = expected["round"]
    result = reports_for_round(round, Filters(), today=DEADLINE + timedelta(days=1))
    assert len(result.reports) == 4
    assert result.totals.granted == Decimal(300_000)
    assert (result.totals.used, result.totals.unused) == (Decimal(80_000), Decimal(20_000))
    assert (result.totals.claimed_back, result.totals.carried_over) == (Decimal(12_000), Decimal(0))
    assert result.totals.unsettled == Decimal(8_000)
    assert result.overdue_count == 1  # the partner's 2027 report
    assert result.status_counts[ReportStatus.APPROVED] == 1 and result.status_counts[ReportStatus.EXPECTED] == 3
    overdue = reports_for_round(round, Filters(is_overdue=True), today=DEADLINE + timedelta(days=1))
    assert overdue.reports == [expected[("partner", 2027)]] and overdue.totals.granted == Decimal(50_000)
    approved = reports_for_round(round, Filters(status=ReportStatus.APPROVED, budget_year=2027))
    assert approved.reports == [owner_2027]
    assert reports_for_round(round, Filters(budget_year=2028)).totals.granted == Decimal(150_000)


def test_reports_for_round_runs_one_query(world, django_assert_num_queries):
    big = expected_reports(world, 4)
    submitted(world, big[("owner", 2027)])
    with django_assert_num_queries(1):
        result = reports_for_round(big["round"], Filters())
        shown = [
            (report.recipient.name, report.line.decision.reference, report.granted, report.settlement_or_none)
            for report in result.reports
        ]
    assert len(shown) == 16
