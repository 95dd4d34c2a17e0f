"""Reads of needs reports for owners, partners and the report page, each with a fixed number of queries."""

import uuid
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import ngettext

from dekomp.activity.models import Event
from dekomp.activity.services import events_for
from dekomp.organisations.models import Organisation
from dekomp.schemes.models import Round, RoundStatus
from dekomp.schemes.workflow import Outstanding

from .models import BudgetLine, CheckBatch, CoOwner, NeedsReport, ReportPartner, Status


def _with_lists(queryset: QuerySet[NeedsReport]) -> QuerySet[NeedsReport]:
    return (
        queryset.select_related("round__office", "scheme", "owner", "region")
        .prefetch_related(
            Prefetch("partner_links", queryset=ReportPartner.objects.select_related("organisation")),
            Prefetch("co_owner_links", queryset=CoOwner.objects.select_related("organisation")),
        )
        .annotate(total=Sum("budget_lines__amount"))
    )


def reports_of_owner(*, owner: Organisation) -> QuerySet[NeedsReport]:
    """The owner's own reports and the network reports it is co-owner of, newest round first."""
    return _with_lists(
        NeedsReport.objects.filter(Q(owner=owner) | Q(co_owner_links__organisation=owner)).distinct()
    ).order_by("-round__year", "-number")


def reports_naming_partner(*, partner: Organisation) -> QuerySet[NeedsReport]:
    """Every report naming this partner (not withdrawn), with the partner's own link."""
    return _with_lists(
        NeedsReport.objects.filter(partner_links__organisation=partner).exclude(status=Status.WITHDRAWN).distinct()
    ).order_by("-round__year", "-number")


def partner_money_per_year(*, partner: Organisation) -> list[dict]:
    """What the partner is budgeted to receive per budget year in reports it has confirmed (one query)."""
    rows = (
        BudgetLine.objects.filter(
            recipient=partner,
            report__partner_links__organisation=partner,
            report__partner_links__status="bekreftet",
        )
        .exclude(report__status=Status.WITHDRAWN)
        .values("budget_year")
        .annotate(amount=Sum("amount"))
        .order_by("budget_year")
    )
    return [{"budget_year": row["budget_year"], "amount": row["amount"] or Decimal(0)} for row in rows]


def report_for_page(*, pk: int) -> NeedsReport:
    """One report with everything its page shows."""
    return (
        NeedsReport.objects.select_related("round__office", "scheme", "owner", "region", "copied_from__round")
        .prefetch_related(
            Prefetch("partner_links", queryset=ReportPartner.objects.select_related("organisation", "answered_by")),
            Prefetch("co_owner_links", queryset=CoOwner.objects.select_related("organisation", "answered_by")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("recipient")),
            "units__municipality",
            "themes",
            "activity_types",
            "contributions",
            "attachments",
            "submissions",
        )
        .get(pk=pk)
    )


def return_event(report: NeedsReport) -> Event | None:
    """While the report is returned for changes: the office's return, whose comment says what must change."""
    if report.status != Status.RETURNED:
        return None
    return events_for(report).filter(verb="returned").order_by("-at", "-pk").first()


def budget_table(report: NeedsReport) -> dict:
    """The budget as rows per recipient with a column per budget year, and totals (from prefetched lines)."""
    years = report.budget_years
    recipients: dict[int, dict] = {}
    for line in report.budget_lines.all():
        row = recipients.setdefault(
            line.recipient_id,
            {"recipient": line.recipient, "amounts": dict.fromkeys(years, Decimal(0)), "coordinator": Decimal(0)},
        )
        if line.budget_year in row["amounts"]:
            row["amounts"][line.budget_year] += line.amount
        row["coordinator"] += line.coordinator_amount
    rows = sorted(recipients.values(), key=lambda row: (row["recipient"].pk != report.owner_id, row["recipient"].name))
    for row in rows:
        row["cells"] = [row["amounts"][year] for year in years]
        row["total"] = sum(row["cells"], Decimal(0))
    year_totals = [sum((row["amounts"][year] for row in rows), Decimal(0)) for year in years]
    contributions = {c.budget_year: c.amount for c in report.contributions.all()}
    return {
        "years": years,
        "rows": rows,
        "year_totals": year_totals,
        "total": sum(year_totals, Decimal(0)),
        "contributions": [contributions.get(year, Decimal(0)) for year in years],
        "contribution_total": sum(contributions.values(), Decimal(0)),
    }


def round_outstanding(round: Round, to: str) -> list[Outstanding]:
    """What moving the round leaves undone among its needs reports: drafts not sent in, reports not checked."""
    counts = dict(NeedsReport.objects.filter(round=round).values_list("status").annotate(n=Count("pk")))
    overview = reverse("needs:round_list", args=[round.pk])
    items = []
    if to == RoundStatus.CLOSED and (count := counts.get(Status.DRAFT)):
        message = ngettext(
            "%(count)s behovsmelding er et utkast som ikke er sendt inn.",
            "%(count)s behovsmeldinger er utkast som ikke er sendt inn.",
            count,
        )
        items.append(Outstanding("drafts", message % {"count": count}))
    if to in (RoundStatus.ASSESSMENT, RoundStatus.RECOMMENDATION):
        if count := counts.get(Status.SUBMITTED):
            message = ngettext(
                "%(count)s behovsmelding er sendt inn, men ikke formelt kontrollert.",
                "%(count)s behovsmeldinger er sendt inn, men ikke formelt kontrollert.",
                count,
            )
            items.append(Outstanding("unchecked", message % {"count": count}, f"{overview}?status={Status.SUBMITTED}"))
        if count := counts.get(Status.RETURNED):
            message = ngettext(
                "%(count)s behovsmelding er returnert for endringer og ikke sendt inn igjen.",
                "%(count)s behovsmeldinger er returnert for endringer og ikke sendt inn igjen.",
                count,
            )
            items.append(Outstanding("returned", message % {"count": count}, f"{overview}?status={Status.RETURNED}"))
    return items


def check_token_used(*, token: uuid.UUID) -> bool:
    """Whether a batch's formal check was already confirmed with this token."""
    return CheckBatch.objects.filter(token=token).exists()
