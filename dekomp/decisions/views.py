"""The caseworker's decisions workspace for a round, one decision's page and form, and the owner's change request."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.activity.jobs import active_job, job_start, latest_job
from dekomp.activity.services import events_for
from dekomp.activity.verbs import verb_label
from dekomp.allocation.models import Recommendation
from dekomp.core.forms import add_domain_errors
from dekomp.schemes.models import Round

from . import selectors
from .forms import ChangeRequestForm, DecideForm, DecisionForm, PrepareForm
from .letters import letters_pending
from .models import Decision, DecisionBatch, DecisionStatus, Outcome
from .permissions import can_decide, can_request_change, can_view_decision
from .services import change_request_create, decision_set, decisions_prepare
from .tasks import DECIDE_JOB, LETTERS_JOB, decide_batch_job

# Error messages of a failed prepare or decide, shown together on the workspace.
PROBLEM_TAG = "decision-problem"


def _round_for_staff(request: HttpRequest, round_id: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_id)
    if not can_decide(request.user, round):
        raise PermissionDenied(_("Bare Statsforvalterens ansatte i embetet som har runden, kan fatte vedtak."))
    return round


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    try:
        return selectors.decision_for_page(decision_id)
    except Decision.DoesNotExist:
        raise Http404 from None


def _problems(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message, extra_tags=PROBLEM_TAG)


@login_required
@require_GET
def round_workspace(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's decisions: prepare them from the approved recommendation, check them against the frame, decide."""
    round = _round_for_staff(request, round_id)
    ws = selectors.round_workspace(round)
    return render(
        request,
        "decisions/round.html",
        {
            "round": round,
            "ws": ws,
            "prepare_form": PrepareForm(
                initial={"recommendation": ws.recommendation.pk if ws.recommendation else None, "token": uuid.uuid4()}
            ),
            "letters_pending": letters_pending(round).count(),
            "letters_job": latest_job(kind=LETTERS_JOB, office_id=round.office_id, round=round.pk),
            "decide_job": latest_job(kind=DECIDE_JOB, office_id=round.office_id, round=round.pk),
        },
    )


@login_required
@require_POST
def prepare(request: HttpRequest, round_id: int) -> HttpResponse:
    """Create draft decisions from the latest approved recommendation (one batch per click, idempotent)."""
    round = _round_for_staff(request, round_id)
    form = PrepareForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Skjemaet var ufullstendig. Last siden på nytt og prøv igjen."), extra_tags=PROBLEM_TAG
        )
        return redirect("decisions:round", round_id=round.pk)
    recommendation = Recommendation.objects.filter(round=round, pk=form.cleaned_data["recommendation"]).first()
    if recommendation is None:
        raise Http404
    try:
        batch = decisions_prepare(by=request.user, recommendation=recommendation, token=form.cleaned_data["token"])
    except ValidationError as error:
        _problems(request, error)
    else:
        count = batch.decisions.count()
        messages.success(
            request,
            _("%(count)s vedtak er forberedt fra innstillingen (versjon %(number)s).")
            % {"count": count, "number": batch.recommendation.number},
        )
    return redirect("decisions:round", round_id=round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Make every draft decision in the batch, all or none: a summary with counts and money to confirm first, then
    the worker decides and the job's page shows the result (the problems, when nothing was decided)."""
    batch = get_object_or_404(DecisionBatch.objects.select_related("round__office", "recommendation"), pk=batch_id)
    round = _round_for_staff(request, batch.round_id)
    running = active_job(kind=DECIDE_JOB, office_id=round.office_id, batch=batch.pk)
    if running is not None:
        return redirect("jobs:detail", pk=running.pk)
    if request.method == "GET":
        return render(
            request,
            "decisions/decide_confirm.html",
            {
                "round": round,
                "batch": batch,
                "summary": selectors.decide_summary(batch),
                "form": DecideForm(initial={"token": uuid.uuid4()}),
            },
        )
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Skjemaet var ufullstendig. Last siden på nytt og prøv igjen."), extra_tags=PROBLEM_TAG
        )
        return redirect("decisions:round", round_id=round.pk)
    drafts = batch.decisions.filter(status=DecisionStatus.DRAFT).count()
    if not drafts:
        messages.info(request, _("Vedtakene i denne bunken er allerede fattet."))
        return redirect("decisions:round", round_id=round.pk)
    workspace = reverse("decisions:round", args=[round.pk])
    job, created = job_start(
        by=request.user,
        kind=DECIDE_JOB,
        title=_("Fatte %(count)s vedtak i %(round)s") % {"count": drafts, "round": round.name},
        office_id=round.office_id,
        token=form.cleaned_data["token"],
        total=drafts,
        back_url=workspace,
        parameters={"batch": batch.pk, "round": round.pk},
    )
    if created:
        transaction.on_commit(lambda: decide_batch_job.enqueue(job.pk))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    """One decision: outcome, amounts per recipient and year, reasons, history, and the actions open to this user."""
    decision = _decision(request, decision_id)
    user = request.user
    if not can_view_decision(user, decision):
        raise PermissionDenied
    events = [(event, verb_label(event.verb)) for event in events_for(decision)]
    may_change = decision.is_binding and decision.outcome != Outcome.REJECTED and can_request_change(user, decision)
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "report": decision.report,
            "table": selectors.line_table(decision),
            "events": events,
            "is_staff": can_decide(user, decision.report.round),
            "can_edit": decision.status == DecisionStatus.DRAFT and can_decide(user, decision.report.round),
            "can_request_change": may_change,
            "amendments": decision.report.amendments.select_related("round").order_by("pk"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The caseworker's form for one draft decision; on an error everything typed is kept."""
    decision = _decision(request, decision_id)
    if not can_decide(request.user, decision.report.round):
        raise PermissionDenied(_("Bare Statsforvalterens ansatte kan endre vedtak."))
    if decision.status != DecisionStatus.DRAFT:
        messages.info(request, _("Vedtaket er fattet og kan ikke endres."))
        return redirect("decisions:detail", decision_id=decision.pk)
    lines = sorted(decision.lines.all(), key=lambda line: (line.recipient_id != decision.report.owner_id, line.pk))
    if request.method == "POST":
        form = DecisionForm(request.POST, decision=decision, lines=lines)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision_set(
                    by=request.user,
                    decision=decision,
                    version=data["version"],
                    outcome=data["outcome"],
                    amounts=form.amounts(),
                    considerations=data["considerations"],
                    deviation_reason=data["deviation_reason"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("Vedtaket %(ref)s er lagret.") % {"ref": decision.reference})
                return redirect(f"{reverse('decisions:round', args=[decision.report.round_id])}#d{decision.pk}")
    else:
        form = DecisionForm(initial=DecisionForm.initial_for(decision, lines), decision=decision, lines=lines)
    return render(
        request,
        "decisions/edit.html",
        {"decision": decision, "report": decision.report, "form": form, "table": selectors.line_table(decision)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The owner asks for a change of year 2 or 3, or a supplement, as a new draft report in an open round."""
    decision = _decision(request, decision_id)
    if not can_request_change(request.user, decision):
        raise PermissionDenied(_("Bare eierens innsendere kan be om endring av et vedtak."))
    rounds = selectors.change_request_rounds(decision)
    form = ChangeRequestForm(request.POST or None, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        try:
            report = change_request_create(
                by=request.user, decision=decision, kind=form.cleaned_data["kind"], round=form.cleaned_data["round"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Utkastet %(ref)s er opprettet. Gå gjennom stegene, og send det inn før fristen.")
                % {"ref": report.reference},
            )
            return redirect("needs:edit", pk=report.pk, step="grunnlag")
    return render(
        request,
        "decisions/change_request.html",
        {"decision": decision, "report": decision.report, "form": form, "has_rounds": rounds.exists()},
    )
