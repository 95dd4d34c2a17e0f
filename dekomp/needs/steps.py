"""The steps of writing a needs report: each has a form, its initial values from the report, and a save."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import forms, services
from .models import NeedsReport


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise
    form_class: type
    initial: Callable[[NeedsReport], dict]
    save: Callable[..., NeedsReport] | None


def _basics_initial(report: NeedsReport) -> dict:
    return {
        "version": report.version,
        "title": report.title,
        "region": report.region_id,
        "co_owners": [link.organisation_id for link in report.co_owner_links.all()],
    }


def _basics_save(*, by, report, version, data):
    return services.needs_report_save_basics(
        by=by,
        report=report,
        expected_version=version,
        title=data["title"],
        region=data["region"],
        co_owners=list(data["co_owners"]),
    )


def _units_initial(report: NeedsReport) -> dict:
    return {
        "version": report.version,
        "units": list(report.units.values_list("pk", flat=True)),
        "target_groups": report.target_groups,
        "staff_reached": report.staff_reached,
    }


def _units_save(*, by, report, version, data):
    return services.needs_report_save_units(
        by=by,
        report=report,
        expected_version=version,
        units=list(data["units"]),
        target_groups=data["target_groups"],
        staff_reached=data["staff_reached"],
    )


def _content_initial(report: NeedsReport) -> dict:
    return {
        "version": report.version,
        "need": report.need,
        "analysis": report.analysis,
        "goals": report.goals,
        "collective": report.collective,
        "evaluation": report.evaluation,
        "themes": list(report.themes.values_list("pk", flat=True)),
        "activity_types": list(report.activity_types.values_list("pk", flat=True)),
    }


def _content_save(*, by, report, version, data):
    return services.needs_report_save_content(
        by=by,
        report=report,
        expected_version=version,
        need=data["need"],
        analysis=data["analysis"],
        goals=data["goals"],
        collective=data["collective"],
        evaluation=data["evaluation"],
        themes=list(data["themes"]),
        activity_types=list(data["activity_types"]),
    )


def _anchoring_initial(report: NeedsReport) -> dict:
    return {
        "version": report.version,
        "local_plan": report.local_plan,
        "is_staff_involved": report.is_staff_involved,
        "is_union_involved": report.is_union_involved,
    }


def _anchoring_save(*, by, report, version, data):
    return services.needs_report_save_anchoring(
        by=by,
        report=report,
        expected_version=version,
        local_plan=data["local_plan"],
        is_staff_involved=data["is_staff_involved"],
        is_union_involved=data["is_union_involved"],
    )


def _budget_save(*, by, report, version, data, form):
    lines = []
    for recipient, cells in form.grid:
        for year, amount, coordinator in cells:
            if year in report.round.budget_years[: data["years"]]:
                lines.append(
                    services.BudgetInput(
                        year,
                        recipient.pk,
                        forms.decimal_or_zero(data.get(amount)),
                        forms.decimal_or_zero(data.get(coordinator)),
                    )
                )
    contributions = {
        year: forms.decimal_or_zero(data.get(name))
        for year, name in form.contribution_fields
        if year in report.round.budget_years[: data["years"]] and data.get(name) not in (None, "")
    }
    return services.needs_report_save_budget(
        by=by,
        report=report,
        expected_version=version,
        years=data["years"],
        lines=lines,
        contributions={year: Decimal(amount) for year, amount in contributions.items()},
        egenandel_form=data["egenandel_form"],
    )


STEPS = [
    Step("grunnlag", _("Tiltak og eiere"), forms.BasicsForm, _basics_initial, _basics_save),
    Step("enheter", _("Enheter og målgrupper"), forms.UnitsForm, _units_initial, _units_save),
    Step("partnere", _("Partnere"), forms.PartnerFormSet, lambda report: {}, None),
    Step("innhold", _("Behov, mål og innhold"), forms.ContentForm, _content_initial, _content_save),
    Step("forankring", _("Forankring"), forms.AnchoringForm, _anchoring_initial, _anchoring_save),
    Step("budsjett", _("Periode og budsjett"), forms.BudgetForm, forms.BudgetForm.initial_for, _budget_save),
    Step("vedlegg", _("Vedlegg"), forms.AttachmentForm, lambda report: {"version": report.version}, None),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def next_step(slug: str) -> str | None:
    slugs = [step.slug for step in STEPS]
    index = slugs.index(slug)
    return slugs[index + 1] if index + 1 < len(slugs) else None
