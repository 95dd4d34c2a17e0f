"""A round at the persona office with reports in every status, for the office's overview and exports."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dekomp.needs.models import (
    BudgetLine,
    ConfirmationStatus,
    NeedsReport,
    OwnContribution,
    ReportPartner,
    Status,
)
from dekomp.organisations.models import Organisation, OrganisationKind
from dekomp.organisations.validators import synthetic_orgnrs
from dekomp.schemes.models import ActivityType, ApplicantGroup, Frame, Round, RoundStatus, Scheme, Theme

YEAR = 2030
FRAME = Decimal(2_000_000)


@dataclass
class OfficeRound:
    """The round, its reports by short name, the second partner and a helper to add more reports."""

    round: Round
    reports: dict[str, NeedsReport]
    other_partner: Organisation
    add: Callable[..., NeedsReport]


def add_report(
    round: Round,
    *,
    owner: Organisation,
    scheme: str,
    title: str,
    status: str = Status.SUBMITTED,
    region=None,
    partners: tuple[Organisation, ...] = (),
    themes: tuple[str, ...] = (),
    lines: tuple[tuple[int, Organisation, int], ...] = (),
    egenandel: int = 0,
) -> NeedsReport:
    """A report made directly with the ORM (fixtures need no services): partners, themes, budget lines."""
    number = NeedsReport.objects.filter(round=round).order_by("-number").values_list("number", flat=True).first() or 0
    report = NeedsReport.objects.create(
        round=round,
        scheme=Scheme.objects.get(code=scheme),
        owner=owner,
        number=number + 1,
        region=region,
        title=title,
        status=status,
        years=len({year for year, _org, _amount in lines}) or 1,
        submitted_at=None if status == Status.DRAFT else timezone.now() - timedelta(days=number),
        created_by_id=owner.memberships.values_list("user_id", flat=True).first(),
    )
    for partner in partners:
        ReportPartner.objects.create(
            report=report,
            organisation=partner,
            contact_name="Kontakt",
            contact_email="kontakt@uh.example",
            status=ConfirmationStatus.CONFIRMED,
        )
    report.themes.set(Theme.objects.filter(code__in=themes))
    BudgetLine.objects.bulk_create(
        BudgetLine(report=report, budget_year=year, recipient=org, amount=Decimal(amount))
        for year, org, amount in lines
    )
    if egenandel:
        OwnContribution.objects.create(report=report, budget_year=YEAR, amount=Decimal(egenandel))
    return report


@pytest.fixture
def office_round(world) -> OfficeRound:
    """An open round at the persona office: lesing, sprak (submitted), utkast (draft), matte (checked), trukket."""
    now = timezone.now()
    round = Round.objects.create(
        office=world.office,
        year=YEAR,
        name=f"Kontrollrunde {YEAR}",
        status=RoundStatus.OPEN,
        opens_at=now - timedelta(days=10),
        first_budget_year=YEAR,
    )
    schemes = list(Scheme.objects.all())
    round.schemes.set(schemes)
    round.themes.set(Theme.objects.all())
    round.activity_types.set(ActivityType.objects.all())
    Frame.objects.bulk_create(
        Frame(round=round, scheme=scheme, budget_year=year, amount=FRAME)
        for scheme in schemes
        for year in round.budget_years
    )
    ApplicantGroup.objects.create(round=round, name="Alle eiere", deadline=now + timedelta(days=20), is_default=True)
    usn = Organisation.objects.create(
        orgnr=next(synthetic_orgnrs(70_000_000)),
        name="Universitetet i Sørøst-Norge",
        kind=OrganisationKind.UNIVERSITY,
        municipality=world.owner_org.municipality,
    )
    owner, co_owner, oslomet = world.owner_org, world.co_owner_org, world.partner_org
    reports = {
        "lesing": add_report(
            round,
            owner=owner,
            scheme="dekomp",
            title="Lesing og skriving",
            region=world.region,
            partners=(oslomet,),
            themes=("fagfornyelsen",),
            egenandel=81_000,
            lines=(
                (YEAR, owner, 100_000),
                (YEAR, oslomet, 50_000),
                (YEAR + 1, owner, 80_000),
                (YEAR + 1, oslomet, 40_000),
            ),
        ),
        "sprak": add_report(
            round,
            owner=co_owner,
            scheme="rekomp",
            title="Språk i barnehagen",
            region=world.region,
            partners=(oslomet,),
            themes=("mangfold",),
            lines=((YEAR, co_owner, 200_000), (YEAR, oslomet, 100_000)),
        ),
        "utkast": add_report(
            round,
            owner=owner,
            scheme="kompetanseloftet",
            title="Inkludering",
            status=Status.DRAFT,
            lines=((YEAR, owner, 10_000),),
        ),
        "matte": add_report(
            round,
            owner=co_owner,
            scheme="dekomp",
            title="Matematikk i praksis",
            status=Status.CHECKED,
            partners=(usn,),
            themes=("fagfornyelsen", "ikt"),
            lines=((YEAR, co_owner, 30_000), (YEAR, usn, 20_000)),
        ),
        "trukket": add_report(
            round,
            owner=owner,
            scheme="rekomp",
            title="Trukket tiltak",
            status=Status.WITHDRAWN,
            lines=((YEAR, owner, 5_000),),
        ),
    }
    return OfficeRound(round=round, reports=reports, other_partner=usn, add=lambda **kw: add_report(round, **kw))
