"""A round with formally checked reports in the world's region, ready to rank."""

from decimal import Decimal

from django.utils import timezone

from dekomp.needs.models import BudgetLine, NeedsReport, ReportPartner, Status
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import Scheme


def checked_reports(world, count: int = 4, round=None) -> tuple:
    """``count`` checked DeKomp reports (owner Fredrikstad or Sarpsborg, partner OsloMet), 2 budget years each."""
    round = round or open_round(world.office, name="Prioriteringsrunde")
    scheme = Scheme.objects.get(code="dekomp")
    reports = []
    for i in range(count):
        owner = world.owner_org if i % 2 == 0 else world.co_owner_org
        report = NeedsReport.objects.create(
            round=round,
            scheme=scheme,
            owner=owner,
            number=100 + i,
            title=f"Tiltak {i + 1}",
            region=world.region,
            status=Status.CHECKED,
            years=2,
            created_by=world.users["owner"],
            submitted_at=timezone.now(),
        )
        ReportPartner.objects.create(
            report=report,
            organisation=world.partner_org,
            contact_name="P",
            contact_email="p@x.example",
            status="bekreftet",
        )
        for year in round.budget_years[:2]:
            BudgetLine.objects.create(
                report=report, budget_year=year, recipient=owner, amount=Decimal(100_000 * (i + 1))
            )
            BudgetLine.objects.create(
                report=report, budget_year=year, recipient=world.partner_org, amount=Decimal(50_000)
            )
        reports.append(report)
    return round, reports
