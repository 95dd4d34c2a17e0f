"""Reads for the public list of granted measures and its open data: only what the rules make public.

Published (domain rule 11) is the list of granted measures per round. A measure is public when its decision binds
(decided, letter sent or accepted), granted it in full or in part, and its round has reached the decision stage or
later. The reads copy only public fields into plain dataclasses — names and organisation numbers of organisations,
the measure's title, scheme, region, themes, period and the granted amounts — so no template or export can reach a
contact person, a user, an assessment, a comment, a deviation reason, the main considerations or a bank account.

Amounts are the decision lines no later change decision has superseded, per recipient and budget year; lines of
zero kroner (a recipient or year left out of a partly granted measure) are left out.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from dekomp.decisions.models import BINDING_STATUSES, Decision, DecisionLine, Outcome
from dekomp.needs.models import ConfirmationStatus, CoOwner, ReportPartner
from dekomp.organisations.models import PARTNER_KINDS, Office, Organisation
from dekomp.schemes.models import Round, RoundStatus

# Rounds whose decisions are made: their granted measures are published.
PUBLISHED_ROUND_STATUSES = (RoundStatus.DECISION, RoundStatus.PAYOUT, RoundStatus.REPORTING, RoundStatus.FINISHED)
PUBLISHED_OUTCOMES = (Outcome.GRANTED, Outcome.PARTLY)
# The outcome as a stable English code in the open data.
OUTCOME_CODES = {Outcome.GRANTED: "granted", Outcome.PARTLY: "partly_granted"}
OWNER, CO_OWNER, PARTNER, OTHER = "owner", "co_owner", "partner", "other"
ROLE_ORDER = {OWNER: 0, CO_OWNER: 1, PARTNER: 2, OTHER: 3}
ROLE_LABELS = {OWNER: _("eier"), CO_OWNER: _("medeier"), PARTNER: _("partner"), OTHER: _("annen mottaker")}

# The open data's columns (CSV header, one row per measure, recipient and budget year); kept stable for re-users.
CSV_COLUMNS = (
    "office_slug",
    "office_name",
    "round_name",
    "round_year",
    "decision_reference",
    "measure_title",
    "scheme_code",
    "scheme_name",
    "outcome",
    "region",
    "themes",
    "period_first_year",
    "period_last_year",
    "owner_name",
    "owner_orgnr",
    "co_owners",
    "partners",
    "recipient_name",
    "recipient_orgnr",
    "recipient_role",
    "budget_year",
    "amount_nok",
)
LIST_SEPARATOR = " | "
JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PublicOrganisation:
    """An organisation as published: its name and organisation number, nothing else."""

    name: str
    orgnr: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "orgnr": self.orgnr}

    @property
    def label(self) -> str:
        return f"{self.name} ({self.orgnr})"


@dataclass(frozen=True)
class PublicLine:
    """Money granted one recipient for one budget year."""

    recipient: PublicOrganisation
    role: str
    budget_year: int
    amount: int


@dataclass
class PublicMeasure:
    """One granted measure as the public sees it."""

    reference: str
    round_name: str
    round_year: int
    title: str
    scheme_id: int
    scheme_code: str
    scheme_short_name: str
    scheme_name: str
    outcome: str
    outcome_label: str
    region_id: int | None
    region: str
    themes: list[str]
    years: list[int]
    owner: PublicOrganisation
    co_owners: list[PublicOrganisation]
    partners: list[PublicOrganisation]
    lines: list[PublicLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def by_year(self) -> dict[int, int]:
        totals: dict[int, int] = defaultdict(int)
        for line in self.lines:
            totals[line.budget_year] += line.amount
        return dict(sorted(totals.items()))

    def amounts_for(self, years: list[int]) -> list[int | None]:
        """The measure's money in each of the given years (None where it has none), for a table's columns."""
        by_year = self.by_year
        return [by_year.get(year) for year in years]

    @property
    def outcome_code(self) -> str:
        return OUTCOME_CODES[self.outcome]

    @property
    def by_recipient(self) -> list["RecipientAmounts"]:
        """The lines grouped per recipient, in the order they first appear (owner, co-owners, partners)."""
        groups: dict[tuple[str, str], RecipientAmounts] = {}
        for line in sorted(self.lines, key=lambda line: (ROLE_ORDER.get(line.role, 9), line.recipient.name)):
            key = (line.recipient.orgnr, line.role)
            if key not in groups:
                groups[key] = RecipientAmounts(recipient=line.recipient, role=line.role, years=[])
            groups[key].years.append((line.budget_year, line.amount))
        return list(groups.values())


@dataclass
class RecipientAmounts:
    """One recipient's money in a measure, per budget year."""

    recipient: PublicOrganisation
    role: str
    years: list[tuple[int, int]]

    @property
    def total(self) -> int:
        return sum(amount for _year, amount in self.years)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    def amounts_for(self, years: list[int]) -> list[int | None]:
        """The recipient's money in each of the given years (None where it has none), for a table's columns."""
        by_year = dict(self.years)
        return [by_year.get(year) for year in years]


@dataclass(frozen=True)
class SchemeTotal:
    """The money granted under one scheme, per budget year and in all."""

    scheme_code: str
    scheme_short_name: str
    scheme_name: str
    amounts: list[int]
    total: int


@dataclass(frozen=True)
class Totals:
    """Totals of a list of measures per scheme and budget year (the years are the columns)."""

    years: list[int]
    schemes: list[SchemeTotal]
    year_totals: list[int]
    total: int


@dataclass(frozen=True)
class OfficeYears:
    """An office with the years it has published rounds for, newest first."""

    office: Office
    years: list[int]


def published_rounds() -> QuerySet[Round]:
    """Rounds whose granted measures are public."""
    return Round.objects.filter(status__in=PUBLISHED_ROUND_STATUSES)


def offices_with_published_rounds() -> list[OfficeYears]:
    """Each office with at least one published round and the years of those rounds (one query)."""
    years: dict[int, set[int]] = defaultdict(set)
    offices: dict[int, Office] = {}
    for round in published_rounds().select_related("office").order_by("office__name"):
        offices[round.office_id] = round.office
        years[round.office_id].add(round.year)
    return [OfficeYears(office=office, years=sorted(years[pk], reverse=True)) for pk, office in offices.items()]


def published_rounds_of(*, office: Office, year: int) -> list[Round]:
    """The office's published rounds of one year (an office may run more than one round a year)."""
    return list(published_rounds().filter(office=office, year=year).order_by("name"))


def _published_decisions(rounds: list[Round]) -> QuerySet[Decision]:
    # Only the columns the public may see are loaded; the rest of each row stays in the database.
    return (
        Decision.objects.filter(
            report__round__in=rounds,
            report__round__status__in=PUBLISHED_ROUND_STATUSES,
            status__in=BINDING_STATUSES,
            outcome__in=PUBLISHED_OUTCOMES,
        )
        .select_related("report__round", "report__scheme", "report__owner", "report__region")
        .only(
            "pk",
            "outcome",
            "report",
            "report__round",
            "report__scheme",
            "report__owner",
            "report__region",
            "report__number",
            "report__title",
            "report__years",
            "report__round__year",
            "report__round__name",
            "report__round__first_budget_year",
            "report__scheme__code",
            "report__scheme__short_name",
            "report__scheme__name",
            "report__scheme__name_nn",
            "report__scheme__name_en",
            "report__owner__name",
            "report__owner__orgnr",
            "report__owner__kind",
            "report__region__name",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DecisionLine.objects.filter(superseded_by__isnull=True, amount__gt=0)
                .select_related("recipient")
                .only("decision_id", "budget_year", "amount", "recipient__name", "recipient__orgnr", "recipient__kind")
                .order_by("budget_year", "recipient__name", "pk"),
            ),
            Prefetch(
                "report__co_owner_links",
                queryset=CoOwner.objects.exclude(status=ConfirmationStatus.DECLINED)
                .select_related("organisation")
                .only("report_id", "organisation__name", "organisation__orgnr"),
            ),
            Prefetch(
                "report__partner_links",
                queryset=ReportPartner.objects.exclude(status=ConfirmationStatus.DECLINED)
                .select_related("organisation")
                .only("report_id", "organisation__name", "organisation__orgnr"),
            ),
            "report__themes",
        )
        .order_by("report__round__name", "report__scheme_id", "report__round__year", "report__number")
    )


def _public(organisation: Organisation) -> PublicOrganisation:
    return PublicOrganisation(name=organisation.name, orgnr=organisation.orgnr)


def _role(recipient: Organisation, owner_id: int, co_owner_ids: set[int], partner_ids: set[int]) -> str:
    if recipient.pk == owner_id:
        return OWNER
    if recipient.pk in co_owner_ids:
        return CO_OWNER
    if recipient.pk in partner_ids or recipient.kind in PARTNER_KINDS:
        return PARTNER
    return OTHER


def granted_measures(*, rounds: list[Round]) -> list[PublicMeasure]:
    """The published measures of the rounds, with their non-superseded amounts (six queries, however many)."""
    if not rounds:
        return []
    measures = []
    for decision in _published_decisions(rounds):
        report = decision.report
        co_owner_links = list(report.co_owner_links.all())
        partner_links = list(report.partner_links.all())
        co_owner_ids = {link.organisation_id for link in co_owner_links}
        partner_ids = {link.organisation_id for link in partner_links}
        lines = [
            PublicLine(
                recipient=_public(line.recipient),
                role=_role(line.recipient, report.owner_id, co_owner_ids, partner_ids),
                budget_year=line.budget_year,
                amount=int(line.amount),
            )
            for line in decision.lines.all()
        ]
        years = report.round.budget_years[: report.years] if report.years else []
        years = sorted(set(years) | {line.budget_year for line in lines})
        measures.append(
            PublicMeasure(
                reference=decision.reference,
                round_name=report.round.name,
                round_year=report.round.year,
                title=report.title,
                scheme_id=report.scheme_id,
                scheme_code=report.scheme.code,
                scheme_short_name=report.scheme.short_name,
                scheme_name=report.scheme.label,
                outcome=decision.outcome,
                outcome_label=decision.get_outcome_display(),
                region_id=report.region_id,
                region=report.region.name if report.region else "",
                themes=[theme.label for theme in report.themes.all()],
                years=years,
                owner=_public(report.owner),
                co_owners=[_public(link.organisation) for link in co_owner_links],
                partners=[_public(link.organisation) for link in partner_links],
                lines=lines,
            )
        )
    return measures


def filter_measures(
    measures: list[PublicMeasure], *, scheme_code: str = "", region_id: int | None = None
) -> list[PublicMeasure]:
    """The measures of one scheme and/or one region (empty filters keep everything)."""
    return [
        measure
        for measure in measures
        if (not scheme_code or measure.scheme_code == scheme_code)
        and (region_id is None or measure.region_id == region_id)
    ]


def totals(measures: list[PublicMeasure]) -> Totals:
    """Granted money per scheme and budget year, with the sums per year and in all."""
    years = sorted({line.budget_year for measure in measures for line in measure.lines})
    by_scheme: dict[int, dict[int, int]] = {}
    names: dict[int, tuple[str, str, str]] = {}
    for measure in measures:
        names[measure.scheme_id] = (measure.scheme_code, measure.scheme_short_name, measure.scheme_name)
        amounts = by_scheme.setdefault(measure.scheme_id, defaultdict(int))
        for line in measure.lines:
            amounts[line.budget_year] += line.amount
    schemes = [
        SchemeTotal(
            scheme_code=names[scheme_id][0],
            scheme_short_name=names[scheme_id][1],
            scheme_name=names[scheme_id][2],
            amounts=[by_scheme[scheme_id].get(year, 0) for year in years],
            total=sum(by_scheme[scheme_id].values()),
        )
        for scheme_id in sorted(by_scheme)
    ]
    year_totals = [sum(row.amounts[index] for row in schemes) for index in range(len(years))]
    return Totals(years=years, schemes=schemes, year_totals=year_totals, total=sum(year_totals))


def csv_rows(*, office: Office, measures: list[PublicMeasure]) -> list[list[object]]:
    """One row per measure, recipient and budget year, in the order of ``CSV_COLUMNS``."""
    rows: list[list[object]] = []
    for measure in measures:
        common = [
            office.slug,
            office.name,
            measure.round_name,
            measure.round_year,
            measure.reference,
            measure.title,
            measure.scheme_code,
            measure.scheme_name,
            measure.outcome_code,
            measure.region,
            LIST_SEPARATOR.join(measure.themes),
            measure.years[0] if measure.years else None,
            measure.years[-1] if measure.years else None,
            measure.owner.name,
            measure.owner.orgnr,
            LIST_SEPARATOR.join(org.label for org in measure.co_owners),
            LIST_SEPARATOR.join(org.label for org in measure.partners),
        ]
        for line in measure.lines:
            rows.append([*common, line.recipient.name, line.recipient.orgnr, line.role, line.budget_year, line.amount])
    return rows


def json_document(*, office: Office, year: int, rounds: list[Round], measures: list[PublicMeasure]) -> dict:
    """The open data as one JSON document: the rounds, each measure with its lines, and the totals."""
    summary = totals(measures)
    by_scheme_and_year = []
    for row in summary.schemes:
        for budget_year, amount in zip(summary.years, row.amounts, strict=True):
            if amount:
                by_scheme_and_year.append(
                    {"scheme_code": row.scheme_code, "budget_year": budget_year, "amount_nok": amount}
                )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "office": {"slug": office.slug, "name": office.name},
        "year": year,
        "rounds": [{"name": round.name, "year": round.year, "status": round.status} for round in rounds],
        "measures": [
            {
                "decision_reference": measure.reference,
                "round_name": measure.round_name,
                "title": measure.title,
                "scheme": {"code": measure.scheme_code, "name": measure.scheme_name},
                "outcome": measure.outcome_code,
                "region": measure.region or None,
                "themes": measure.themes,
                "period": {"years": measure.years},
                "owner": measure.owner.as_dict(),
                "co_owners": [org.as_dict() for org in measure.co_owners],
                "partners": [org.as_dict() for org in measure.partners],
                "amounts_by_year": [{"budget_year": y, "amount_nok": a} for y, a in measure.by_year.items()],
                "total_nok": measure.total,
                "lines": [
                    {
                        "recipient": line.recipient.as_dict(),
                        "recipient_role": line.role,
                        "budget_year": line.budget_year,
                        "amount_nok": line.amount,
                    }
                    for line in measure.lines
                ],
            }
            for measure in measures
        ],
        "totals": {"total_nok": summary.total, "by_scheme_and_year": by_scheme_and_year},
    }
