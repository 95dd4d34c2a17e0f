"""Build rounds and complete drafts for the needs tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dekomp.needs import services
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import Unit, UnitKind
from dekomp.organisations.validators import synthetic_orgnrs
from dekomp.schemes.models import ActivityType, ApplicantGroup, Frame, Round, RoundStatus, Scheme, Theme


def open_round(office, *, deadline=None, name="Runde 2027") -> Round:
    """An open round with all schemes, themes and activity types and a default deadline (in 30 days)."""
    round = Round.objects.create(
        office=office,
        year=2027,
        name=name,
        status=RoundStatus.OPEN,
        opens_at=timezone.now() - timedelta(days=30),
        first_budget_year=2027,
    )
    round.schemes.set(Scheme.objects.all())
    round.themes.set(Theme.objects.all())
    round.activity_types.set(ActivityType.objects.all())
    for scheme in Scheme.objects.all():
        for year in round.budget_years:
            Frame.objects.create(round=round, scheme=scheme, budget_year=year, amount=Decimal(10_000_000))
    ApplicantGroup.objects.create(
        round=round, name="Alle", is_default=True, deadline=deadline or timezone.now() + timedelta(days=30)
    )
    return round


def second_school(world) -> Unit:
    orgnrs = synthetic_orgnrs(60_000_000)
    return Unit.objects.create(
        orgnr=next(orgnrs),
        name="Andre skole i Fredrikstad",
        kind=UnitKind.PRIMARY_SCHOOL,
        owner=world.owner_org,
        municipality=world.owner_org.municipality,
        staff_count=25,
    )


def complete_draft(world, round: Round, *, years: int = 3, egenandel_share: Decimal = Decimal("0.3")) -> NeedsReport:
    """A DeKomp draft with every step filled in and OsloMet as partner (not yet confirmed)."""
    by = world.users["owner"]
    report = services.needs_report_create(
        by=by, round=round, scheme=Scheme.objects.get(code="dekomp"), owner=world.owner_org, title="Lesing i alle fag"
    )
    report = services.needs_report_save_basics(
        by=by,
        report=report,
        expected_version=report.version,
        title="Lesing i alle fag",
        region=world.region,
        co_owners=[],
    )
    units = [*world.owner_org.units.all(), second_school(world)]
    report = services.needs_report_save_units(
        by=by,
        report=report,
        expected_version=report.version,
        units=units,
        target_groups=["laerere", "ledere"],
        staff_reached=55,
    )
    report = services.needs_report_save_partners(
        by=by,
        report=report,
        expected_version=report.version,
        partners=[services.PartnerInput(world.partner_org, "Per Partner", "per@oslomet.example")],
    )
    report = services.needs_report_save_content(
        by=by,
        report=report,
        expected_version=report.version,
        need="Elevene leser for lite.",
        analysis="Nasjonale prøver viser fall.",
        goals="Bedre lesing.",
        collective="Hele personalet deltar.",
        evaluation="Ny kartlegging etter to år.",
        themes=list(round.themes.all()[:2]),
        activity_types=list(round.activity_types.all()[:2]),
    )
    report = services.needs_report_save_anchoring(
        by=by,
        report=report,
        expected_version=report.version,
        local_plan="Kompetanseplan 2026–2030",
        is_staff_involved=True,
        is_union_involved=True,
    )
    lines, contributions = [], {}
    for year in round.budget_years[:years]:
        lines += [
            services.BudgetInput(year, world.owner_org.pk, Decimal(200_000), Decimal(10_000)),
            services.BudgetInput(year, world.partner_org.pk, Decimal(300_000)),
        ]
        contributions[year] = (Decimal(500_000) * egenandel_share).quantize(Decimal(1))
    return services.needs_report_save_budget(
        by=by,
        report=report,
        expected_version=report.version,
        years=years,
        lines=lines,
        contributions=contributions,
        egenandel_form="arbeidstid",
    )


def confirm_partner(world, report: NeedsReport) -> None:
    link = report.partner_links.get()
    services.partner_answer(by=world.users["partner"], link=link, is_confirmed=True, comment="")
