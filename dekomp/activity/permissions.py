"""Who reads the audit trail: an office's admins, for that office only."""

from typing import TYPE_CHECKING

from dekomp.accounts.access import access_for
from dekomp.accounts.models import OfficeRole, User
from dekomp.accounts.permissions import AnyUser, can_administer_office

from . import selectors

if TYPE_CHECKING:
    from dekomp.organisations.models import Office

    from .models import Job


def audited_office_ids(user: AnyUser) -> set[int]:
    """The offices whose audit trail this user reads: those where they are an office admin (none for others)."""
    access = access_for(user)
    return {m.office_id for m in access.offices if m.role == OfficeRole.ADMIN} if access else set()


def can_read_audit_trail(user: AnyUser, office: "Office") -> bool:
    """Only the office's admins read its audit trail; caseworkers, national readers and others do not."""
    return can_administer_office(user, office)


def can_read_user_trail(user: AnyUser, subject: User) -> bool:
    """An office admin reads what a person did at the office when that person has a role there (at the office, in
    its working groups or forums, or in an organisation in its fylker) or has acted on the office's objects."""
    offices = audited_office_ids(user)
    if not offices:
        return False
    return selectors.user_in_offices(subject=subject, office_ids=offices)


def can_follow_job(user: AnyUser, job: "Job") -> bool:
    """The person who started a background job, and the staff of its office, follow its progress."""
    access = access_for(user)
    return access is not None and (job.created_by_id == user.pk or job.office_id in access.office_ids)
