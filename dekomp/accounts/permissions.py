"""Permission predicates for homes, offices and administration; views and templates use only these."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from .access import access_for

if TYPE_CHECKING:
    from dekomp.organisations.models import Forum, Office, Organisation, WorkingGroup

from .models import OfficeRole, User

AnyUser = User | AnonymousUser


def can_view_owner_home(user: AnyUser, organisation: "Organisation") -> bool:
    """Only people who act for an owner (submitter or reader) see that owner's home."""
    access = access_for(user)
    return bool(access and organisation.is_owner and access.organisation_role(organisation))


def can_view_partner_home(user: AnyUser, organisation: "Organisation") -> bool:
    """Only people who act for a university, college or national centre see its partner home."""
    access = access_for(user)
    return bool(access and organisation.is_partner and access.organisation_role(organisation))


def can_view_office(user: AnyUser, office: "Office") -> bool:
    """Caseworkers and office admins see their own office's work, never another office's."""
    access = access_for(user)
    return bool(access and access.office_role(office))


def can_administer_office(user: AnyUser, office: "Office") -> bool:
    """Only the office's admins set up its regions, bodies and users."""
    access = access_for(user)
    return bool(access and access.office_role(office) == OfficeRole.ADMIN)


def can_view_working_group(user: AnyUser, working_group: "WorkingGroup") -> bool:
    """A working group's seats, and the staff of the office it belongs to, see the group."""
    access = access_for(user)
    if not access:
        return False
    return bool(access.working_group_role(working_group) or access.office_role(working_group.region.office))


def can_view_forum(user: AnyUser, forum: "Forum") -> bool:
    """A forum's seats, and the staff of its office, see the forum."""
    access = access_for(user)
    if not access:
        return False
    return bool(access.forum_role(forum) or access.office_role(forum.office))


def can_view_national(user: AnyUser) -> bool:
    """National readers (Udir) see the national overview."""
    return bool(access_for(user) and user.is_national_reader)


def can_use_admin(user: AnyUser) -> bool:
    """The Django admin is for office admins and system administrators only."""
    access = access_for(user)
    return bool(access and (user.is_superuser or access.is_office_admin_anywhere))


def administered_office_ids(user: AnyUser) -> set[int] | None:
    """The offices whose set-up this user administers; None means every office (system administrator)."""
    if user.is_authenticated and user.is_superuser:
        return None
    access = access_for(user)
    return {m.office_id for m in access.offices if m.role == OfficeRole.ADMIN} if access else set()
