"""Reads for recipients' reports: one report's page, an organisation's reports for its home, the office's follow-up
list of a round with its totals, and the recipients with an overdue report. Each runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from dekomp.organisations.models import Office, Organisation
from dekomp.schemes.models import Round

from .models import EDITABLE_STATUSES, RecipientReport, ReportStatus, SettlementKind

ZERO = Decimal(0)
REPORT_RELATIONS = (
    "recipient",
    "line__decision__report__round__office",
    "line__decision__report__scheme",
    "line__decision__report__owner",
    "settlement",
    "carried_in__report",
    "submitted_by",
    "approved_by",
)


def _reports() -> QuerySet[RecipientReport]:
    return RecipientReport.objects.select_related(*REPORT_RELATIONS)


def report_for_page(*, pk: int) -> RecipientReport:
    """One report with what its pages show: decision, needs report, recipient, settlements, units and reminders."""
    return _reports().prefetch_related("units_reached", "reminders").get(pk=pk)


# ---------------------------------------------------------------------------------------------- an organisation


@dataclass
class OrganisationReports:
    """An organisation's reports, grouped the way its home shows them."""

    overdue: list[RecipientReport] = field(default_factory=list)
    due: list[RecipientReport] = field(default_factory=list)
    submitted: list[RecipientReport] = field(default_factory=list)
    approved: list[RecipientReport] = field(default_factory=list)
    today: date | None = None

    @property
    def to_do(self) -> list[RecipientReport]:
        """Overdue first, then those still due, each by deadline."""
        return self.overdue + self.due

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due or self.submitted or self.approved)


def reports_for_organisation(org: Organisation, *, today: date | None = None) -> OrganisationReports:
    """The organisation's reports as recipient: overdue, due, submitted (waiting for the office), approved (1 query)."""
    today = today or timezone.localdate()
    grouped = OrganisationReports(today=today)
    for report in _reports().filter(recipient=org).order_by("deadline", "pk"):
        if report.is_editable:
            (grouped.overdue if report.deadline < today else grouped.due).append(report)
        elif report.status == ReportStatus.SUBMITTED:
            grouped.submitted.append(report)
        else:
            grouped.approved.append(report)
    return grouped


# ---------------------------------------------------------------------------------------------- a round


@dataclass(frozen=True)
class Filters:
    """The follow-up list's filters: a status (or all), only overdue reports, one budget year."""

    status: str = ""
    is_overdue: bool = False
    budget_year: int | None = None


@dataclass
class Totals:
    """Money over the listed reports.

    ``granted`` is what the decisions grant; ``used`` and ``unused`` count the reports sent in (unused includes money
    carried in from the year before); ``claimed_back`` and ``carried_over`` are the settlements made.
    """

    granted: Decimal = ZERO
    carried_in: Decimal = ZERO
    used: Decimal = ZERO
    unused: Decimal = ZERO
    claimed_back: Decimal = ZERO
    carried_over: Decimal = ZERO

    @property
    def unsettled(self) -> Decimal:
        return self.unused - self.claimed_back - self.carried_over


@dataclass
class RoundReports:
    """The round's reports that pass the filters, with totals and counts per status."""

    reports: list[RecipientReport]
    totals: Totals
    status_counts: dict[str, int]
    overdue_count: int
    budget_years: list[int]
    today: date


def reports_for_round(round: Round, filters: Filters | None = None, *, today: date | None = None) -> RoundReports:
    """The office's follow-up list for a round: filtered reports with money totals (2 queries)."""
    filters = filters or Filters()
    today = today or timezone.localdate()
    every = list(_reports().filter(line__decision__report__round=round).order_by("deadline", "recipient__name", "pk"))
    status_counts = {status: 0 for status in ReportStatus.values}
    for report in every:
        status_counts[report.status] += 1
    reports = [
        report
        for report in every
        if (not filters.status or report.status == filters.status)
        and (not filters.is_overdue or report.is_overdue(today))
        and (filters.budget_year is None or report.budget_year == filters.budget_year)
    ]
    totals = Totals()
    for report in reports:
        report.overdue = report.is_overdue(today)
        totals.granted += report.line.amount
        totals.carried_in += report.carried_in_amount
        if report.used is not None:
            totals.used += report.used
            totals.unused += report.unused
        settlement = report.settlement_or_none
        if settlement is not None:
            if settlement.kind == SettlementKind.CLAIM_BACK:
                totals.claimed_back += settlement.amount
            else:
                totals.carried_over += settlement.amount
    return RoundReports(
        reports=reports,
        totals=totals,
        status_counts=status_counts,
        overdue_count=sum(1 for report in every if report.is_overdue(today)),
        budget_years=sorted({report.budget_year for report in every}),
        today=today,
    )


# ---------------------------------------------------------------------------------------------- holds


def overdue_recipients(office: Office, today: date) -> QuerySet[Organisation]:
    """Organisations with a report at the office still to be sent in whose deadline has passed (holds payouts)."""
    return Organisation.objects.filter(
        reports__status__in=EDITABLE_STATUSES,
        reports__deadline__lt=today,
        reports__line__decision__report__round__office=office,
    ).distinct()
