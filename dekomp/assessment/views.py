"""The working group's ranking board: order, assess, comment; the leader submits, the office reopens and reassigns."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.core.forms import add_domain_errors
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import WorkingGroup
from dekomp.schemes.models import Round

from . import forms
from .models import EntryAmount, Interest, MemberComment, Ranking, RankingEntry, Recusal
from .permissions import (
    RANKING_ROUND_STATUSES,
    can_comment,
    can_rank,
    can_reassign,
    can_reopen_ranking,
    can_submit_ranking,
    can_view_ranking,
)
from .selectors import (
    body_members,
    is_recused,
    ranking_for_board,
    recusals,
    requested_per_year,
    working_group_of,
)
from .services import (
    interest_declare,
    member_comment_add,
    ranking_entry_save,
    ranking_move,
    ranking_reopen,
    ranking_save_order,
    ranking_submit,
    ranking_sync,
    recusal_declare,
    report_reassign,
)

# The round statuses in which the working groups rank: the board syncs and offers its controls only then.


@dataclass
class BoardRow:
    """One entry of the board with everything its template shows and the forms open to this user."""

    entry: RankingEntry
    report: NeedsReport
    years: list[tuple[int, Decimal | None, Decimal | None, Decimal | None]]
    recused: list[tuple[User, str]]
    comments: list[MemberComment]
    is_recused: bool
    is_movable: bool
    entry_form: forms.EntryForm | None = None
    comment_form: forms.CommentForm | None = None
    reassign_form: forms.ReassignForm | None = None
    details_open: bool = False
    partners: list[str] = field(default_factory=list)


def _board_url(ranking: Ranking, report_pk: int | None = None) -> str:
    url = reverse("assessment:board", args=[ranking.round_id, ranking.working_group_id])
    return f"{url}#oppforing-{report_pk}" if report_pk else url


def _is_open_for_ranking(ranking: Ranking) -> bool:
    """The round is one the groups rank in, and the ranking is not submitted."""
    return ranking.round.status in RANKING_ROUND_STATUSES and not ranking.is_locked


def _ranking(pk: int) -> Ranking:
    return get_object_or_404(Ranking.objects.select_related("round__office", "working_group__region"), pk=pk)


def _rankable(request: HttpRequest, pk: int) -> Ranking:
    """The ranking, if this user may change it now; 403 otherwise."""
    ranking = _ranking(pk)
    if not (can_rank(request.user, ranking) and _is_open_for_ranking(ranking)):
        raise PermissionDenied
    return ranking


def _entry_report(ranking: Ranking, report_pk: int) -> NeedsReport:
    """A report that is in this ranking (404 for any other)."""
    return get_object_or_404(
        NeedsReport.objects.select_related("round", "owner"), pk=report_pk, ranking_entries__ranking=ranking
    )


def _refuse_if_recused(user: User, report: NeedsReport) -> None:
    """A recused member gets 403 whatever they sent (the services refuse them too)."""
    if is_recused(user, report):
        raise PermissionDenied


def _years(requested: dict[int, Decimal], amounts: list[EntryAmount]) -> list[int]:
    return sorted(set(requested) | {amount.budget_year for amount in amounts})


def _other_groups(ranking: Ranking) -> list[WorkingGroup]:
    return list(
        WorkingGroup.objects.filter(region__office=ranking.round.office_id)
        .exclude(pk=ranking.working_group_id)
        .order_by("name")
    )


def _comments_by_report(ranking: Ranking, reports: list[NeedsReport]) -> dict[int, list[MemberComment]]:
    """The members' comments on these reports in this group, oldest first (one query)."""
    grouped: dict[int, list[MemberComment]] = defaultdict(list)
    comments = MemberComment.objects.filter(working_group=ranking.working_group_id, report__in=reports)
    for item in comments.select_related("author"):
        grouped[item.report_id].append(item)
    return grouped


def _render_board(request: HttpRequest, ranking_id: int, *, bound: dict | None = None) -> HttpResponse:
    """The board with its entries in order; ``bound`` holds a form that failed, shown with its errors in place."""
    bound = bound or {}
    user = request.user
    ranking = ranking_for_board(ranking_id=ranking_id)
    entries = list(ranking.entries.all())
    for entry in entries:
        entry.report.round = ranking.round  # the reference needs the round: all entries share the ranking's
    reports = [entry.report for entry in entries]
    requested = requested_per_year(reports)
    members = body_members(working_group=ranking.working_group)
    by_id = {member.pk: member for member in members}
    reasons = recusals(reports=reports, users=members)
    comments = _comments_by_report(ranking, reports)
    is_open = _is_open_for_ranking(ranking)
    may_rank = is_open and can_rank(user, ranking)
    may_comment = is_open and can_comment(user, ranking.working_group)
    may_reassign = is_open and bool(entries) and can_reassign(user, entries[0].report)
    groups = _other_groups(ranking) if may_reassign else []
    rows = []
    for entry in entries:
        report = entry.report
        amounts = list(entry.amounts.all())
        by_year = {amount.budget_year: amount for amount in amounts}
        years = _years(requested[report.pk], amounts)
        recused_self = (user.pk, report.pk) in reasons
        row = BoardRow(
            entry=entry,
            report=report,
            years=[
                (
                    year,
                    requested[report.pk].get(year),
                    getattr(by_year.get(year), "recommended", None),
                    getattr(by_year.get(year), "minimum", None),
                )
                for year in years
            ],
            recused=[
                (by_id[member_id], reason.reason)
                for (member_id, report_id), reason in reasons.items()
                if report_id == report.pk
            ],
            comments=comments[report.pk],
            is_recused=recused_self,
            is_movable=may_rank and not recused_self,
            partners=[link.organisation.name for link in report.partner_links.all()],
        )
        if may_rank:
            row.entry_form = bound.get(("entry", report.pk)) or forms.EntryForm(
                initial={
                    "version": ranking.version,
                    "comment": entry.comment,
                    **{f"recommended_{y}": getattr(by_year.get(y), "recommended", None) for y in years},
                    **{f"minimum_{y}": getattr(by_year.get(y), "minimum", None) for y in years},
                },
                years=years,
                disabled=recused_self,
                prefix=f"vurdering-{report.pk}",
            )
            row.details_open = ("entry", report.pk) in bound
        if may_comment:
            row.comment_form = bound.get(("comment", report.pk)) or forms.CommentForm(
                disabled=recused_self, prefix=f"kommentar-{report.pk}"
            )
        if may_reassign and can_reassign(user, report):
            row.reassign_form = bound.get(("reassign", report.pk)) or forms.ReassignForm(
                groups=groups, prefix=f"flytting-{report.pk}"
            )
        rows.append(row)
    return render(
        request,
        "assessment/board.html",
        {
            "ranking": ranking,
            "round": ranking.round,
            "working_group": ranking.working_group,
            "rows": rows,
            "count": len(rows),
            "may_rank": may_rank,
            "is_open": is_open,
            "is_ranking_round": ranking.round.status in RANKING_ROUND_STATUSES,
            "can_submit": is_open and can_submit_ranking(user, ranking),
            "reopen_form": (bound.get("reopen") or forms.ReopenForm()) if can_reopen_ranking(user, ranking) else None,
        },
    )


@login_required
@require_GET
def board(request: HttpRequest, round_pk: int, working_group_pk: int) -> HttpResponse:
    """The group's ranking in a round: brought up to date with the checked reports while the groups rank."""
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_pk)
    working_group = get_object_or_404(
        WorkingGroup.objects.select_related("region"), pk=working_group_pk, region__office=round.office_id
    )
    if not can_view_ranking(request.user, Ranking(round=round, working_group=working_group)):
        raise PermissionDenied
    ranking = Ranking.objects.filter(round=round, working_group=working_group).first()
    if round.status in RANKING_ROUND_STATUSES and not (ranking and ranking.is_locked):
        ranking = ranking_sync(round=round, working_group=working_group)
    if ranking is None:
        return render(
            request, "assessment/board.html", {"ranking": None, "round": round, "working_group": working_group}
        )
    return _render_board(request, ranking.pk)


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one report up, down or to a place; back to the board at the moved entry, with what happened."""
    ranking = _rankable(request, pk)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(_board_url(ranking, form.cleaned_data.get("report")))
    found = ranking.entries.select_related("report__round", "report__owner").filter(
        report_id=form.cleaned_data["report"]
    )
    if not found:
        messages.error(request, _("Behovsmeldingen er ikke med i denne prioriteringen."))
        return redirect(_board_url(ranking))
    report = found[0].report
    _refuse_if_recused(request.user, report)
    try:
        ranking = ranking_move(
            by=request.user,
            ranking=ranking,
            report=report,
            position=form.cleaned_data["position"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("«%(title)s» er flyttet til plass %(position)s av %(count)s.")
            % {"title": report.title, "position": form.cleaned_data["position"], "count": ranking.entries.count()},
        )
    return redirect(_board_url(ranking, report.pk))


@login_required
@require_POST
def order(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a whole order (from drag and drop), then back to the board."""
    ranking = _rankable(request, pk)
    form = forms.OrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(_board_url(ranking))
    new_order = form.cleaned_data["order"]
    moved = form.cleaned_data["report"]
    try:
        ranking = ranking_save_order(
            by=request.user, ranking=ranking, order=new_order, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_board_url(ranking))
    report = ranking.entries.filter(report_id=moved).select_related("report").first() if moved else None
    if report:
        messages.success(
            request,
            _("«%(title)s» er flyttet til plass %(position)s av %(count)s.")
            % {"title": report.report.title, "position": report.position, "count": len(new_order)},
        )
        return redirect(_board_url(ranking, moved))
    messages.success(request, _("Den nye rekkefølgen er lagret."))
    return redirect(_board_url(ranking))


@login_required
@require_POST
def entry(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """Save the group's comment and amounts for one report; errors are shown in place with everything typed."""
    ranking = _rankable(request, pk)
    report = _entry_report(ranking, report_pk)
    _refuse_if_recused(request.user, report)
    amounts = list(EntryAmount.objects.filter(entry__ranking=ranking, entry__report=report))
    years = _years(requested_per_year([report])[report.pk], amounts)
    form = forms.EntryForm(request.POST, years=years, prefix=f"vurdering-{report.pk}")
    if form.is_valid():
        try:
            ranking_entry_save(
                by=request.user,
                ranking=ranking,
                report=report,
                comment=form.cleaned_data["comment"],
                amounts=form.amounts(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Vurderingen av «%(title)s» er lagret.") % {"title": report.title})
            return redirect(_board_url(ranking, report.pk))
    return _render_board(request, ranking.pk, bound={("entry", report.pk): form})


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader sends the ranking to the forum; it is locked from then on."""
    ranking = _ranking(pk)
    if not (can_submit_ranking(request.user, ranking) and _is_open_for_ranking(ranking)):
        raise PermissionDenied
    try:
        ranking_submit(by=request.user, ranking=ranking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Prioriteringen er sendt til forumet."))
    return redirect(_board_url(ranking))


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The office reopens a submitted ranking; the reason is required."""
    ranking = _ranking(pk)
    if not can_reopen_ranking(request.user, ranking):
        raise PermissionDenied
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            ranking_reopen(by=request.user, ranking=ranking, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Prioriteringen er åpnet igjen."))
            return redirect(_board_url(ranking))
    return _render_board(request, ranking.pk, bound={"reopen": form})


@login_required
@require_POST
def comment(request: HttpRequest, working_group_pk: int, report_pk: int) -> HttpResponse:
    """A member comments on a report the group ranks."""
    working_group = get_object_or_404(WorkingGroup.objects.select_related("region__office"), pk=working_group_pk)
    if not can_comment(request.user, working_group):
        raise PermissionDenied
    report = get_object_or_404(NeedsReport.objects.select_related("round__office", "owner"), pk=report_pk)
    ranking = get_object_or_404(
        Ranking.objects.select_related("round__office", "working_group__region"),
        round=report.round_id,
        working_group=working_group,
        entries__report=report,
    )
    if not _is_open_for_ranking(ranking):
        raise PermissionDenied
    _refuse_if_recused(request.user, report)
    form = forms.CommentForm(request.POST, prefix=f"kommentar-{report.pk}")
    if form.is_valid():
        try:
            member_comment_add(
                by=request.user, working_group=working_group, report=report, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Kommentaren til «%(title)s» er lagt til.") % {"title": report.title})
            return redirect(_board_url(ranking, report.pk))
    return _render_board(request, ranking.pk, bound={("comment", report.pk): form})


@login_required
@require_POST
def reassign(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The caseworker moves a report to another of the office's working groups, with a reason."""
    report = get_object_or_404(NeedsReport.objects.select_related("round__office", "owner"), pk=report_pk)
    if not can_reassign(request.user, report):
        raise PermissionDenied
    ranking = get_object_or_404(
        Ranking.objects.select_related("round__office", "working_group__region"),
        round=report.round_id,
        working_group=working_group_of(report),
        entries__report=report,
    )
    if not _is_open_for_ranking(ranking):
        messages.error(request, _("Prioriteringen er sendt. Åpne den igjen før du flytter behovsmeldinger."))
        return redirect(_board_url(ranking, report.pk))
    groups = {group.pk: group for group in _other_groups(ranking)}
    form = forms.ReassignForm(request.POST, groups=list(groups.values()), prefix=f"flytting-{report.pk}")
    if form.is_valid():
        target = groups[form.cleaned_data["working_group"]]
        try:
            report_reassign(by=request.user, report=report, working_group=target, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("«%(title)s» er flyttet til %(group)s.") % {"title": report.title, "group": target.name}
            )
            return redirect(_board_url(ranking))
    return _render_board(request, ranking.pk, bound={("reassign", report.pk): form})


def _reports_in_visible_rankings(user: User) -> QuerySet[NeedsReport]:
    """The reports in every ranking this user can view: their groups' and their offices' (one query when read)."""
    access = access_for(user)
    group_ids = [seat.working_group_id for seat in access.working_groups] if access else []
    office_ids = access.office_ids if access else set()
    rankings = Ranking.objects.filter(Q(working_group__in=group_ids) | Q(round__office__in=office_ids))
    return (
        NeedsReport.objects.filter(ranking_entries__ranking__in=rankings)
        .select_related("round", "owner")
        .distinct()
        .order_by("round__year", "number")
    )


@login_required
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest) -> HttpResponse:
    """The user's declared interests and recusals, with the reports they are recused from automatically."""
    user = request.user
    reports = _reports_in_visible_rankings(user)
    is_recusal = request.POST.get("action") == "recusal"
    data = request.POST if request.method == "POST" else None
    interest_form = forms.InterestForm(None if is_recusal else data, prefix="interesse")
    recusal_form = forms.RecusalForm(data if is_recusal else None, reports=reports, prefix="inhabil")
    form = recusal_form if is_recusal else interest_form
    if request.method == "POST" and form.is_valid():
        try:
            if is_recusal:
                recusal_declare(by=user, report=form.cleaned_data["report"], reason=form.cleaned_data["reason"])
            else:
                cleaned = form.cleaned_data
                interest_declare(by=user, organisation=cleaned["organisation"], description=cleaned["description"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            done = _("Inhabiliteten er registrert.") if is_recusal else _("Interessen er registrert.")
            messages.success(request, done)
            return redirect("assessment:interests")
    listed = list(reports)
    reasons = recusals(reports=listed, users=[user])
    automatic = [
        (report, reasons[(user.pk, report.pk)])
        for report in listed
        if (user.pk, report.pk) in reasons and not reasons[(user.pk, report.pk)].is_declared
    ]
    return render(
        request,
        "assessment/interests.html",
        {
            "interest_form": interest_form,
            "recusal_form": recusal_form,
            "interests": Interest.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name"),
            "declared": Recusal.objects.filter(user=user).select_related("report__round", "report__owner"),
            "automatic": automatic,
        },
    )
