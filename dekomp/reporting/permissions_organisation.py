"""Who sees an organisation's needs reports, decisions, payouts and reports over the rounds, and of which offices."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import Organisation
from dekomp.organisations.permissions import offices_covering

AnyUser = User | AnonymousUser


def history_offices(user: AnyUser, organisation: Organisation) -> set[int] | None:
    """The offices whose rounds the user sees on the organisation's page; ``None`` means every office.

    The organisation's own people see all of it. Office staff see their own offices' rounds only, when their office
    covers the organisation's fylke or has a needs report naming it (a university is partner far from home); the
    money of other offices stays hidden from them. An empty set: no access.
    """
    access = access_for(user)
    if not access:
        return set()
    if access.organisation_role(organisation):
        return None
    staff = access.office_ids
    if not staff:
        return set()
    naming = NeedsReport.objects.filter(round__office_id__in=staff).filter(
        Q(owner=organisation)
        | Q(partner_links__organisation=organisation)
        | Q(co_owner_links__organisation=organisation)
    )
    return (staff & offices_covering(organisation)) | set(naming.values_list("round__office_id", flat=True))


def can_view_organisation_history(user: AnyUser, organisation: Organisation) -> bool:
    """The organisation's own people, and staff of an office that covers it or whose rounds name it."""
    return history_offices(user, organisation) != set()
