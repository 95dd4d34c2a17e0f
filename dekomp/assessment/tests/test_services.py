"""Ranking services: order, amounts, recusal, submission and reopening; bad input refused, nothing half-saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dekomp.accounts.models import BodyRole, WorkingGroupMembership
from dekomp.assessment import services
from dekomp.assessment.models import RankingStatus
from dekomp.assessment.selectors import recusals, reports_for_working_group
from dekomp.assessment.tests.factories import checked_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world):
    round, reports = checked_reports(world)
    ranking = services.ranking_sync(round=round, working_group=world.working_group)
    WorkingGroupMembership.objects.filter(user=world.users["wg_member"]).update(role=BodyRole.LEADER)
    return ranking, reports


def order_of(ranking):
    return list(ranking.entries.order_by("position").values_list("report_id", flat=True))


def test_sync_puts_every_checked_report_in_the_ranking_once(world, board):
    ranking, reports = board
    assert order_of(ranking) == [r.pk for r in reports]
    entry = ranking.entries.get(report=reports[0])
    assert [(a.budget_year, a.recommended, a.minimum) for a in entry.amounts.all()] == [
        (2027, Decimal(150_000), Decimal(150_000)),
        (2028, Decimal(150_000), Decimal(150_000)),
    ]
    again = services.ranking_sync(round=ranking.round, working_group=world.working_group)
    assert again.version == ranking.version and order_of(again) == order_of(ranking)


def test_move_by_keyboard_or_drag(world, board):
    ranking, reports = board
    member = world.users["wg_member"]
    # The member speaks for Sarpsborg (reports 1 and 3): Fredrikstad's report 2 is theirs to move.
    ranking = services.ranking_move(
        by=member, ranking=ranking, report=reports[2], position=1, expected_version=ranking.version
    )
    assert order_of(ranking) == [reports[2].pk, reports[0].pk, reports[1].pk, reports[3].pk]
    with pytest.raises(ValidationError, match="Velg en plass fra 1 til 4"):
        services.ranking_move(
            by=member, ranking=ranking, report=reports[0], position=9, expected_version=ranking.version
        )


@pytest.mark.parametrize("kind", ["missing", "twice", "unknown"])
def test_order_with_a_report_missing_or_twice_is_refused(world, board, kind):
    ranking, reports = board
    before = order_of(ranking)
    order = [r.pk for r in reports]
    if kind == "missing":
        order = order[:-1]
    elif kind == "twice":
        order = [order[0], *order[:-1]]
    else:
        order = [*order[:-1], 999_999]
    with pytest.raises(ValidationError) as caught:
        services.ranking_save_order(
            by=world.users["wg_member"], ranking=ranking, order=order, expected_version=ranking.version
        )
    expected = {"missing": "mangler i rekkefølgen", "twice": "står der to ganger", "unknown": "ikke hører til"}[kind]
    assert any(expected in message for message in caught.value.messages)
    assert order_of(ranking) == before


def test_recused_member_cannot_move_assess_or_comment(world, board):
    ranking, reports = board
    recused = world.users["recused_member"]  # represents Fredrikstad, the owner of reports 0 and 2
    reasons = recusals(reports=reports, users=[recused])
    assert set(reasons) == {(recused.pk, reports[0].pk), (recused.pk, reports[2].pk)}
    with pytest.raises(PermissionDenied):
        services.ranking_move(
            by=recused, ranking=ranking, report=reports[0], position=4, expected_version=ranking.version
        )
    with pytest.raises(PermissionDenied):
        services.ranking_entry_save(
            by=recused, ranking=ranking, report=reports[2], comment="x", amounts={}, expected_version=ranking.version
        )
    with pytest.raises(PermissionDenied):
        services.member_comment_add(by=recused, working_group=world.working_group, report=reports[0], text="x")
    # A whole order that reorders the reports they are recused from is refused too; moving others past them is not.
    services.ranking_save_order(
        by=recused,
        ranking=ranking,
        expected_version=ranking.version,
        order=[reports[1].pk, reports[0].pk, reports[2].pk, reports[3].pk],
    )
    ranking.refresh_from_db()
    order = [reports[2].pk, reports[1].pk, reports[0].pk, reports[3].pk]  # swaps the two they are recused from
    with pytest.raises(PermissionDenied):
        services.ranking_save_order(by=recused, ranking=ranking, order=order, expected_version=ranking.version)
    # Reports of others are theirs to move.
    services.ranking_move(by=recused, ranking=ranking, report=reports[3], position=4, expected_version=ranking.version)


def test_declared_interest_and_recusal(world, board):
    _ranking, reports = board
    member = world.users["wg_member"]
    # Automatically recused from Sarpsborg's reports only (the organisation the member speaks for).
    assert {key[1] for key in recusals(reports=reports, users=[member])} == {reports[1].pk, reports[3].pk}
    services.recusal_declare(by=member, report=reports[0], reason="Min søster er rektor")
    with pytest.raises(PermissionDenied):
        services.member_comment_add(by=member, working_group=world.working_group, report=reports[0], text="x")


@pytest.mark.parametrize(
    ("recommended", "minimum", "field", "message"),
    [
        (Decimal(999_999), Decimal(0), "recommended_2027", "kan ikke være høyere enn det som er søkt om"),
        (Decimal(-1), Decimal(0), "recommended_2027", "kan ikke være negativt"),
        (Decimal(100_000), Decimal(120_000), "minimum_2027", "Minste beløp kan ikke være høyere"),
    ],
)
def test_bad_amounts_are_refused(world, board, recommended, minimum, field, message):
    ranking, reports = board
    report = reports[1]  # Sarpsborg's: the wg member represents Sarpsborg, so use the recused-free member
    by = world.users["recused_member"]
    with pytest.raises(ValidationError) as caught:
        services.ranking_entry_save(
            by=by,
            ranking=ranking,
            report=report,
            comment="ok",
            amounts={2027: (recommended, minimum)},
            expected_version=ranking.version,
        )
    assert message in caught.value.message_dict[field][0]
    entry = ranking.entries.get(report=report)
    assert entry.comment == "" and entry.amounts.get(budget_year=2027).recommended == Decimal(250_000)


def test_leader_submits_then_it_is_locked_until_the_office_reopens(world, board):
    ranking, reports = board
    with pytest.raises(PermissionDenied):
        services.ranking_submit(by=world.users["recused_member"], ranking=ranking)
    ranking = services.ranking_submit(by=world.users["wg_member"], ranking=ranking)
    assert ranking.status == RankingStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.ranking_move(
            by=world.users["wg_member"],
            ranking=ranking,
            report=reports[1],
            position=1,
            expected_version=ranking.version,
        )
    with pytest.raises(ValidationError, match="Skriv hvorfor"):
        services.ranking_reopen(by=world.users["caseworker"], ranking=ranking, reason="")
    with pytest.raises(PermissionDenied):
        services.ranking_reopen(by=world.users["other_caseworker"], ranking=ranking, reason="x")
    ranking = services.ranking_reopen(by=world.users["caseworker"], ranking=ranking, reason="Ny behovsmelding kom inn")
    assert ranking.status == RankingStatus.DRAFT


def test_stale_version_is_refused(world, board):
    ranking, reports = board
    old = ranking.version
    services.ranking_move(
        by=world.users["wg_member"], ranking=ranking, report=reports[0], position=2, expected_version=old
    )
    with pytest.raises(services.StaleRankingError):
        services.ranking_move(
            by=world.users["wg_member"], ranking=ranking, report=reports[2], position=1, expected_version=old
        )


def test_reassign_moves_a_report_to_another_group(world, board):
    from dekomp.organisations.models import Region, WorkingGroup

    ranking, reports = board
    other_region = Region.objects.create(office=world.office, name="Buskerud")
    other_group = WorkingGroup.objects.create(region=other_region, name="Arbeidsgruppe Buskerud")
    with pytest.raises(ValidationError, match="Skriv hvorfor"):
        services.report_reassign(by=world.users["caseworker"], report=reports[0], working_group=other_group, reason="")
    with pytest.raises(PermissionDenied):
        services.report_reassign(by=world.users["wg_member"], report=reports[0], working_group=other_group, reason="x")
    services.report_reassign(
        by=world.users["caseworker"], report=reports[0], working_group=other_group, reason="Tematisk nærmere"
    )
    assert reports[0] in reports_for_working_group(round=ranking.round, working_group=other_group)
    assert reports[0] not in reports_for_working_group(round=ranking.round, working_group=world.working_group)
    ranking = services.ranking_sync(round=ranking.round, working_group=world.working_group)
    assert reports[0].pk not in order_of(ranking) and len(order_of(ranking)) == 3
