"""Permission predicates for recipients' reports: who writes, who reads, who follows up."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.needs.permissions import acts_for
from dekomp.schemes.models import Round

from .models import RecipientReport

AnyUser = User | AnonymousUser


def can_follow_up_round(user: AnyUser, round: Round) -> bool:
    """The staff of the round's office (caseworkers and admins) follow up the round's reports."""
    access = access_for(user)
    return bool(access and access.office_role(round.office))


def can_follow_up_report(user: AnyUser, report: RecipientReport) -> bool:
    """The staff of the round's office approve a report, ask for more, and settle unused money."""
    return can_follow_up_round(user, report.line.decision.report.round)


def can_write_report(user: AnyUser, report: RecipientReport) -> bool:
    """The recipient's submitters write and send in its report (the services check the report's status)."""
    return acts_for(user, report.recipient, submit=True)


def can_view_recipient_report(user: AnyUser, report: RecipientReport) -> bool:
    """The office's staff, anyone acting for the recipient, and anyone acting for the needs report's owner."""
    if can_follow_up_report(user, report):
        return True
    return acts_for(user, report.recipient) or acts_for(user, report.line.decision.report.owner)
