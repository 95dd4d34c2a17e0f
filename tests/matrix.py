"""The vocabulary of the permission matrix: expected answers per persona, and one case per URL name.

Each later stage keeps its own cases in ``tests/matrix_<app>.py``; ``test_permission_matrix`` joins them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.personas import PERSONA_NAMES, World

LOGGED_IN = [name for name in PERSONA_NAMES if name != "anonymous"]
Expectation = dict[str, int]


def only(*allowed: str, ok: int = 200) -> Expectation:
    """``ok`` for the allowed personas, 403 for every other logged-in persona, 302 (to login) for anonymous."""
    return {name: (ok if name in allowed else 403) for name in LOGGED_IN} | {"anonymous": 302}


def everyone(status: int) -> Expectation:
    return dict.fromkeys(PERSONA_NAMES, status)


def logged_in(status: int) -> Expectation:
    """Views behind login_required: anonymous goes to the login page first, whatever the method."""
    return dict.fromkeys(LOGGED_IN, status) | {"anonymous": 302}


@dataclass(frozen=True)
class Case:
    args: Callable[[World], list[object]]
    methods: dict[str, Expectation]


OFFICE_STAFF = ("caseworker", "office_admin", "secretariat")
