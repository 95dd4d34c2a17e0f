"""Permission predicates for needs reports: who sees, writes, confirms, checks."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import OrganisationRole, User
from dekomp.organisations.models import Organisation

from .models import CoOwner, NeedsReport, ReportPartner, Status

AnyUser = User | AnonymousUser


def acts_for(user: AnyUser, organisation: Organisation, *, submit: bool = False) -> bool:
    """Has a role (or, with ``submit``, the submitter role) for the organisation."""
    access = access_for(user)
    role = access.organisation_role(organisation) if access else None
    return role == OrganisationRole.SUBMITTER if submit else role is not None


def can_create_report(user: AnyUser, owner: Organisation) -> bool:
    """Submitters for an owner write that owner's needs reports."""
    return owner.is_owner and acts_for(user, owner, submit=True)


def can_view_report(user: AnyUser, report: NeedsReport) -> bool:
    """The owner, co-owners and partners named in it, the round's office, and (once checked) the bodies assessing it."""
    access = access_for(user)
    if not access:
        return False
    if access.office_role(report.round.office):
        return True
    # Once formally checked, a report is assessed: its region's working group and the office's forum read it.
    if report.status == Status.CHECKED and (
        any(m.working_group.region_id == report.region_id for m in access.working_groups)
        or any(m.forum.office_id == report.round.office_id for m in access.forums)
    ):
        return True
    named = {report.owner_id}
    named |= {link.organisation_id for link in report.partner_links.all()}
    named |= {link.organisation_id for link in report.co_owner_links.all()}
    return any(m.organisation_id in named for m in access.organisations)


def can_edit_report(user: AnyUser, report: NeedsReport) -> bool:
    """The owner's submitters, while the report is a draft or returned (deadlines are checked by the services)."""
    return report.is_editable and acts_for(user, report.owner, submit=True)


def can_withdraw_report(user: AnyUser, report: NeedsReport) -> bool:
    """The owner's submitters withdraw a report that is not already withdrawn."""
    return report.status != "trukket" and acts_for(user, report.owner, submit=True)


def can_answer_as_partner(user: AnyUser, link: ReportPartner) -> bool:
    """Submitters of the partner organisation confirm or decline on its behalf."""
    return acts_for(user, link.organisation, submit=True)


def can_answer_as_co_owner(user: AnyUser, link: CoOwner) -> bool:
    """Submitters of the co-owner confirm or decline taking part."""
    return acts_for(user, link.organisation, submit=True)


def can_check_report(user: AnyUser, report: NeedsReport) -> bool:
    """The round's office (caseworkers and admins) makes the formal check and returns reports."""
    access = access_for(user)
    return bool(access and access.office_role(report.round.office))
