"""The office's rounds: the list, one round's set-up, moving it along its workflow and reopening for one owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dekomp.accounts.permissions import can_view_office
from dekomp.core.forms import add_domain_errors
from dekomp.organisations.models import Office

from . import selectors, workflow
from .forms import ReopenForm, RoundTransitionForm
from .models import ROUND_TRANSITIONS, Round, RoundStatus
from .permissions import can_manage_round, can_reopen_for_owner, can_view_round_setup
from .services import deadline_reopen
from .services import round_transition as round_transition_service


@login_required
@require_GET
def round_list(request: HttpRequest, office_slug: str) -> HttpResponse:
    """The office's rounds with their status, schemes and deadlines."""
    office = get_object_or_404(Office, slug=office_slug)
    if not can_view_office(request.user, office):
        raise PermissionDenied
    rounds = selectors.rounds_of_office(office=office).prefetch_related("applicant_groups")
    return render(request, "schemes/round_list.html", {"office": office, "rounds": list(rounds)})


def _load_round(request: HttpRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("office"), pk=pk)
    if not can_view_round_setup(request.user, round):
        raise PermissionDenied
    return round


def _render_detail(request: HttpRequest, round: Round, reopen_form: ReopenForm | None = None) -> HttpResponse:
    round = selectors.round_with_setup(round_id=round.pk)
    can_reopen = can_reopen_for_owner(request.user, round)
    transitions = ROUND_TRANSITIONS[round.status] if can_manage_round(request.user, round) else ()
    return render(
        request,
        "schemes/round_detail.html",
        {
            "round": round,
            "money": selectors.round_money(round),
            "transitions": [(status, RoundStatus(status).label) for status in transitions],
            "can_reopen": can_reopen,
            "reopen_form": reopen_form or (ReopenForm(office=round.office) if can_reopen else None),
        },
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's set-up: schemes, frames, themes, activity types, applicant groups and reopenings."""
    return _render_detail(request, _load_round(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the round to the status an office admin chose, after a page that lists what the move leaves undone."""
    round = _load_round(request, pk)
    if not can_manage_round(request.user, round):
        raise PermissionDenied
    to = request.POST.get("to", "") if request.method == "POST" else request.GET.get("til", "")
    if to not in ROUND_TRANSITIONS[round.status]:
        messages.error(
            request,
            _("Runden kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": round.get_status_display(), "to": RoundStatus(to).label if to in RoundStatus.values else to},
        )
        return redirect("schemes:round_detail", pk=round.pk)
    form = RoundTransitionForm(request.POST or None, initial={"to": to})
    if request.method == "POST" and form.is_valid():
        try:
            round = round_transition_service(
                by=request.user, round=round, to=to, reason=form.cleaned_data["reason"], is_confirmed=True
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Runden har nå status «%(status)s».") % {"status": round.get_status_display()})
            return redirect("schemes:round_detail", pk=round.pk)
    return render(
        request,
        "schemes/round_transition.html",
        {
            "round": round,
            "form": form,
            "to_label": RoundStatus(to).label,
            "outstanding": workflow.outstanding(round=round, to=to),
            "closes_early": workflow.closes_early(round, to),
        },
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one owner a new deadline; on an error the page comes back with everything typed kept."""
    round = _load_round(request, pk)
    if not can_reopen_for_owner(request.user, round):
        raise PermissionDenied
    form = ReopenForm(request.POST, office=round.office)
    if form.is_valid():
        try:
            deadline_reopen(by=request.user, round=round, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(owner)s har fått ny frist i %(round)s.")
                % {"owner": form.cleaned_data["owner"].name, "round": round.name},
            )
            return redirect("schemes:round_detail", pk=round.pk)
    return _render_detail(request, round, form)
