"""Which events each log gathers, how they are shown, and a fixed number of queries however many there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dekomp.activity import selectors
from dekomp.activity.services import record

from .conftest import pks

pytestmark = pytest.mark.django_db


def _ids(trail, *names: str) -> set[int]:
    return {trail.events[name].pk for name in names}


def test_report_log_has_the_report_and_events_naming_it(world, trail):
    events = selectors.report_events(report_id=world.report.pk)
    assert pks(events) == _ids(trail, "checked", "names_report", "system")


def test_report_log_has_the_decision_on_the_report(trail):
    decided_report = trail.decisions[0].report
    assert pks(selectors.report_events(report_id=decided_report.pk)) == _ids(trail, "decision")
    assert pks(selectors.report_events(report_id=trail.decisions[1].report_id)) == set()


def test_round_log_has_the_round_its_reports_and_what_hangs_off_them_never_another_office(world, trail):
    events = selectors.round_events(round_id=world.round.pk)
    assert pks(events) == _ids(trail, "checked", "round_status", "decision", "names_report", "system")
    assert list(events) == sorted(events, key=lambda e: (e.at, e.pk), reverse=True)  # newest first


def test_round_log_filters_by_verb_and_actor(world, trail):
    by_verb = selectors.round_events(round_id=world.round.pk, verb="checked")
    assert pks(by_verb) == _ids(trail, "checked")
    by_actor = selectors.round_events(round_id=world.round.pk, actor_id=world.users["office_admin"].pk)
    assert pks(by_actor) == _ids(trail, "round_status")
    everything = selectors.round_events(round_id=world.round.pk)
    assert [code for code, _label in selectors.verbs_in(everything)] == [
        "round_status",  # endret rundens status
        "decision_changed",  # endret vedtaket
        "ranking_moved",  # flyttet en behovsmelding i rangeringen
        "checked",  # godkjente formell kontroll
        "expected",  # rapport forventet
    ]
    assert {user.pk for user in selectors.actors_in(everything)} == {
        world.users["caseworker"].pk,
        world.users["office_admin"].pk,
    }


def test_user_log_has_their_actions_at_the_offices_only(world, trail):
    events = selectors.user_events(user=world.users["caseworker"], office_ids=[world.office.pk])
    assert pks(events) == _ids(trail, "checked", "decision", "names_report")
    elsewhere = selectors.user_events(user=world.users["caseworker"], office_ids=[world.other_office.pk])
    assert pks(elsewhere) == _ids(trail, "elsewhere_by_caseworker")


def test_user_in_offices_by_role_or_by_action(world, trail):
    office = {world.office.pk}
    assert selectors.user_in_offices(subject=world.users["caseworker"], office_ids=office)
    assert selectors.user_in_offices(subject=world.users["owner"], office_ids=office)  # Fredrikstad is in Østfold
    assert selectors.user_in_offices(subject=world.users["wg_member"], office_ids=office)
    assert not selectors.user_in_offices(subject=world.users["other_caseworker"], office_ids=office)
    assert not selectors.user_in_offices(subject=world.users["outsider"], office_ids=office)
    # The caseworker has no role at office B but acted on its report.
    assert selectors.user_in_offices(subject=world.users["caseworker"], office_ids={world.other_office.pk})


def test_rows_name_the_targets_and_split_the_changes(world, trail):
    rows = {row.event.pk: row for row in selectors.rows(selectors.round_events(round_id=world.round.pk))}
    checked = rows[trail.events["checked"].pk]
    assert checked.verb == "godkjente formell kontroll"
    assert checked.target_kind == "Behovsmelding"
    assert checked.target_name == str(world.report)
    assert checked.target_url == f"/logg/behovsmelding/{world.report.pk}/"
    [change] = checked.changes
    # The status codes (sendt_inn, kontrollert) are shown by their labels.
    assert (change.field, change.label, change.old_text, change.new_text, change.is_pair) == (
        "status",
        "Status",
        "sendt inn",
        "formelt kontrollert",
        True,
    )
    decision = rows[trail.events["decision"].pk]
    assert decision.target_name == str(trail.decisions[0])
    assert decision.target_url == ""
    names = rows[trail.events["names_report"].pk]
    assert names.target_url == f"/logg/runde/{world.round.pk}/"
    assert [(c.label, c.is_pair, c.new_text) for c in names.changes] == [("Behovsmelding", False, str(world.report.pk))]
    assert rows[trail.events["system"].pk].event.actor is None


def test_an_unknown_verb_shows_as_its_code(world):
    event = record(actor=None, verb="something_new", target=world.round, changes={"list": [1, 2, 3], "none": None})
    [row] = selectors.rows([event])
    assert row.verb == "something_new"
    assert [(c.old_text, c.new_text, c.is_pair) for c in row.changes] == [("–", "1, 2, 3", False), ("–", "–", False)]


def test_numbers_codes_and_keys_read_as_words(world):
    """Amounts grouped (years and account numbers left alone), coded values and keys by their labels."""
    event = record(
        actor=None,
        verb="allocation_proposed",
        target=world.round,
        changes={"total": "6499000.00", "source_year": 2025, "mode": "rank_order", "kind": "ansatte", "x": 15000002108},
    )
    [row] = selectors.rows([event])
    assert [(c.label, c.new_text) for c in row.changes] == [
        ("Sum", "6\u00a0499\u00a0000"),
        ("År for tallene", "2025"),
        ("Beregningsmåte", "I rangert rekkefølge"),
        ("Fordelingsnøkkel", "etter antall ansatte"),
        ("x", "15000002108"),
    ]


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_a_page_of_the_round_log_takes_the_same_queries_for_few_or_many_events(world, trail):
    def page():
        selectors.page_of(selectors.round_events(round_id=world.round.pk), 1)

    few = _queries(page)
    for decision in trail.decisions:
        for _ in range(10):
            record(actor=world.users["caseworker"], verb="decision_changed", target=decision)
    for _ in range(20):
        record(actor=world.users["owner"], verb="saved_basics", target=world.report)
    assert _queries(page) == few
    # count, the page (with actors and target types), and one per kind of target named (reports and decisions;
    # rounds are named too)
    assert few <= 5
