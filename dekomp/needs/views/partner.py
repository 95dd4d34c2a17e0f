"""The partner's and co-owner's answer to being named in a report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..models import CoOwner, ReportPartner
from ..permissions import can_answer_as_co_owner, can_answer_as_partner


def _answer(request: HttpRequest, link, service) -> HttpResponse:
    is_confirmed = request.POST.get("answer") == "confirm"
    try:
        service(by=request.user, link=link, is_confirmed=is_confirmed, comment=request.POST.get("comment", ""))
    except ValidationError as error:
        # Keep the typed comment: the page shows it again with the message.
        request.session["answer_comment"] = request.POST.get("comment", "")
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Dere har bekreftet behovsmeldingen.")
            if is_confirmed
            else _("Dere har avslått behovsmeldingen. Eieren ser kommentaren deres."),
        )
    return redirect("needs:detail", link.report_id)


@login_required
@require_POST
def partner_answer(request: HttpRequest, link_pk: int) -> HttpResponse:
    link = get_object_or_404(ReportPartner.objects.select_related("organisation", "report"), pk=link_pk)
    if not can_answer_as_partner(request.user, link):
        raise PermissionDenied
    return _answer(request, link, services.partner_answer)


@login_required
@require_POST
def co_owner_answer(request: HttpRequest, link_pk: int) -> HttpResponse:
    link = get_object_or_404(CoOwner.objects.select_related("organisation", "report"), pk=link_pk)
    if not can_answer_as_co_owner(request.user, link):
        raise PermissionDenied
    return _answer(request, link, services.co_owner_answer)
