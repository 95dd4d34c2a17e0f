"""The office's envelopes and solver page, and the forum's workspace: amounts, meetings, votes, approval, exports."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.activity.forms import JobTokenForm
from dekomp.activity.jobs import finished_files, job_start
from dekomp.activity.permissions import can_follow_job
from dekomp.core.exports import xlsx_response
from dekomp.core.forms import add_domain_errors
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import Forum
from dekomp.schemes.models import Round, Scheme

from . import selectors
from .forms import ApproveForm, EnvelopeKeyForm, LineForm, MeetingForm, PlanForm, ProposeForm, VoteForm
from .models import LongTermPlan, Meeting, Recommendation
from .permissions import (
    can_change_recommendation,
    can_keep_minutes,
    can_set_envelopes,
    can_view_forum_workspace,
    can_vote,
)
from .plans import long_term_plan_upload
from .services import (
    allocation_propose,
    envelopes_set,
    meeting_record,
    recommendation_approve,
    recommendation_line_set,
    recommendation_new_version,
    vote_cast,
)
from .tasks import PDF_JOB, recommendation_pdf_job

# ------------------------------------------------------------------------------------------------ envelopes page


def _load_round_scheme(request: HttpRequest, round_pk: int, scheme_pk: int) -> tuple[Round, Scheme]:
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_pk)
    if not can_set_envelopes(request.user, round):
        raise PermissionDenied
    return round, get_object_or_404(round.schemes.all(), pk=scheme_pk)


def _render_envelopes(
    request: HttpRequest, round: Round, scheme: Scheme, *, form=None, propose_form=None
) -> HttpResponse:
    page = selectors.envelopes_page(round=round, scheme=scheme)
    if form is None:
        form = EnvelopeKeyForm(initial=page.initial(), regions=page.regions, years=page.years)
    return render(
        request,
        "allocation/envelopes.html",
        {
            "page": page,
            "round": round,
            "scheme": scheme,
            "form": form,
            "propose_form": propose_form or ProposeForm(),
            "forum": selectors.forum_for_round(round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def envelopes(request: HttpRequest, round_pk: int, scheme_pk: int) -> HttpResponse:
    """The scheme's frames split into regional envelopes by a key; on an error everything typed is kept."""
    round, scheme = _load_round_scheme(request, round_pk, scheme_pk)
    if request.method != "POST":
        return _render_envelopes(request, round, scheme)
    page = selectors.envelopes_page(round=round, scheme=scheme)
    form = EnvelopeKeyForm(request.POST, regions=page.regions, years=page.years)
    if form.is_valid():
        data = form.cleaned_data
        try:
            envelopes_set(
                by=request.user,
                round=round,
                scheme=scheme,
                kind=data["kind"],
                method=data["method"],
                source=data["source"],
                source_year=data["source_year"],
                typed=form.typed() if data["kind"] == "manuell" else None,
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("De regionale rammene for %(scheme)s er satt.") % {"scheme": scheme.short_name})
            return redirect("allocation:envelopes", round_pk=round.pk, scheme_pk=scheme.pk)
    return _render_envelopes(request, round, scheme, form=form)


@login_required
@require_POST
def propose(request: HttpRequest, round_pk: int, scheme_pk: int) -> HttpResponse:
    """Run the solver for the scheme and go to the forum's workspace with the new proposal."""
    round, scheme = _load_round_scheme(request, round_pk, scheme_pk)
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            allocation_propose(by=request.user, round=round, scheme=scheme, mode=form.cleaned_data["mode"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("Forslaget til fordeling for %(scheme)s er beregnet.") % {"scheme": scheme.short_name}
            )
            forum = selectors.forum_for_round(round)
            return redirect("allocation:workspace", forum_pk=forum.pk, round_pk=round.pk)
    return _render_envelopes(request, round, scheme, propose_form=form)


# ------------------------------------------------------------------------------------------------------ workspace


def _load_workspace(request: HttpRequest, forum_pk: int, round_pk: int) -> tuple[Forum, Round]:
    forum = get_object_or_404(Forum.objects.select_related("office"), pk=forum_pk)
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_pk, office_id=forum.office_id)
    if not can_view_forum_workspace(request.user, forum):
        raise PermissionDenied
    return forum, round


def _load_recommendation(request: HttpRequest, pk: int) -> Recommendation:
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("forum__office", "round__office", "approved_by"), pk=pk
    )
    if not can_view_forum_workspace(request.user, recommendation.forum):
        raise PermissionDenied
    return recommendation


def _refused(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    """The 403 page with the service's reason, when it gave one."""
    return render(request, "allocation/refused.html", {"message": " ".join(map(str, error.args))}, status=403)


def _workspace_url(forum: Forum, round: Round, anchor: str = "") -> str:
    url = reverse("allocation:workspace", args=[forum.pk, round.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_workspace(
    request: HttpRequest,
    forum: Forum,
    round: Round,
    *,
    line_form: LineForm | None = None,
    meeting_form: MeetingForm | None = None,
    vote_form: VoteForm | None = None,
    approve_form: ApproveForm | None = None,
    plan_form: PlanForm | None = None,
) -> HttpResponse:
    user = request.user
    ws = selectors.workspace(forum=forum, round=round, user=user)
    can_change = ws.is_draft and can_change_recommendation(user, forum)
    if can_change:
        for row in ws.rows:
            if line_form is not None and line_form.report_pk == row.report.pk:
                row.form = line_form
            else:
                initial = {f"amount_{cell.year}": cell.amount for cell in row.cells}
                initial |= {"version": ws.recommendation.version, "justification": row.justification}
                row.form = LineForm(initial=initial, report_pk=row.report.pk, years=row.years)
    keeps_minutes = can_keep_minutes(user, forum)
    error_form = next(
        (f for f in (line_form, meeting_form, vote_form, approve_form, plan_form) if f is not None and f.errors), None
    )
    # Each version's PDF button has its own token; the newest PDF made for a version is offered beside it.
    made = finished_files(kind=PDF_JOB, office_id=forum.office_id, key="recommendation")
    for version in ws.versions:
        job = made.get(version.pk)
        version.pdf_token, version.pdf_job = uuid.uuid4(), job if job and can_follow_job(user, job) else None
    return render(
        request,
        "allocation/workspace.html",
        {
            "ws": ws,
            "forum": forum,
            "round": round,
            "can_change": can_change,
            "can_keep_minutes": keeps_minutes,
            "can_set_envelopes": can_set_envelopes(user, round),
            "meeting_form": meeting_form or (MeetingForm(seats=ws.seats) if keeps_minutes else None),
            "vote_form": vote_form
            or (VoteForm() if can_vote(user, forum) and ws.is_draft and ws.is_present(user) else None),
            "approve_form": approve_form
            or (ApproveForm(meetings=ws.meetings) if keeps_minutes and ws.is_draft and ws.meetings else None),
            "plan_form": plan_form or (PlanForm() if keeps_minutes else None),
            "error_form": error_form,
        },
    )


@login_required
@require_GET
def workspace(request: HttpRequest, forum_pk: int, round_pk: int) -> HttpResponse:
    """The forum's recommendation: the solver's proposal, the forum's changes, meetings, votes and versions."""
    forum, round = _load_workspace(request, forum_pk, round_pk)
    return _render_workspace(request, forum, round)


@login_required
@require_POST
def line(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """Change one report's recommended amounts; a change from the proposal needs a justification."""
    recommendation = _load_recommendation(request, pk)
    forum, round = recommendation.forum, recommendation.round
    if not can_change_recommendation(request.user, forum):
        raise PermissionDenied
    report = get_object_or_404(
        NeedsReport.objects.filter(recommendation_lines__recommendation=recommendation).distinct(), pk=report_pk
    )
    years = sorted(set(recommendation.lines.filter(report=report).values_list("budget_year", flat=True)))
    form = LineForm(request.POST, report_pk=report.pk, years=years)
    if form.is_valid():
        try:
            recommendation_line_set(
                by=request.user,
                recommendation=recommendation,
                report=report,
                amounts=form.amounts(),
                justification=form.cleaned_data["justification"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Beløpene for %(ref)s er endret.") % {"ref": report.reference})
            return redirect(_workspace_url(forum, round, f"r{report.pk}"))
    return _render_workspace(request, forum, round, line_form=form)


@login_required
@require_POST
def meeting(request: HttpRequest, forum_pk: int, round_pk: int) -> HttpResponse:
    """Record a forum meeting: time, attendance, consensus or vote, and the minutes."""
    forum, round = _load_workspace(request, forum_pk, round_pk)
    if not can_keep_minutes(request.user, forum):
        raise PermissionDenied
    ws = selectors.workspace(forum=forum, round=round)
    form = MeetingForm(request.POST, seats=ws.seats)
    if form.is_valid():
        try:
            meeting_record(
                by=request.user,
                forum=forum,
                round=round,
                held_at=form.cleaned_data["held_at"],
                present=form.present_users(),
                is_consensus=form.is_consensus,
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Møtet er registrert."))
            return redirect(_workspace_url(forum, round, "meetings-heading"))
    return _render_workspace(request, forum, round, meeting_form=form)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A member present at the meeting votes on the whole recommendation; the secretariat has no vote."""
    meeting = get_object_or_404(Meeting.objects.select_related("forum__office", "round__office"), pk=pk)
    forum, round = meeting.forum, meeting.round
    if not can_view_forum_workspace(request.user, forum):
        raise PermissionDenied
    form = VoteForm(request.POST)
    try:
        # Whoever may not vote is refused by the service, with its reason, whatever the form holds.
        if form.is_valid() or not can_vote(request.user, forum):
            vote_cast(by=request.user, meeting=meeting, choice=form.cleaned_data.get("choice", ""))
            messages.success(request, _("Stemmen din er registrert."))
            return redirect(_workspace_url(forum, round, "votes-heading"))
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        add_domain_errors(form, error)
    return _render_workspace(request, forum, round, vote_form=form)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the recommendation at a recorded meeting (within every frame, by consensus or a majority)."""
    recommendation = _load_recommendation(request, pk)
    forum, round = recommendation.forum, recommendation.round
    if not can_keep_minutes(request.user, forum):
        raise PermissionDenied
    meetings = list(Meeting.objects.filter(forum=forum, round=round).order_by("-held_at", "-pk"))
    form = ApproveForm(request.POST, meetings=meetings)
    if form.is_valid() and not request.POST.get("confirmed"):
        # First the summary (measures and money per scheme and year) to confirm; approving binds the office's work.
        return render(
            request,
            "allocation/approve_confirm.html",
            {
                "recommendation": recommendation,
                "forum": forum,
                "round": round,
                "form": form,
                "meeting": form.chosen(),
                "summary": selectors.recommendation_summary(recommendation),
            },
        )
    if form.is_valid():
        try:
            approved = recommendation_approve(by=request.user, recommendation=recommendation, meeting=form.chosen())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Innstillingen er vedtatt (versjon %(number)s).") % {"number": approved.number})
            return redirect(_workspace_url(forum, round))
    return _render_workspace(request, forum, round, approve_form=form)


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new draft version of an approved recommendation."""
    recommendation = _load_recommendation(request, pk)
    if not can_keep_minutes(request.user, recommendation.forum):
        raise PermissionDenied
    try:
        draft = recommendation_new_version(by=request.user, recommendation=recommendation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Versjon %(number)s er åpnet for endringer.") % {"number": draft.number})
    return redirect(_workspace_url(recommendation.forum, recommendation.round))


@login_required
@require_POST
def recommendation_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of the recommendation as PDF: made by the task worker, downloaded from the job's page."""
    recommendation = _load_recommendation(request, pk)
    form = JobTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skjemaet var utløpt. Last siden på nytt og prøv igjen."))
        return redirect(_workspace_url(recommendation.forum, recommendation.round))
    job, created = job_start(
        by=request.user,
        kind=PDF_JOB,
        title=_("Innstillingen som PDF (versjon %(number)s)") % {"number": recommendation.number},
        office_id=recommendation.forum.office_id,
        token=form.cleaned_data["token"],
        total=1,
        back_url=_workspace_url(recommendation.forum, recommendation.round),
        parameters={"recommendation": recommendation.pk},
    )
    if created:
        transaction.on_commit(lambda: recommendation_pdf_job.enqueue(job.pk))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def recommendation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of the recommendation as a workbook: a row per report and year, and the totals."""
    recommendation = _load_recommendation(request, pk)
    ws = selectors.workspace(forum=recommendation.forum, round=recommendation.round, recommendation=recommendation)
    return xlsx_response(
        filename=f"innstilling-{recommendation.round.year}-v{recommendation.number}.xlsx",
        sheets=selectors.export_sheets(ws),
    )


@login_required
@require_POST
def plan_upload(request: HttpRequest, forum_pk: int, round_pk: int) -> HttpResponse:
    """Upload the forum's long-term plan for the round."""
    forum, round = _load_workspace(request, forum_pk, round_pk)
    if not can_keep_minutes(request.user, forum):
        raise PermissionDenied
    form = PlanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            long_term_plan_upload(by=request.user, forum=forum, round=round, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Den langsiktige planen er lastet opp."))
            return redirect(_workspace_url(forum, round, "plans-heading"))
    return _render_workspace(request, forum, round, plan_form=form)


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> FileResponse:
    """Download a long-term plan."""
    item = get_object_or_404(LongTermPlan.objects.select_related("forum__office"), pk=pk)
    if not can_view_forum_workspace(request.user, item.forum):
        raise PermissionDenied
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
