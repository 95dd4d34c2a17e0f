"""An organisation's page over every round: needs reports, decisions, payouts and recipients' reports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dekomp.organisations.models import Organisation
from dekomp.organisations.permissions import can_view_organisation

from .organisation import organisation_history
from .permissions_organisation import history_offices


@login_required
@require_GET
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the user may see of one organisation's grants, across rounds (other offices' money left out)."""
    org = get_object_or_404(Organisation.objects.select_related("municipality__county", "county"), pk=pk)
    offices = history_offices(request.user, org)  # the rule of can_view_organisation_history, read once
    if offices == set():
        raise PermissionDenied(
            _("Du kan bare se tilskuddene til din egen virksomhet eller virksomheter ditt embete har saker med.")
        )
    return render(
        request,
        "reporting/organisation.html",
        {
            "organisation": org,
            "history": organisation_history(organisation=org, office_ids=offices),
            "is_own_view": offices is None,
            "can_view_register": can_view_organisation(request.user, org),
        },
    )
