"""Permission predicates for envelopes, solver runs and the forum's recommendation."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import BodyRole, User
from dekomp.organisations.models import Forum
from dekomp.schemes.models import Round

AnyUser = User | AnonymousUser
VOTING_ROLES = (BodyRole.MEMBER, BodyRole.LEADER)


def can_set_envelopes(user: AnyUser, round: Round) -> bool:
    """The office (caseworkers and admins) splits the frames into regional envelopes and runs the solver."""
    access = access_for(user)
    return bool(access and access.office_role(round.office))


def can_view_forum_workspace(user: AnyUser, forum: Forum) -> bool:
    """Everyone seated in the forum, and the staff of its office."""
    access = access_for(user)
    return bool(access and (access.forum_role(forum) or access.office_role(forum.office)))


def can_change_recommendation(user: AnyUser, forum: Forum) -> bool:
    """Forum members and the leader change amounts (with a justification); the secretariat keeps the record."""
    access = access_for(user)
    return bool(access and access.forum_role(forum) in (*VOTING_ROLES, BodyRole.SECRETARIAT))


def can_vote(user: AnyUser, forum: Forum) -> bool:
    """Members and the leader vote; the office as secretariat and observers have no vote."""
    access = access_for(user)
    return bool(access and access.forum_role(forum) in VOTING_ROLES)


def can_keep_minutes(user: AnyUser, forum: Forum) -> bool:
    """The secretariat and the leader record meetings, attendance and the approval."""
    access = access_for(user)
    return bool(access and access.forum_role(forum) in (BodyRole.SECRETARIAT, BodyRole.LEADER))
