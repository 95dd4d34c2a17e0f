"""The role homes: one per kind of role, each a short to-do list."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from dekomp.accounts.access import RoleKind, access_for
from dekomp.accounts.context_processors import SESSION_ROLE_KEY
from dekomp.accounts.permissions import (
    can_administer_office,
    can_view_forum,
    can_view_national,
    can_view_office,
    can_view_owner_home,
    can_view_partner_home,
    can_view_working_group,
)
from dekomp.allocation.models import RecommendationStatus
from dekomp.allocation.selectors import FORUM_ROUND_STATUSES, forum_rounds
from dekomp.assessment.models import Ranking, Reassignment
from dekomp.assessment.permissions import RANKING_ROLES, RANKING_ROUND_STATUSES
from dekomp.decisions.letters import letters_for_organisation
from dekomp.decisions.selectors import latest_approved_recommendation
from dekomp.needs import selectors as needs_selectors
from dekomp.needs.models import NeedsReport, Status
from dekomp.needs.overview import awaiting_check_by_round
from dekomp.needs.permissions import can_create_report
from dekomp.organisations import selectors
from dekomp.organisations.models import Forum, Office, Organisation, WorkingGroup
from dekomp.payouts.permissions import can_set_bank_account
from dekomp.reporting.selectors import reports_for_organisation
from dekomp.schemes.models import Round
from dekomp.schemes.selectors import deadline_for, open_rounds_for, rounds_of_office

from . import todo


def _remember_role(request: HttpRequest, key: str) -> None:
    """The home last visited is the role the header shows."""
    request.session[SESSION_ROLE_KEY] = key


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Send the user to the home of their current role, or explain that they have none yet."""
    access = access_for(request.user)
    roles = access.roles() if access else []
    if not roles:
        return render(request, "home/no_role.html")
    chosen = request.session.get(SESSION_ROLE_KEY)
    role = next((r for r in roles if r.key == chosen), roles[0])
    return redirect(role.url)


@login_required
@require_GET
def owner_home(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner's home: its units, regions and what to do next."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_view_owner_home(request.user, organisation):
        raise PermissionDenied
    _remember_role(request, f"{RoleKind.OWNER}:{organisation.pk}")
    units = list(selectors.organisation_units(organisation=organisation))
    reports = list(needs_selectors.reports_of_owner(owner=organisation))
    rounds = [(r, deadline_for(round=r, owner=organisation)) for r in open_rounds_for(owner=organisation)]
    letters = letters_for_organisation(organisation, user=request.user)
    recipient_reports = reports_for_organisation(organisation)
    return render(
        request,
        "home/owner.html",
        {
            "organisation": organisation,
            "letters": letters,
            "recipient_reports": recipient_reports,
            "can_set_bank_account": can_set_bank_account(request.user, organisation),
            "units": units,
            "unit_totals": selectors.unit_totals(organisation=organisation),
            "regions": list(selectors.regions_of(organisation=organisation)),
            "reports": reports,
            "open_rounds": rounds,
            "can_create": can_create_report(request.user, organisation),
            "todo": todo.for_owner(organisation=organisation, units=units, reports=reports, rounds=rounds)
            + todo.for_recipient(organisation=organisation, letters=letters, reports=recipient_reports),
        },
    )


@login_required
@require_GET
def partner_home(request: HttpRequest, pk: int) -> HttpResponse:
    """A university's, college's or national centre's home: needs reports naming it (from the next stage)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_view_partner_home(request.user, organisation):
        raise PermissionDenied
    _remember_role(request, f"{RoleKind.PARTNER}:{organisation.pk}")
    reports = list(needs_selectors.reports_naming_partner(partner=organisation))
    for report in reports:
        report.my_link = next(p for p in report.partner_links.all() if p.organisation_id == organisation.pk)
    letters = letters_for_organisation(organisation, user=request.user)
    recipient_reports = reports_for_organisation(organisation)
    return render(
        request,
        "home/partner.html",
        {
            "organisation": organisation,
            "reports": reports,
            "letters": letters,
            "recipient_reports": recipient_reports,
            "can_set_bank_account": can_set_bank_account(request.user, organisation),
            "money": needs_selectors.partner_money_per_year(partner=organisation),
            "todo": todo.for_partner(organisation=organisation, reports=reports)
            + todo.for_recipient(organisation=organisation, letters=letters, reports=recipient_reports),
        },
    )


@login_required
@require_GET
def working_group_home(request: HttpRequest, pk: int) -> HttpResponse:
    """A working group's home: its region, the owners in it and who sits in the group."""
    working_group = get_object_or_404(WorkingGroup.objects.select_related("region__office"), pk=pk)
    if not can_view_working_group(request.user, working_group):
        raise PermissionDenied
    _remember_role(request, f"{RoleKind.WORKING_GROUP}:{working_group.pk}")
    working_group = selectors.working_group_with_seats(working_group_id=working_group.pk)
    rankings = _rounds_to_rank(working_group)
    access = access_for(request.user)
    ranks = bool(access and access.working_group_role(working_group) in RANKING_ROLES)
    return render(
        request,
        "home/working_group.html",
        {
            "working_group": working_group,
            "rankings": rankings,
            "todo": todo.for_working_group(working_group=working_group, rankings=rankings, ranks=ranks),
        },
    )


def _rounds_to_rank(working_group: WorkingGroup) -> list[todo.RoundToRank]:
    """The office's rounds in ranking with checked reports for the group, in four queries however many rounds.

    The group's reports follow ``assessment.selectors.reports_for_working_group``: its region's checked reports, less
    those reassigned away, plus those reassigned to it (the latest reassignment counts).
    """
    rounds = list(
        Round.objects.filter(office=working_group.region.office_id, status__in=RANKING_ROUND_STATUSES).order_by(
            "-year", "name"
        )
    )
    if not rounds:
        return []
    latest: dict[int, int] = {}
    for report_id, group_id in (
        Reassignment.objects.filter(report__round__in=rounds)
        .order_by("report_id", "created_at", "pk")
        .values_list("report_id", "working_group_id")
    ):
        latest[report_id] = group_id
    moved_in = [rid for rid, gid in latest.items() if gid == working_group.pk]
    moved_out = [rid for rid, gid in latest.items() if gid != working_group.pk]
    counts = Counter(
        NeedsReport.objects.filter(round__in=rounds, status=Status.CHECKED)
        .filter(Q(region=working_group.region_id) | Q(pk__in=moved_in))
        .exclude(pk__in=moved_out)
        .values_list("round_id", flat=True)
    )
    rankings = {r.round_id: r for r in Ranking.objects.filter(round__in=rounds, working_group=working_group)}
    return [
        todo.RoundToRank(round=round, count=counts[round.pk], ranking=rankings.get(round.pk))
        for round in rounds
        if counts[round.pk]
    ]


@login_required
@require_GET
def forum_home(request: HttpRequest, pk: int) -> HttpResponse:
    """A forum's home: who sits there, for whom, and the regions whose rankings it will receive."""
    forum = get_object_or_404(Forum.objects.select_related("office"), pk=pk)
    if not can_view_forum(request.user, forum):
        raise PermissionDenied
    _remember_role(request, f"{RoleKind.FORUM}:{forum.pk}")
    forum = selectors.forum_with_seats(forum_id=forum.pk)
    rounds = forum_rounds(forum=forum)
    # Rounds past the forum's work keep their recommendation: the forum looks it up there (and votes on a new version).
    earlier = (
        Round.objects.filter(recommendations__forum=forum, recommendations__status=RecommendationStatus.APPROVED)
        .exclude(status__in=FORUM_ROUND_STATUSES)
        .distinct()
        .order_by("-year", "name")
    )
    return render(
        request,
        "home/forum.html",
        {
            "forum": forum,
            "earlier_rounds": list(earlier),
            "balance": selectors.forum_balance(forum=forum),
            "regions": list(selectors.office_regions(office=forum.office)),
            "rounds": rounds,
            "todo": todo.for_forum(forum=forum, rounds=rounds),
        },
    )


@login_required
@require_GET
def office_home(request: HttpRequest, slug: str) -> HttpResponse:
    """A caseworker's or office admin's home: the office's actors, regions and bodies."""
    office = get_object_or_404(Office, slug=slug)
    if not can_view_office(request.user, office):
        raise PermissionDenied
    _remember_role(request, f"{RoleKind.OFFICE}:{office.pk}")
    regions = list(selectors.office_regions(office=office))
    forums = list(office.forums.order_by("name"))
    is_admin = can_administer_office(request.user, office)
    rounds = list(rounds_of_office(office=office))
    awaiting = awaiting_check_by_round(office=office)
    year_rounds = [
        todo.RoundInYear(round=r, has_recommendation=latest_approved_recommendation(r) is not None)
        for r in rounds
        if r.status in todo.YEAR_STATUSES
    ]
    return render(
        request,
        "home/office.html",
        {
            "office": office,
            "regions": regions,
            "forums": forums,
            "rounds": rounds,
            "is_office_admin": is_admin,
            "year_statuses": todo.YEAR_STATUSES,
            "todo": todo.for_office(
                regions=regions, forums=forums, is_admin=is_admin, rounds=rounds, awaiting_check=awaiting
            )
            + todo.for_office_year(rounds=year_rounds),
            **selectors.office_overview(office=office),
        },
    )


@login_required
@require_GET
def national_home(request: HttpRequest) -> HttpResponse:
    """A national reader's home: every office side by side."""
    if not can_view_national(request.user):
        raise PermissionDenied
    _remember_role(request, RoleKind.NATIONAL.value)
    return render(
        request, "home/national.html", {"offices": list(selectors.national_overview()), "todo": todo.for_national()}
    )
