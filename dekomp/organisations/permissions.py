"""Permission predicates for organisations and units."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import OfficeRole, User

from .models import Office, Organisation

AnyUser = User | AnonymousUser


def offices_covering(organisation: Organisation) -> set[int]:
    """The offices whose fylker hold the organisation (one query; none without a fylke)."""
    county_id = organisation.county_id or (
        organisation.municipality.county_id if organisation.municipality_id else None
    )
    if county_id is None:
        return set()
    return set(Office.counties.through.objects.filter(county_id=county_id).values_list("office_id", flat=True))


def can_list_organisations(user: AnyUser, office: Office) -> bool:
    """An office's caseworkers and admins browse the organisations and units in its fylker."""
    access = access_for(user)
    return bool(access and access.office_role(office))


def can_view_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """People acting for the organisation, staff of an office covering its fylke, and national readers."""
    access = access_for(user)
    if not access:
        return False
    if access.organisation_role(organisation) or user.is_national_reader:
        return True
    return bool(access.office_ids & offices_covering(organisation))


def can_follow_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """People acting for the organisation and staff of an office covering its fylke follow its grants over the rounds
    (national readers see the register data only)."""
    access = access_for(user)
    if not access:
        return False
    return bool(access.organisation_role(organisation) or access.office_ids & offices_covering(organisation))


def can_change_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """Only admins of an office covering the organisation's fylke change its register data."""
    access = access_for(user)
    if not access:
        return False
    admin_offices = {m.office_id for m in access.offices if m.role == OfficeRole.ADMIN}
    return bool(admin_offices & offices_covering(organisation))


def can_register_organisations(user: AnyUser) -> bool:
    """Office admins (and system administrators) register organisations and units from the registers."""
    access = access_for(user)
    return bool(access and (user.is_superuser or access.is_office_admin_anywhere))
