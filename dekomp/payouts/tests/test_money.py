"""The one source of money (``schemes.commitments.money_for_office``): which frame counts for a budget year, the
split of what is committed between rounds, the checks that read it, and pages that read it in fixed queries."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dekomp.decisions import services as decision_services
from dekomp.decisions.models import DecisionStatus
from dekomp.decisions.tests.factories import decided
from dekomp.decisions.tests.test_deciding import prepared
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.commitments import committed_by_other_rounds, money_for_office
from dekomp.schemes.models import Frame, Round, Scheme

pytestmark = pytest.mark.django_db


def _starting(world, year: int, name: str) -> Round:
    """An open round whose first budget year is ``year``, with no frames yet."""
    round = open_round(world.office, name=name)
    round.year = round.first_budget_year = year
    round.save()
    Frame.objects.filter(round=round).delete()
    return round


def _frame(round: Round, year: int, amount: int) -> None:
    Frame.objects.update_or_create(
        round=round, scheme=Scheme.objects.get(code="dekomp"), budget_year=year, defaults={"amount": Decimal(amount)}
    )


def test_the_frame_of_the_round_starting_the_year_counts_else_the_latest_planning_frame(world):
    dekomp = Scheme.objects.get(code="dekomp")
    first = _starting(world, 2030, "Runde 2030")
    for year, amount in ((2030, 10_000_000), (2031, 7_000_000), (2032, 6_000_000)):
        _frame(first, year, amount)
    money = money_for_office(world.office)
    # Before the 2031 round exists, the 2030 round's planning frames count.
    assert (money.get(dekomp, 2031).frame, money.get(dekomp, 2031).frame_round_id) == (7_000_000, first.pk)
    second = _starting(world, 2031, "Runde 2031")
    _frame(second, 2031, 9_000_000)
    money = money_for_office(world.office)
    assert (money.get(dekomp, 2030).frame, money.get(dekomp, 2030).frame_round_id) == (10_000_000, first.pk)
    assert (money.get(dekomp, 2031).frame, money.get(dekomp, 2031).frame_round_id) == (9_000_000, second.pk)
    # 2032: the 2031 round sets no frame for it, so the 2030 round's planning frame still counts; then the later
    # round's planning frame replaces it.
    assert money.get(dekomp, 2032).frame == 6_000_000
    _frame(second, 2032, 5_000_000)
    assert money_for_office(world.office).get(dekomp, 2032).frame == 5_000_000
    # Two rounds starting the same year: the newer one states the year's frame.
    third = _starting(world, 2031, "Tilleggsrunde 2031")
    _frame(third, 2031, 12_000_000)
    cell = money_for_office(world.office).get(dekomp, 2031)
    assert (cell.frame, cell.frame_round_id) == (12_000_000, third.pk)
    # A year no round sets a frame for has none (and shows as such).
    assert not money_for_office(world.office).get(dekomp, 2040).has_frame


def test_committed_is_split_by_round_and_free_is_the_same_for_every_round(world, django_assert_num_queries):
    dekomp = Scheme.objects.get(code="dekomp")
    first = open_round(world.office, name="Runde 2027")
    decided(world, 2, round=first, status=DecisionStatus.ACCEPTED)  # binds 400 000 in 2027 and in 2028
    later = _starting(world, 2028, "Runde 2028")
    _frame(later, 2028, 1_000_000)
    decided(world, 1, round=later, status=DecisionStatus.DECIDED)  # binds 150 000 in 2028 and in 2029
    with django_assert_num_queries(3):
        money = money_for_office(world.office)
    cell = money.get(dekomp, 2028)
    assert cell.frame == 1_000_000 and cell.frame_round_id == later.pk
    assert (cell.committed, cell.committed_in(first), cell.committed_in(later)) == (550_000, 400_000, 150_000)
    assert cell.committed_earlier == 400_000 and cell.committed_this_year == 150_000
    assert cell.committed_by_others(later) == 400_000 and cell.committed_by_others(first) == 150_000
    assert cell.available_to(later) == 600_000 and cell.available_to(first) == 850_000
    assert cell.free == 450_000  # one figure, whichever round's page asks
    assert committed_by_other_rounds(round=later, scheme=dekomp) == {2028: 400_000, 2029: 0, 2030: 0}


def test_deciding_checks_the_frame_that_counts_not_the_rounds_planning_frame(world):
    _round, _reports, batch = prepared(world, 2)  # grants in 2027 and 2028
    later = _starting(world, 2028, "Runde 2028")
    _frame(later, 2028, 100_000)  # this round's planning frame for 2028 is 10 000 000; the 2028 round set less
    with pytest.raises(ValidationError) as caught:
        decision_services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert [error.code for error in caught.value.error_list] == ["over_frame"]
    assert "2028" in caught.value.messages[0]
    assert set(batch.decisions.values_list("status", flat=True)) == {DecisionStatus.DRAFT}
    _frame(later, 2028, 10_000_000)
    decision_services.decisions_decide(by=world.users["caseworker"], batch=batch, token=uuid.uuid4())
    assert set(batch.decisions.values_list("status", flat=True)) == {DecisionStatus.DECIDED}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert 'data-money="frame"' in response.content.decode()
    return len(context)


@pytest.mark.parametrize("page", ["round_detail", "envelopes"])
def test_the_round_pages_read_the_money_in_a_fixed_number_of_queries(world, page):
    round = open_round(world.office, name="Runde")
    dekomp = Scheme.objects.get(code="dekomp")
    url = (
        reverse("schemes:round_detail", args=[round.pk])
        if page == "round_detail"
        else reverse("allocation:envelopes", args=[round.pk, dekomp.pk])
    )
    later = _starting(world, 2028, "Runde 2028")
    _frame(later, 2028, 5_000_000)  # another round's frame counts for one of the round's years
    client = Client()
    client.force_login(world.users["caseworker"])
    _queries(client, url)  # warm the session and content-type caches
    few = _queries(client, url)
    for index in range(3):
        decided(world, 2, round=open_round(world.office, name=f"Annen runde {index}"), status=DecisionStatus.ACCEPTED)
    decided(world, 1, round=later, status=DecisionStatus.ACCEPTED)
    assert _queries(client, url) == few
