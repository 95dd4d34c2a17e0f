"""Permission predicates for decisions, decision letters, acceptance of terms, appeals and change requests."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import User
from dekomp.needs.permissions import acts_for
from dekomp.schemes.models import Round

from .models import Decision, DecisionStatus

AnyUser = User | AnonymousUser


def can_decide(user: AnyUser, round: Round) -> bool:
    """Only the staff of the round's office prepare and make decisions (rule 8)."""
    access = access_for(user)
    return bool(access and access.office_role(round.office))


def is_party(user: AnyUser, decision: Decision) -> bool:
    """Acts for the owner, a co-owner or a recipient named in the decision."""
    report = decision.report
    named = {report.owner_id}
    named |= {link.organisation_id for link in report.co_owner_links.all()}
    named |= {line.recipient_id for line in decision.lines.all()}
    access = access_for(user)
    return bool(access and any(m.organisation_id in named for m in access.organisations))


def can_view_decision(user: AnyUser, decision: Decision) -> bool:
    """The office's staff always; the parties (owner, co-owners, recipients) once the decision is made."""
    if can_decide(user, decision.report.round):
        return True
    return decision.status != DecisionStatus.DRAFT and is_party(user, decision)


def can_accept_decision(user: AnyUser, decision: Decision) -> bool:
    """The owner's submitters accept the terms of a decision whose letter has been sent."""
    return acts_for(user, decision.report.owner, submit=True)


def can_handle_appeal(user: AnyUser, decision: Decision) -> bool:
    """The office registers an appeal, forwards it to Udir and records the outcome."""
    return can_decide(user, decision.report.round)


def can_request_change(user: AnyUser, decision: Decision) -> bool:
    """The owner's submitters ask for a change of year 2 or 3 or a supplement to a measure they were granted."""
    return acts_for(user, decision.report.owner, submit=True)
