"""The office's overview of a round's needs reports and its exports, each read in a fixed number of queries."""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dekomp.core.exports import Sheet
from dekomp.organisations.models import PARTNER_KINDS, Office
from dekomp.schemes.commitments import money_for_office
from dekomp.schemes.models import Round, Scheme

from .models import BudgetLine, NeedsReport, OwnContribution, ReportPartner, Status

PER_PAGE = 50
ALL_STATUSES = "alle"
# Caseworkers rarely want drafts and withdrawn reports: without a chosen status they are left out.
HIDDEN_BY_DEFAULT = (Status.DRAFT, Status.WITHDRAWN)
SORT_FIELDS = {
    "reference": "number",
    "owner": "owner__name",
    "title": "title",
    "status": "status_rank",
    "total": "total_requested",
    "submitted": "submitted_at",
}
AMOUNT = DecimalField(max_digits=16, decimal_places=0)
ZERO = Decimal(0)
REFERENCE = re.compile(r"^(\d{4})-(\d{1,6})$")
ORGNR = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class Filters:
    """What the caseworker narrowed the list to and how it is sorted; empty values mean "all"."""

    scheme: int | None = None
    region: int | None = None
    status: str = ""
    partner: int | None = None
    theme: int | None = None
    q: str = ""
    sort: str = "reference"
    descending: bool = False


@dataclass(frozen=True)
class YearAmount:
    """The amount requested in one budget year, next to the year's frame."""

    budget_year: int
    requested: Decimal
    frame: Decimal | None


@dataclass(frozen=True)
class SchemeTotals:
    """One scheme's requested amounts per budget year over the filtered reports."""

    scheme: Scheme
    years: list[YearAmount]
    total: Decimal


@dataclass(frozen=True)
class Overview:
    """One page of reports and the totals over every report the filters let through."""

    page: Page
    count: int
    budget_years: list[int]
    schemes: list[SchemeTotals]
    year_totals: list[Decimal]
    total: Decimal
    owner_total: Decimal
    partner_total: Decimal


def filtered_reports(*, round: Round, filters: Filters) -> QuerySet[NeedsReport]:
    """The round's reports the filters let through, without ordering or sums (joins never multiply rows)."""
    reports = NeedsReport.objects.filter(round=round)
    if filters.status == ALL_STATUSES:
        pass
    elif filters.status:
        reports = reports.filter(status=filters.status)
    else:
        reports = reports.exclude(status__in=HIDDEN_BY_DEFAULT)
    if filters.scheme:
        reports = reports.filter(scheme_id=filters.scheme)
    if filters.region:
        reports = reports.filter(region_id=filters.region)
    if filters.partner:
        reports = reports.filter(
            Exists(ReportPartner.objects.filter(report=OuterRef("pk"), organisation_id=filters.partner))
        )
    if filters.theme:
        reports = reports.filter(
            Exists(NeedsReport.themes.through.objects.filter(needsreport=OuterRef("pk"), theme_id=filters.theme))
        )
    query = filters.q.strip()
    if query:
        partners = ReportPartner.objects.filter(report=OuterRef("pk"))
        condition = (
            Q(title__icontains=query)
            | Q(owner__name__icontains=query)
            | Exists(partners.filter(organisation__name__icontains=query))
        )
        # An orgnr is often written in groups of three ("974 567 890"); it is stored as nine digits.
        orgnr = re.sub(r"\s", "", query)
        if ORGNR.match(orgnr):
            condition |= Q(owner__orgnr=orgnr) | Exists(partners.filter(organisation__orgnr=orgnr))
        reference = REFERENCE.match(query)
        if reference and int(reference.group(1)) == round.year:
            condition |= Q(number=int(reference.group(2)))
        elif query.isdigit() and len(query) <= 6:
            condition |= Q(number=int(query))
        reports = reports.filter(condition)
    return reports


def _partner_line(prefix: str = "") -> Q:
    """A budget line whose recipient is a university, college or national centre (not the owner's side)."""
    return Q(**{f"{prefix}recipient__kind__in": PARTNER_KINDS})


def _with_sums(reports: QuerySet[NeedsReport]) -> QuerySet[NeedsReport]:
    """Annotate the total requested and its owner's part (owner and co-owners) and partners' part."""
    partner = _partner_line("budget_lines__")
    return reports.annotate(
        total_requested=Coalesce(Sum("budget_lines__amount"), Value(ZERO), output_field=AMOUNT),
        partner_part=Coalesce(Sum("budget_lines__amount", filter=partner), Value(ZERO), output_field=AMOUNT),
        owner_part=Coalesce(Sum("budget_lines__amount", filter=~partner), Value(ZERO), output_field=AMOUNT),
    )


def _ordered(reports: QuerySet[NeedsReport], filters: Filters) -> QuerySet[NeedsReport]:
    if filters.sort == "status":  # in the order of the workflow, not of the codes
        reports = reports.annotate(
            status_rank=Case(*(When(status=status, then=Value(i)) for i, status in enumerate(Status.values)))
        )
    field = F(SORT_FIELDS.get(filters.sort, "number"))
    order = field.desc(nulls_last=True) if filters.descending else field.asc(nulls_last=True)
    return reports.order_by(order, "number")


def _listed(reports: QuerySet[NeedsReport], filters: Filters) -> QuerySet[NeedsReport]:
    return (
        _ordered(_with_sums(reports), filters)
        .select_related("owner", "scheme", "region", "round")
        .prefetch_related(
            Prefetch("partner_links", queryset=ReportPartner.objects.select_related("organisation").order_by("pk")),
            "themes",
        )
    )


@dataclass(frozen=True)
class Neighbours:
    """Where one report stands in the filtered, sorted list, and the reports before and after it."""

    position: int
    count: int
    previous: int | None
    next: int | None
    page: int


def neighbours(*, report: NeedsReport, filters: Filters) -> Neighbours:
    """The report's place in its round's overview as filtered and sorted (one query).

    The report itself always counts: once checked it may no longer pass a status filter, and the caseworker still
    wants to go on from where it stood.
    """
    filtered = filtered_reports(round=report.round, filters=filters)
    reports = NeedsReport.objects.filter(Q(pk__in=filtered.values("pk")) | Q(pk=report.pk))
    if filters.sort == "total":
        reports = _with_sums(reports)
    pks = list(_ordered(reports, filters).values_list("pk", flat=True))
    index = pks.index(report.pk)
    return Neighbours(
        position=index + 1,
        count=len(pks),
        previous=pks[index - 1] if index > 0 else None,
        next=pks[index + 1] if index + 1 < len(pks) else None,
        page=index // PER_PAGE + 1,
    )


def round_overview(*, round: Round, filters: Filters, page: int | str = 1) -> Overview:
    """A page of the round's reports as filtered and sorted, and totals over the whole filtered set."""
    reports = filtered_reports(round=round, filters=filters)
    paginator = Paginator(_listed(reports, filters), PER_PAGE)
    page_obj = paginator.get_page(page)
    # One aggregate query: requested per scheme and budget year, with the partners' share of it.
    rows = list(
        BudgetLine.objects.filter(report__in=reports.values("pk"))
        .order_by()
        .values("report__scheme_id", "budget_year")
        .annotate(total=Sum("amount"), partner=Sum("amount", filter=_partner_line()))
    )
    requested = {(row["report__scheme_id"], row["budget_year"]): row["total"] or ZERO for row in rows}
    budget_years = sorted(set(round.budget_years) | {row["budget_year"] for row in rows})
    # The frame that counts for each year, as every other page shows it (schemes.commitments).
    money = money_for_office(round.office)
    frames = {key: cell.frame for key, cell in money.rows.items() if cell.has_frame}
    schemes = [s for s in round.schemes.order_by("pk") if not filters.scheme or s.pk == filters.scheme]
    scheme_totals = []
    for scheme in schemes:
        years = [
            YearAmount(year, requested.get((scheme.pk, year), ZERO), frames.get((scheme.pk, year)))
            for year in budget_years
        ]
        scheme_totals.append(SchemeTotals(scheme, years, sum((y.requested for y in years), ZERO)))
    year_totals = [sum((v for (_s, y), v in requested.items() if y == year), ZERO) for year in budget_years]
    total = sum(requested.values(), ZERO)
    partner_total = sum((row["partner"] or ZERO for row in rows), ZERO)
    return Overview(
        page=page_obj,
        count=paginator.count,
        budget_years=budget_years,
        schemes=scheme_totals,
        year_totals=year_totals,
        total=total,
        owner_total=total - partner_total,
        partner_total=partner_total,
    )


@dataclass(frozen=True)
class Batch:
    """The reports a batch action would change, with their requested totals, and a fingerprint of the set."""

    reports: list[NeedsReport]
    total: Decimal
    fingerprint: str


def batch_reports(*, round: Round, filters: Filters | None = None, pks: Iterable[int] = ()) -> Batch:
    """Every report passing the filters (when given) or the ticked ones, in the round only (one query).

    With filters the ids come from running the filter again here, never from the request.
    """
    reports = (
        filtered_reports(round=round, filters=filters)
        if filters is not None
        else NeedsReport.objects.filter(round=round, pk__in=list(pks))
    )
    listed = list(_with_sums(reports).select_related("round__office", "owner", "scheme").order_by("number"))
    digest = hashlib.sha256(",".join(str(report.pk) for report in listed).encode()).hexdigest()[:32]
    return Batch(listed, sum((report.total_requested for report in listed), ZERO), digest)


def export_rows(*, round: Round, filters: Filters) -> list[Sheet]:
    """Two tables for the filtered reports: one row per report, and one row per budget line."""
    reports = filtered_reports(round=round, filters=filters)
    egenandel = Subquery(
        OwnContribution.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=AMOUNT,
    )
    listed = _listed(reports, filters).annotate(egenandel_total=Coalesce(egenandel, Value(ZERO), output_field=AMOUNT))
    report_rows = [
        [
            report.reference,
            report.title,
            report.scheme.short_name,
            report.owner.name,
            report.owner.orgnr,
            report.region.name if report.region else "",
            report.get_status_display(),
            ", ".join(link.organisation.name for link in report.partner_links.all()),
            ", ".join(theme.label for theme in report.themes.all()),
            report.years,
            report.total_requested,
            report.owner_part,
            report.partner_part,
            report.egenandel_total,
            report.submitted_at,
        ]
        for report in listed
    ]
    lines = (
        BudgetLine.objects.filter(report__in=reports.values("pk"))
        .select_related("report__round", "report__owner", "report__scheme", "recipient")
        .order_by("report__number", "budget_year", "recipient__name", "pk")
    )
    line_rows = [
        [
            line.report.reference,
            line.report.owner.name,
            line.report.scheme.short_name,
            line.budget_year,
            line.recipient.name,
            line.recipient.orgnr,
            _recipient_kind(line),
            line.amount,
            line.coordinator_amount,
        ]
        for line in lines
    ]
    return [
        Sheet(
            _("Behovsmeldinger"),
            [
                _("Referanse"),
                _("Navn på tiltaket"),
                _("Ordning"),
                _("Eier"),
                _("Eierens org.nr."),
                _("Region"),
                _("Status"),
                _("Partnere"),
                _("Temaer"),
                _("Varighet (skoleår)"),
                _("Søkt beløp (kr)"),
                _("Eierens del (kr)"),
                _("Partnernes del (kr)"),
                _("Egenandel (kr)"),
                _("Sendt inn"),
            ],
            report_rows,
        ),
        Sheet(
            _("Budsjettposter"),
            [
                _("Referanse"),
                _("Eier"),
                _("Ordning"),
                _("Budsjettår"),
                _("Mottaker"),
                _("Mottakerens org.nr."),
                _("Mottakertype"),
                _("Beløp (kr)"),
                _("Herav koordinator (kr)"),
            ],
            line_rows,
        ),
    ]


def _recipient_kind(line: BudgetLine) -> str:
    if line.recipient.kind in PARTNER_KINDS:
        return _("partner")
    return _("eier") if line.recipient_id == line.report.owner_id else _("medeier")


def awaiting_check_by_round(*, office: Office) -> dict[int, int]:
    """For each of the office's rounds, how many reports wait for the formal check (one query)."""
    return dict(
        NeedsReport.objects.filter(round__office=office, status=Status.SUBMITTED)
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("pk"))
    )
