"""Permission predicates for the money dashboard (kept apart from the reports' predicates in permissions.py)."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.organisations.models import Office

AnyUser = User | AnonymousUser


def can_view_dashboard(user: AnyUser, office: Office) -> bool:
    """An office's caseworkers and admins see its money; national readers (Udir) see every office's."""
    access = access_for(user)
    return bool(access and (user.is_national_reader or access.office_role(office)))


def can_view_any_dashboard(user: AnyUser) -> bool:
    """The dashboard is for office staff (of some office) and national readers."""
    access = access_for(user)
    return bool(access and (user.is_national_reader or access.office_ids))
