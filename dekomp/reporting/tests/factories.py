"""Decided decisions with their expected reports, and filled-in reports, for the reporting tests."""

from datetime import date
from decimal import Decimal

from dekomp.decisions.models import DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.reporting import services
from dekomp.reporting.models import RecipientReport

DEADLINE = date(2028, 1, 15)


def expected_reports(world, count: int = 1, *, name: str = "Rapporteringsrunde", deadline=DEADLINE) -> dict:
    """``count`` accepted DeKomp decisions (100 000 kr a year to the owner, 50 000 to OsloMet, 2027 and 2028)
    and their expected reports, keyed ``(recipient, year)`` for the first decision (recipient "owner"/"partner")."""
    round = open_round(world.office, name=name)
    round.reporting_deadline = deadline
    round.save()
    decisions = decided(world, count, round=round, status=DecisionStatus.ACCEPTED)
    reports = {}
    for decision in decisions:
        made = services.reports_expect(decision=decision)
        if decision is decisions[0]:
            for report in made:
                who = "owner" if report.recipient_id == world.owner_org.pk else "partner"
                reports[(who, report.budget_year)] = report
    reports["round"] = round
    reports["decisions"] = decisions
    return reports


def filled(world, **overrides) -> services.ReportInput:
    """A complete report for the owner: 80 000 kr used of 100 000, egenandel 30 000, the owner's school reached."""
    values = {
        "activities": "Fire samlinger og lærende nettverk på alle skolene.",
        "units_reached": list(world.owner_org.units.all()),
        "participants": 42,
        "goal_achievement": "Lærerne bruker lesestrategier i alle fag.",
        "used": Decimal(80_000),
        "egenandel_documented": Decimal(30_000),
    }
    return services.ReportInput(**(values | overrides))


def submitted(world, report: RecipientReport, **overrides) -> RecipientReport:
    """The report sent in by its recipient's submitter."""
    by = world.users["owner" if report.recipient_id == world.owner_org.pk else "partner"]
    if report.recipient_id != world.owner_org.pk:
        overrides = {"units_reached": [], "used": Decimal(50_000)} | overrides
    return services.report_submit(by=by, report=report, version=report.version, data=filled(world, **overrides))
