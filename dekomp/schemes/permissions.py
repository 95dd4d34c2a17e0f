"""Permission predicates for rounds."""

from django.contrib.auth.models import AnonymousUser

from dekomp.accounts.access import access_for
from dekomp.accounts.models import OfficeRole, User

from .models import Round

AnyUser = User | AnonymousUser


def can_view_round_setup(user: AnyUser, round: Round) -> bool:
    """The office's caseworkers and admins see a round's set-up, never another office's."""
    access = access_for(user)
    return bool(access and access.office_role(round.office))


def can_manage_round(user: AnyUser, round: Round) -> bool:
    """Only the office's admins move a round through its workflow."""
    access = access_for(user)
    return bool(access and access.office_role(round.office) == OfficeRole.ADMIN)


def can_reopen_for_owner(user: AnyUser, round: Round) -> bool:
    """The office's caseworkers and admins reopen a round for one owner after its deadline."""
    return can_view_round_setup(user, round)
