"""What moving a round to its next status leaves undone, shown to the office admin before they confirm the move.

Each stage knows what it leaves undone (needs reports not formally checked, rankings not submitted, no approved
recommendation, decisions not made or letters not sent). The later stages must not be imported here, so each
registers a check when it starts (``AppConfig.ready``), like ``dekomp.schemes.commitments``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Round, RoundStatus


@dataclass(frozen=True)
class Outstanding:
    """One thing not done yet that the move leaves behind: a code for tests, a sentence, and where to do it."""

    code: str
    message: str
    url: str = ""


Check = Callable[[Round, str], list[Outstanding]]
_checks: list[Check] = []


def register(check: Check) -> None:
    """Add a check ``(round, to) -> [Outstanding]``; registering the same one twice is a no-op."""
    if check not in _checks:
        _checks.append(check)


def last_deadline(round: Round) -> datetime | None:
    """The latest deadline of the round: its applicant groups' and any reopening for one owner."""
    groups = round.applicant_groups.aggregate(last=Max("deadline"))["last"]
    extensions = round.extensions.aggregate(last=Max("deadline"))["last"]
    return max((moment for moment in (groups, extensions) if moment is not None), default=None)


def closes_early(round: Round, to: str, now: datetime | None = None) -> datetime | None:
    """The deadline still ahead when the move closes the round for submissions before it; else None."""
    if round.status != RoundStatus.OPEN or to != RoundStatus.CLOSED:
        return None
    deadline = last_deadline(round)
    return deadline if deadline is not None and deadline > (now or timezone.now()) else None


def outstanding(*, round: Round, to: str) -> list[Outstanding]:
    """Everything the move from the round's status to ``to`` leaves undone, from every stage."""
    items: list[Outstanding] = []
    deadline = closes_early(round, to)
    if deadline is not None:
        items.append(
            Outstanding(
                "before_deadline",
                _("Den siste fristen i runden er %(deadline)s. Eiere som ikke har sendt inn, mister muligheten.")
                % {"deadline": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")},
            )
        )
    for check in _checks:
        items += check(round, to)
    return items
