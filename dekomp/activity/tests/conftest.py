"""A recorded trail across two offices: events on a report, a round, a decision, an interest and another office."""

from dataclasses import dataclass

import pytest

from dekomp.accounts.models import OfficeMembership, OfficeRole, User
from dekomp.activity.models import Event
from dekomp.activity.services import record
from dekomp.assessment.models import Interest
from dekomp.decisions.tests.factories import decided
from dekomp.needs.models import NeedsReport, Status
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import Scheme


@dataclass
class Trail:
    """The world's events by name, the decided reports of the world's round, and the other office's report."""

    events: dict[str, Event]
    decisions: list
    other_report: NeedsReport
    other_admin: User


@pytest.fixture
def trail(world) -> Trail:
    caseworker, admin = world.users["caseworker"], world.users["office_admin"]
    decisions = decided(world, 2, round=world.round)
    other_round = open_round(world.other_office, name="Vestlandsrunden")
    other_report = NeedsReport.objects.create(
        round=other_round,
        scheme=Scheme.objects.get(code="dekomp"),
        owner=world.other_owner_org,
        number=7,
        title="Bergen leser",
        status=Status.SUBMITTED,
        created_by=caseworker,
    )
    other_admin = User.objects.create_user(email="admin-b@test.example", password="pw", full_name="Admin B")
    OfficeMembership.objects.create(user=other_admin, office=world.other_office, role=OfficeRole.ADMIN)
    interest = Interest.objects.create(user=caseworker, organisation=world.owner_org)
    events = {
        "checked": record(
            actor=caseworker, verb="checked", target=world.report, changes={"status": ["sendt_inn", "kontrollert"]}
        ),
        "round_status": record(actor=admin, verb="round_status", target=world.round, changes={"status": ["a", "b"]}),
        "decision": record(
            actor=caseworker,
            verb="decision_changed",
            target=decisions[0],
            changes={"outcome": ["innvilget", "delvis"]},
            comment="Ny vurdering",
        ),
        "names_report": record(
            actor=caseworker, verb="ranking_moved", target=world.round, changes={"report": world.report.pk}
        ),
        "system": record(actor=None, verb="expected", target=world.report, changes={"deadline": "2027-09-01"}),
        "interest": record(actor=caseworker, verb="interest_declared", target=interest),
        "elsewhere_by_caseworker": record(actor=caseworker, verb="checked", target=other_report),
        "elsewhere": record(actor=world.users["other_caseworker"], verb="returned", target=other_report),
    }
    return Trail(events=events, decisions=decisions, other_report=other_report, other_admin=other_admin)


def pks(events) -> set[int]:
    return {event.pk for event in events}
