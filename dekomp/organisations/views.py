"""Browse the organisations and units in an office's fylker."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Office, Organisation, OrganisationKind
from .permissions import can_follow_organisation, can_list_organisations, can_view_organisation


@login_required
@require_GET
def organisation_list(request: HttpRequest, office_slug: str) -> HttpResponse:
    """The office's organisations, filtered by kind and searched by name or orgnr."""
    office = get_object_or_404(Office, slug=office_slug)
    if not can_list_organisations(request.user, office):
        raise PermissionDenied
    kind = request.GET.get("type", "")
    if kind not in OrganisationKind.values:
        kind = ""
    query = request.GET.get("q", "").strip()[:100]
    page = selectors.organisations_in_office(office=office, kind=kind, query=query, page=request.GET.get("side", 1))
    return render(
        request,
        "organisations/organisation_list.html",
        {"office": office, "page": page, "kind": kind, "query": query, "kinds": OrganisationKind.choices},
    )


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation with its units and regions."""
    organisation = get_object_or_404(Organisation.objects.select_related("municipality__county", "county"), pk=pk)
    if not can_view_organisation(request.user, organisation):
        raise PermissionDenied
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "units": selectors.organisation_units(organisation=organisation),
            "unit_totals": selectors.unit_totals(organisation=organisation),
            "regions": selectors.regions_of(organisation=organisation),
            "can_follow": can_follow_organisation(request.user, organisation),
        },
    )
