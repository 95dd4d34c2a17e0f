"""One organisation over every round: its needs reports, decisions, payouts and recipients' reports (four queries)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from dekomp.decisions.models import Decision, DecisionLine, DecisionStatus
from dekomp.needs.models import CoOwner, NeedsReport, ReportPartner
from dekomp.organisations.models import Organisation
from dekomp.payouts.models import BatchStatus, Payout

from .models import RecipientReport

ZERO = Decimal(0)
AMOUNT = DecimalField(max_digits=16, decimal_places=0)
OWNER, CO_OWNER, PARTNER = "owner", "co_owner", "partner"


@dataclass(frozen=True)
class OrganisationHistory:
    """What the page lists, newest round first, with the organisation's own share of the money."""

    reports: list[NeedsReport]
    decisions: list[Decision]
    payouts: list[Payout]
    recipient_reports: list[RecipientReport]
    requested_own: Decimal
    granted_own: Decimal
    paid: Decimal


def _sum(field: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=AMOUNT)


def _naming(organisation: Organisation) -> Q:
    """A needs report with the organisation as owner, co-owner or partner."""
    return (
        Q(owner=organisation)
        | Exists(CoOwner.objects.filter(report=OuterRef("pk"), organisation=organisation))
        | Exists(ReportPartner.objects.filter(report=OuterRef("pk"), organisation=organisation))
    )


def _in_offices(queryset: QuerySet, path: str, office_ids: set[int] | None) -> QuerySet:
    return queryset if office_ids is None else queryset.filter(**{f"{path}__in": office_ids})


def organisation_history(*, organisation: Organisation, office_ids: set[int] | None) -> OrganisationHistory:
    """The organisation's records in the given offices' rounds (``None``: every office, as its own people see them).

    Office staff see drafts of decisions and payout batches; the organisation's own people see decisions once made
    and payouts once exported to the finance system, as on their other pages.
    """
    is_own_view = office_ids is None
    own_line = Q(budget_lines__recipient=organisation)
    reports = _in_offices(NeedsReport.objects.filter(_naming(organisation)), "round__office_id", office_ids)
    reports = list(
        reports.select_related("round", "scheme", "owner")
        .annotate(
            total_requested=_sum("budget_lines__amount"),
            own_requested=_sum("budget_lines__amount", own_line),
            is_partner=Exists(ReportPartner.objects.filter(report=OuterRef("pk"), organisation=organisation)),
        )
        .order_by("-round__year", "number")
    )
    for report in reports:
        report.role = OWNER if report.owner_id == organisation.pk else PARTNER if report.is_partner else CO_OWNER

    in_force = Q(lines__superseded_by__isnull=True)
    decisions = Decision.objects.filter(
        Q(report__owner=organisation)
        | Exists(CoOwner.objects.filter(report=OuterRef("report"), organisation=organisation))
        | Exists(DecisionLine.objects.filter(decision=OuterRef("pk"), recipient=organisation))
    )
    decisions = _in_offices(decisions, "report__round__office_id", office_ids)
    if is_own_view:
        decisions = decisions.exclude(status=DecisionStatus.DRAFT)
    decisions = list(
        decisions.select_related("report__round", "report__scheme", "report__owner")
        .annotate(
            granted_total=_sum("lines__amount", in_force),
            granted_own=_sum("lines__amount", in_force & Q(lines__recipient=organisation)),
        )
        .order_by("-report__round__year", "number")
    )

    payouts = _in_offices(Payout.objects.filter(recipient=organisation), "batch__office_id", office_ids)
    if is_own_view:
        payouts = payouts.exclude(batch__status=BatchStatus.DRAFT)
    payouts = list(
        payouts.select_related("batch", "line__decision__report__round").order_by("-line__budget_year", "-pk")
    )

    recipient_reports = _in_offices(
        RecipientReport.objects.filter(recipient=organisation), "line__decision__report__round__office_id", office_ids
    )
    recipient_reports = list(
        recipient_reports.select_related("line__decision__report__round").order_by("-budget_year", "deadline", "pk")
    )
    return OrganisationHistory(
        reports=reports,
        decisions=decisions,
        payouts=payouts,
        recipient_reports=recipient_reports,
        requested_own=sum((report.own_requested for report in reports), ZERO),
        granted_own=sum((decision.granted_own for decision in decisions if decision.is_binding), ZERO),
        paid=sum((p.amount for p in payouts if p.batch.status == BatchStatus.PAID), ZERO),
    )
