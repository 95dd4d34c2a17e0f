"""Decisions made directly in the database, for the tests of later stages (payouts, reporting, publishing).

The decision services have their own tests; these factories give later stages a decided world without depending on
every rule of how decisions are prepared.
"""

from decimal import Decimal

from django.utils import timezone

from dekomp.allocation.models import Recommendation, RecommendationLine, RecommendationStatus
from dekomp.assessment.tests.factories import checked_reports
from dekomp.decisions.models import Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome


def approved_recommendation(world, reports: list, round) -> Recommendation:
    """An approved recommendation that recommends each report's requested amount per year."""
    recommendation = Recommendation.objects.create(
        round=round,
        forum=world.forum,
        status=RecommendationStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=world.users["secretariat"],
    )
    for report in reports:
        totals: dict[int, Decimal] = {}
        for line in report.budget_lines.all():
            totals[line.budget_year] = totals.get(line.budget_year, Decimal(0)) + line.amount
        for year, total in totals.items():
            RecommendationLine.objects.create(
                recommendation=recommendation, report=report, budget_year=year, proposed=total, amount=total
            )
    return recommendation


def decided(
    world, count: int = 2, round=None, status: str = DecisionStatus.SENT, outcome: str = Outcome.GRANTED
) -> list[Decision]:
    """``count`` decided DeKomp reports (see ``checked_reports``), each granted what it asked for in two years."""
    round, reports = checked_reports(world, count, round)
    recommendation = approved_recommendation(world, reports, round)
    caseworker = world.users["caseworker"]
    batch = DecisionBatch.objects.create(
        round=round, recommendation=recommendation, created_by=caseworker, decided_at=timezone.now()
    )
    decisions = []
    now = timezone.now()
    for number, report in enumerate(reports, 1):
        decision = Decision.objects.create(
            batch=batch,
            report=report,
            number=number,
            outcome=outcome,
            status=status,
            decided_at=None if status == DecisionStatus.DRAFT else now,
            decided_by=None if status == DecisionStatus.DRAFT else caseworker,
            letter_language="nb" if status in (DecisionStatus.SENT, DecisionStatus.ACCEPTED) else "",
            letter_sent_at=now if status in (DecisionStatus.SENT, DecisionStatus.ACCEPTED) else None,
            accepted_at=now if status == DecisionStatus.ACCEPTED else None,
            accepted_by=world.users["owner"] if status == DecisionStatus.ACCEPTED else None,
        )
        for line in report.budget_lines.all():
            amount = Decimal(0) if outcome == Outcome.REJECTED else line.amount
            DecisionLine.objects.create(
                decision=decision,
                recipient=line.recipient,
                budget_year=line.budget_year,
                requested=line.amount,
                recommended=line.amount,
                amount=amount,
            )
        decisions.append(decision)
    return decisions
