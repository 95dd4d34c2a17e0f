"""Decision letters (download, send a round's letters), the owner's acceptance of the terms, and appeals."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.activity.jobs import active_job, job_start
from dekomp.core.forms import add_domain_errors
from dekomp.schemes.models import Round

from . import selectors
from .appeals import appeal_deadline, appeal_decide, appeal_forward, appeal_register, appeal_rows
from .forms_letters import AcceptForm, AppealDecideForm, AppealForwardForm, AppealRegisterForm, LettersSendForm
from .letters import decision_accept, decisions_for_letters, letter_data, letter_filename, letters_pending
from .models import Appeal, Decision
from .permissions import can_accept_decision, can_decide, can_handle_appeal, can_view_decision
from .tasks import LETTERS_JOB, send_letters_job


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    decision = get_object_or_404(decisions_for_letters(), pk=decision_id)
    if not can_view_decision(request.user, decision):
        raise PermissionDenied
    return decision


@login_required
@require_GET
def letter(request: HttpRequest, decision_id: int) -> FileResponse:
    """The decision letter as sent (the stored PDF), shown in the browser."""
    decision = _decision(request, decision_id)
    if not decision.letter:
        raise Http404(_("Vedtaksbrevet er ikke sendt ennå."))
    return FileResponse(
        decision.letter.open("rb"),
        as_attachment=False,
        filename=letter_filename(decision),
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, round_id: int) -> HttpResponse:
    """Send the letters of every decided decision in the round: a summary to confirm, then the worker sends them.

    The letters are made and e-mailed by the task worker, one by one, and the job's page shows the progress; the
    request itself only starts the job. A second click with the same token, or while a job runs, starts nothing new.
    """
    round = get_object_or_404(Round.objects.select_related("office"), pk=round_id)
    if not can_decide(request.user, round):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere sender vedtaksbrev."))
    running = active_job(kind=LETTERS_JOB, office_id=round.office_id, round=round.pk)
    if running is not None:
        return redirect("jobs:detail", pk=running.pk)
    if request.method == "GET":
        summary = selectors.letters_summary(round)
        return render(
            request,
            "decisions/letters_send_confirm.html",
            {"round": round, "summary": summary, "form": LettersSendForm(initial={"token": uuid.uuid4()})},
        )
    form = LettersSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skjemaet var utløpt. Last siden på nytt og prøv igjen."))
        return redirect("decisions:round", round_id=round.pk)
    total = letters_pending(round).count()
    if not total:
        messages.info(request, _("Ingen vedtak venter på vedtaksbrev."))
        return redirect("decisions:round", round_id=round.pk)
    job, created = job_start(
        by=request.user,
        kind=LETTERS_JOB,
        title=_("Vedtaksbrev for %(round)s") % {"round": round.name},
        office_id=round.office_id,
        token=form.cleaned_data["token"],
        total=total,
        back_url=reverse("decisions:round", args=[round.pk]),
        parameters={"round": round.pk, "retry_url": reverse("decisions:letters_send", args=[round.pk])},
    )
    if created:
        transaction.on_commit(lambda: send_letters_job.enqueue(job.pk))
    return redirect("jobs:detail", pk=job.pk)


def _ui_standard() -> str:
    """The written standard of the interface, for the terms listed on the page (English reads the bokmål terms)."""
    return "nn" if (translation.get_language() or "").startswith("nn") else "nb"


def _render_accept(request: HttpRequest, decision: Decision, form: AcceptForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "decisions/accept.html",
        {"decision": decision, "letter": letter_data(decision, language=_ui_standard()), "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The terms of the decision, and the owner's submitter accepting them (once)."""
    decision = _decision(request, decision_id)
    if not can_accept_decision(request.user, decision):
        raise PermissionDenied(
            _("Bare innsendere for %(owner)s kan akseptere vilkårene.") % {"owner": decision.report.owner.name}
        )
    if request.method != "POST":
        return _render_accept(request, decision, AcceptForm())
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            decision_accept(by=request.user, decision=decision)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Vilkårene for vedtak %(ref)s er akseptert.") % {"ref": decision.reference})
            return redirect("decisions:detail", decision_id=decision.pk)
    return _render_accept(request, _decision(request, decision_id), form)


# ------------------------------------------------------------------------------------------------------ appeals


def _render_appeals(
    request: HttpRequest,
    decision: Decision,
    *,
    register_form: AppealRegisterForm | None = None,
    failed: Appeal | None = None,
    forward_form: AppealForwardForm | None = None,
    decide_form: AppealDecideForm | None = None,
) -> HttpResponse:
    rows = appeal_rows(decision)
    for row in rows:
        pk = row.appeal.pk
        row.forward_form = (
            forward_form if failed and failed.pk == pk and forward_form else AppealForwardForm(prefix=f"forward-{pk}")
        )
        row.decide_form = (
            decide_form if failed and failed.pk == pk and decide_form else AppealDecideForm(prefix=f"decide-{pk}")
        )
    error_form = next((f for f in (register_form, forward_form, decide_form) if f is not None and f.errors), None)
    return render(
        request,
        "decisions/appeal.html",
        {
            "decision": decision,
            "rows": rows,
            "deadline": appeal_deadline(decision),
            "register_form": register_form or AppealRegisterForm(),
            "error_form": error_form,
            "failed": failed,
        },
    )


def _appeal(request: HttpRequest, appeal_id: int) -> tuple[Appeal, Decision]:
    appeal = get_object_or_404(Appeal.objects.select_related("decision"), pk=appeal_id)
    decision = _decision(request, appeal.decision_id)
    if not can_handle_appeal(request.user, decision):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere behandler klager."))
    return appeal, decision


def _appeals_url(decision: Decision, appeal: Appeal | None = None) -> str:
    url = reverse("decisions:appeal_register", args=[decision.pk])
    return f"{url}#klage-{appeal.pk}" if appeal else url


@login_required
@require_http_methods(["GET", "POST"])
def appeal_register_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The decision's appeals with their next steps, and the form to register a new one."""
    decision = _decision(request, decision_id)
    if not can_handle_appeal(request.user, decision):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere behandler klager."))
    if request.method != "POST":
        return _render_appeals(request, decision)
    form = AppealRegisterForm(request.POST)
    if form.is_valid():
        try:
            appeal = appeal_register(
                by=request.user,
                decision=decision,
                received_at=form.cleaned_data["received_at"],
                grounds=form.cleaned_data["grounds"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Klagen er registrert."))
            return redirect(_appeals_url(decision, appeal))
    return _render_appeals(request, decision, register_form=form)


@login_required
@require_POST
def appeal_forward_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Forward a received appeal to Utdanningsdirektoratet."""
    appeal, decision = _appeal(request, appeal_id)
    form = AppealForwardForm(request.POST, prefix=f"forward-{appeal.pk}")
    if form.is_valid():
        try:
            appeal_forward(
                by=request.user,
                appeal=appeal,
                forwarded_at=form.cleaned_data["forwarded_at"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Klagen er registrert som oversendt Utdanningsdirektoratet."))
            return redirect(_appeals_url(decision, appeal))
    return _render_appeals(request, decision, failed=appeal, forward_form=form)


@login_required
@require_POST
def appeal_decide_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Record the outcome of an appeal."""
    appeal, decision = _appeal(request, appeal_id)
    form = AppealDecideForm(request.POST, prefix=f"decide-{appeal.pk}")
    if form.is_valid():
        try:
            appeal_decide(
                by=request.user,
                appeal=appeal,
                outcome=form.cleaned_data["outcome"],
                outcome_at=form.cleaned_data["outcome_at"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Utfallet av klagen er registrert."))
            return redirect(_appeals_url(decision, appeal))
    return _render_appeals(request, decision, failed=appeal, decide_form=form)
