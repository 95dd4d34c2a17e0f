"""Who is recused from what, which reports a working group ranks, and a ranking with everything it shows."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from dekomp.accounts.models import ForumMembership, User, WorkingGroupMembership
from dekomp.needs.models import BudgetLine, CoOwner, NeedsReport, ReportPartner, Status
from dekomp.organisations.models import Forum, WorkingGroup
from dekomp.schemes.models import Round, RoundStatus
from dekomp.schemes.workflow import Outstanding

from .models import EntryAmount, Interest, Ranking, RankingEntry, RankingStatus, Reassignment, Recusal


@dataclass(frozen=True)
class RecusalReason:
    """Why a member takes no part in a report: automatic (their organisation is named) or declared."""

    user_id: int
    report_id: int
    organisation: str
    is_declared: bool
    reason: str


def _named_organisations(reports: list[NeedsReport]) -> dict[int, dict[int, str]]:
    """Per report: the ids and names of the organisations named in it (owner, co-owners, partners)."""
    named: dict[int, dict[int, str]] = defaultdict(dict)
    for report in reports:
        named[report.pk][report.owner_id] = report.owner.name
    for link in CoOwner.objects.filter(report__in=reports).select_related("organisation"):
        named[link.report_id][link.organisation_id] = link.organisation.name
    for link in ReportPartner.objects.filter(report__in=reports).select_related("organisation"):
        named[link.report_id][link.organisation_id] = link.organisation.name
    return named


def recusals(*, reports: list[NeedsReport], users: list[User]) -> dict[tuple[int, int], RecusalReason]:
    """(user id, report id) → why that user is recused; a fixed number of queries for any number of reports."""
    if not reports or not users:
        return {}
    named = _named_organisations(reports)
    ties: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in Interest.objects.filter(user__in=users).values_list("user_id", "organisation_id"):
        ties[user_id].add(organisation_id)
    for model in (WorkingGroupMembership, ForumMembership):
        for user_id, organisation_id in model.objects.filter(user__in=users, representing__isnull=False).values_list(
            "user_id", "representing_id"
        ):
            ties[user_id].add(organisation_id)
    result: dict[tuple[int, int], RecusalReason] = {}
    for report in reports:
        for user in users:
            hit = next((org for org in ties[user.pk] if org in named[report.pk]), None)
            if hit is not None:
                name = named[report.pk][hit]
                result[(user.pk, report.pk)] = RecusalReason(user.pk, report.pk, name, False, name)
    for recusal in Recusal.objects.filter(report__in=reports, user__in=users):
        result.setdefault(
            (recusal.user_id, recusal.report_id),
            RecusalReason(recusal.user_id, recusal.report_id, "", True, recusal.reason),
        )
    return result


def is_recused(user: User, report: NeedsReport) -> bool:
    """True when the user's organisation is named in the report, or they declared an interest or recusal."""
    return (user.pk, report.pk) in recusals(reports=[report], users=[user])


def working_group_of(report: NeedsReport) -> WorkingGroup | None:
    """The group that ranks the report: the latest reassignment, else its region's working group."""
    moved = Reassignment.objects.filter(report=report).select_related("working_group").first()
    if moved:
        return moved.working_group
    region = report.region
    return getattr(region, "working_group", None) if region else None


def reports_for_working_group(*, round: Round, working_group: WorkingGroup) -> QuerySet[NeedsReport]:
    """The formally checked reports the group ranks: its region's, less those moved away, plus those moved in."""
    latest = {}
    for report_id, group_id in (
        Reassignment.objects.filter(report__round=round)
        .order_by("report_id", "created_at", "pk")
        .values_list("report_id", "working_group_id")
    ):
        latest[report_id] = group_id
    moved_in = [rid for rid, gid in latest.items() if gid == working_group.pk]
    moved_out = [rid for rid, gid in latest.items() if gid != working_group.pk]
    return (
        NeedsReport.objects.filter(round=round, status=Status.CHECKED)
        .filter(Q(region=working_group.region_id) | Q(pk__in=moved_in))
        .exclude(pk__in=moved_out)
    )


def ranking_for_board(*, ranking_id: int) -> Ranking:
    """A ranking with its entries in order, each with its report, amounts and requested amounts per year."""
    return (
        Ranking.objects.select_related("round__office", "working_group__region", "submitted_by")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=RankingEntry.objects.select_related("report__owner", "report__scheme")
                .prefetch_related(
                    Prefetch("amounts", queryset=EntryAmount.objects.order_by("budget_year")),
                    Prefetch("report__partner_links", queryset=ReportPartner.objects.select_related("organisation")),
                )
                .order_by("position"),
            )
        )
        .get(pk=ranking_id)
    )


def requested_per_year(reports: list[NeedsReport]) -> dict[int, dict[int, Decimal]]:
    """Report id → budget year → amount requested (one query)."""
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in (
        BudgetLine.objects.filter(report__in=reports).values("report_id", "budget_year").annotate(total=Sum("amount"))
    ):
        result[row["report_id"]][row["budget_year"]] = row["total"]
    return result


def body_members(*, working_group: WorkingGroup | None = None, forum: Forum | None = None) -> list[User]:
    """The users seated in a working group or forum."""
    if working_group is not None:
        return list(User.objects.filter(working_group_memberships__working_group=working_group).distinct())
    return list(User.objects.filter(forum_memberships__forum=forum).distinct())


def round_outstanding(round: Round, to: str) -> list[Outstanding]:
    """Moving the round to the forum's recommendation: the working groups that have not submitted their ranking."""
    if to != RoundStatus.RECOMMENDATION:
        return []
    submitted = set(
        Ranking.objects.filter(round=round, status=RankingStatus.SUBMITTED).values_list("working_group_id", flat=True)
    )
    items = []
    for group in WorkingGroup.objects.filter(region__office=round.office_id).order_by("name"):
        if group.pk in submitted or not reports_for_working_group(round=round, working_group=group).exists():
            continue
        items.append(
            Outstanding(
                "ranking_missing",
                _("%(group)s har ikke sendt inn prioriteringen.") % {"group": group.name},
                reverse("assessment:board", args=[round.pk, group.pk]),
            )
        )
    return items
