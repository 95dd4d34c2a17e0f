"""Permission predicates for rankings, comments, recusals and reassignments."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import BodyRole, User
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import WorkingGroup
from dekomp.schemes.models import RoundStatus

from .models import Ranking

AnyUser = User | AnonymousUser
RANKING_ROLES = (BodyRole.MEMBER, BodyRole.LEADER)
# The round statuses in which working groups rank (they may start as soon as reports are formally checked).
RANKING_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.ASSESSMENT)


def can_view_ranking(user: AnyUser, ranking: Ranking) -> bool:
    """Everyone seated in the working group, and the staff of the round's office."""
    access = access_for(user)
    if not access:
        return False
    return bool(access.working_group_role(ranking.working_group) or access.office_role(ranking.round.office))


def can_rank(user: AnyUser, ranking: Ranking) -> bool:
    """Members and the leader change the order and amounts while the round is being ranked and it is not submitted."""
    access = access_for(user)
    return bool(
        access
        and not ranking.is_locked
        and ranking.round.status in RANKING_ROUND_STATUSES
        and access.working_group_role(ranking.working_group) in RANKING_ROLES
    )


def can_submit_ranking(user: AnyUser, ranking: Ranking) -> bool:
    """Only the working group's leader submits the ranking to the forum."""
    access = access_for(user)
    return bool(
        access and not ranking.is_locked and access.working_group_role(ranking.working_group) == BodyRole.LEADER
    )


def can_reopen_ranking(user: AnyUser, ranking: Ranking) -> bool:
    """The office's caseworkers and admins reopen a submitted ranking, with a reason."""
    access = access_for(user)
    return bool(access and ranking.is_locked and access.office_role(ranking.round.office))


def can_comment(user: AnyUser, working_group: WorkingGroup) -> bool:
    """Members and the leader comment on their group's reports."""
    access = access_for(user)
    return bool(access and access.working_group_role(working_group) in RANKING_ROLES)


def can_reassign(user: AnyUser, report: NeedsReport) -> bool:
    """The round's office moves a report to another working group."""
    access = access_for(user)
    return bool(access and access.office_role(report.round.office))
