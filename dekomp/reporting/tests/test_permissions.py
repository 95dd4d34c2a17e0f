"""Reporting permission predicates, persona by persona."""

import pytest

from dekomp.reporting.permissions import (
    can_follow_up_report,
    can_follow_up_round,
    can_view_recipient_report,
    can_write_report,
)
from tests.personas import PERSONA_NAMES

pytestmark = pytest.mark.django_db

OFFICE = {"caseworker", "office_admin", "secretariat"}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_predicates(world, expected, persona):
    user = world.users[persona]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    partner_report, owner_report = expected[("partner", 2027)], expected[("owner", 2027)]
    assert can_follow_up_round(user, expected["round"]) == (persona in OFFICE)
    assert can_follow_up_report(user, partner_report) == (persona in OFFICE)
    assert can_write_report(user, owner_report) == (persona == "owner")
    assert can_write_report(user, partner_report) == (persona == "partner")
    # The partner's report is read by OsloMet, by the needs report's owner (Fredrikstad) and by the office.
    assert can_view_recipient_report(user, partner_report) == (persona in OFFICE | {"owner", "partner"})
    assert can_view_recipient_report(user, owner_report) == (persona in OFFICE | {"owner"})
