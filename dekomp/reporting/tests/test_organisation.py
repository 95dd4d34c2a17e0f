"""An organisation's page over every round: what each viewer sees of it, and of which offices, in fixed queries."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekomp.decisions.models import Decision, DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.payouts.models import Payout, RecipientKind
from dekomp.payouts.tests.factories import create_batch, give_accounts, paid_batch
from dekomp.reporting.tests.factories import expected_reports

pytestmark = pytest.mark.django_db


@dataclass
class Grants:
    accepted: Decision  # office A, accepted: Fredrikstad's owner lines paid, OsloMet's in a draft batch
    draft: Decision  # office A, not decided yet
    far: Decision  # Vestland's round, letter sent: OsloMet is partner there too


@pytest.fixture
def grants(world) -> Grants:
    made = expected_reports(world)
    give_accounts(world.owner_org, world.co_owner_org, world.partner_org)
    paid_batch(world, year=2027, kind=RecipientKind.OWNER)
    create_batch(world, year=2027, kind=RecipientKind.PARTNER)
    [draft] = decided(world, 1, round=open_round(world.office, name="Utkastrunde"), status=DecisionStatus.DRAFT)
    [far] = decided(world, 1, round=open_round(world.other_office, name="Vestlandsrunde"), status=DecisionStatus.SENT)
    return Grants(made["decisions"][0], draft, far)


def page(world, persona: str, organisation):
    client = Client()
    client.force_login(world.users[persona])
    return client.get(reverse("reporting:organisation", args=[organisation.pk]))


def shown(response) -> dict[str, list]:
    history = response.context["history"]
    return {
        "rounds": sorted({report.round.name for report in history.reports}),
        "decisions": [decision.pk for decision in history.decisions],
        "payouts": [(payout.line.decision_id, payout.batch.status) for payout in history.payouts],
        "reports": sorted((r.line.decision_id, r.budget_year) for r in history.recipient_reports),
    }


def test_office_staff_see_their_own_offices_rounds_with_drafts(world, grants):
    response = page(world, "caseworker", world.partner_org)
    assert response.status_code == 200
    seen = shown(response)
    assert seen["rounds"] == sorted([world.round.name, "Rapporteringsrunde", "Utkastrunde"])  # not Vestland's
    assert set(seen["decisions"]) == {grants.accepted.pk, grants.draft.pk}  # the draft too; not Vestland's
    assert seen["payouts"] == [(grants.accepted.pk, "utkast")]
    assert seen["reports"] == [(grants.accepted.pk, 2027), (grants.accepted.pk, 2028)]
    history = response.context["history"]
    # OsloMet asked for 50 000 a year in each checked report and 0 kr of its own is paid yet.
    assert history.paid == 0
    assert history.granted_own == 100_000  # the accepted decision binds; the draft does not
    body = response.content.decode()
    assert "Du ser bare rundene til ditt eget embete." in body
    assert reverse("decisions:detail", args=[grants.accepted.pk]) in body


def test_the_organisations_own_people_see_every_office_but_no_drafts(world, grants):
    seen = shown(page(world, "partner", world.partner_org))
    assert "Vestlandsrunde" in seen["rounds"]
    assert set(seen["decisions"]) == {grants.accepted.pk, grants.far.pk}  # the draft is the office's own business
    assert seen["payouts"] == []  # the partner batch is a draft, not sent to the finance system
    owner = page(world, "owner", world.owner_org)
    assert [(d, status) for d, status in shown(owner)["payouts"]] == [(grants.accepted.pk, "utbetalt")]
    assert owner.context["history"].paid == Payout.objects.get(recipient=world.owner_org).amount


def test_another_office_sees_only_its_own_money(world, grants):
    response = page(world, "other_caseworker", world.partner_org)
    assert response.status_code == 200  # Vestland's round names OsloMet as partner
    seen = shown(response)
    assert seen["rounds"] == ["Vestlandsrunde"]
    assert seen["decisions"] == [grants.far.pk]
    assert seen["payouts"] == [] and seen["reports"] == []
    # An organisation Vestland neither covers nor has a case with stays closed.
    assert page(world, "other_caseworker", world.union_org).status_code == 403


@pytest.mark.parametrize("persona", ["co_owner", "national_reader", "wg_member", "outsider"])
def test_others_are_refused(world, grants, persona):
    assert page(world, persona, world.partner_org).status_code == 403


def test_anonymous_goes_to_the_login(world, client):
    response = client.get(reverse("reporting:organisation", args=[world.owner_org.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_page_runs_a_fixed_number_of_queries(world, grants):
    clients = {}
    for persona in ("caseworker", "partner"):
        clients[persona] = Client()
        clients[persona].force_login(world.users[persona])
    url = reverse("reporting:organisation", args=[world.partner_org.pk])

    def count(persona: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert clients[persona].get(url).status_code == 200
        return len(context)

    before = {persona: count(persona) for persona in clients}
    decided(world, 3, round=open_round(world.office, name="Flere"), status=DecisionStatus.ACCEPTED)
    expected_reports(world, 2, name="Enda flere")
    after = {persona: count(persona) for persona in clients}
    assert after == before
    assert before["caseworker"] <= 16, before


def test_the_organisation_page_links_here_for_those_who_follow_it(world):
    detail = reverse("organisations:detail", args=[world.owner_org.pk])
    history = reverse("reporting:organisation", args=[world.owner_org.pk])
    for persona, has_link in (("caseworker", True), ("owner", True), ("national_reader", False)):
        client = Client()
        client.force_login(world.users[persona])
        body = client.get(detail).content.decode()
        assert (history in body) is has_link, persona
