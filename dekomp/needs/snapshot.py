"""A submitted version as plain data, and a readable field-by-field diff between two versions."""

import difflib
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from dekomp.core.formatting import format_nok

from .models import NeedsReport, target_group_labels

# The fields of a snapshot in reading order, with their labels.
FIELDS = [
    ("title", _("Navn på tiltaket")),
    ("scheme", _("Ordning")),
    ("region", _("Region")),
    ("co_owners", _("Medeiere")),
    ("units", _("Enheter")),
    ("target_groups", _("Målgrupper")),
    ("staff_reached", _("Antall ansatte tiltaket når")),
    ("partners", _("Partnere")),
    ("need", _("Behov")),
    ("analysis", _("Analysen bak behovet")),
    ("goals", _("Mål")),
    ("themes", _("Temaer")),
    ("activity_types", _("Tiltakstyper")),
    ("collective", _("Kollektivt og barnehage- eller skolebasert")),
    ("evaluation", _("Vurdering av resultatene")),
    ("local_plan", _("Lokal plan")),
    ("is_staff_involved", _("De ansatte har vært med")),
    ("is_union_involved", _("Tillitsvalgte har vært involvert")),
    ("years", _("Varighet (skoleår)")),
    ("budget", _("Budsjett")),
    ("egenandel", _("Egenandel")),
    ("attachments", _("Vedlegg")),
]


def take(report: NeedsReport) -> dict:
    """The report as it is now, as JSON-ready data (names, not ids, so old versions stay readable)."""
    lines = sorted(report.budget_lines.select_related("recipient"), key=lambda line: (line.budget_year, line.pk))
    return {
        "title": report.title,
        "scheme": report.scheme.short_name,
        "region": report.region.name if report.region else "",
        "co_owners": [
            f"{link.organisation.name} ({link.get_status_display()})"
            for link in report.co_owner_links.select_related("organisation")
        ],
        "units": sorted(unit.name for unit in report.units.all()),
        "target_groups": list(report.target_groups),
        "staff_reached": report.staff_reached,
        "partners": [
            f"{link.organisation.name}: {link.contact_name} <{link.contact_email}> ({link.get_status_display()})"
            for link in report.partner_links.select_related("organisation")
        ],
        "need": report.need,
        "analysis": report.analysis,
        "goals": report.goals,
        "themes": [theme.name for theme in report.themes.all()],
        "activity_types": [activity.name for activity in report.activity_types.all()],
        "collective": report.collective,
        "evaluation": report.evaluation,
        "local_plan": report.local_plan,
        "is_staff_involved": report.is_staff_involved,
        "is_union_involved": report.is_union_involved,
        "years": report.years,
        "budget": [
            f"{line.budget_year} {line.recipient.name}: {format_nok(line.amount)}"
            + (f" (koordinator {format_nok(line.coordinator_amount)})" if line.coordinator_amount else "")
            for line in lines
        ],
        "egenandel": [f"{c.budget_year}: {format_nok(c.amount)}" for c in report.contributions.all()]
        + ([report.get_egenandel_form_display()] if report.egenandel_form else []),
        "attachments": [a.original_name for a in report.attachments.all()],
        "total": str(sum((line.amount for line in lines), Decimal(0))),
    }


def readable(data: dict) -> dict:
    """A snapshot as people read it: codes kept in the data (target groups) shown as their labels."""
    return {**data, "target_groups": target_group_labels(list(data.get("target_groups") or []))}


def _as_lines(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return [str(_("ja") if value else _("nei"))]
    return str(value if value is not None else "").splitlines()


def diff(old: dict, new: dict) -> list[dict]:
    """The fields that changed, each with the removed and added lines (unchanged context left out)."""
    changes = []
    old, new = readable(old), readable(new)
    for key, label in FIELDS:
        before, after = _as_lines(old.get(key)), _as_lines(new.get(key))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before, after):
            if line.startswith(("- ", "+ ")):
                lines.append({"is_added": line.startswith("+"), "text": line[2:]})
        changes.append({"label": label, "lines": lines})
    return changes
