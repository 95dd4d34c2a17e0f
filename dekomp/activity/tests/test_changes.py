"""Field-level changes: JSON-safe values, snapshots of model fields, and the diff between two snapshots."""

import json
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dekomp.activity.changes import diff, json_value, snapshot

OSLO = ZoneInfo("Europe/Oslo")


def test_json_value_makes_domain_values_plain():
    assert json_value(Decimal("150000.00")) == "150000"
    assert json_value(Decimal("1.50")) == "1.5"
    assert json_value(Decimal("0.00")) == "0"
    assert json_value(date(2027, 3, 1)) == "2027-03-01"
    assert json_value(datetime(2027, 3, 1, 9, 30, tzinfo=OSLO)) == "2027-03-01T09:30:00+01:00"
    assert json_value(time(9, 30)) == "09:30:00"
    assert json_value(UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert json_value({"a": (1, Decimal("2.0")), "b": {3}}) == {"a": [1, "2"], "b": [3]}
    assert json_value(float("nan")) == "nan"


@pytest.mark.django_db
def test_snapshot_reads_fields_foreign_keys_and_many_to_many(world):
    report = world.report
    data = snapshot(report, ["title", "round", "years", "submitted_at", "units"])
    assert data == {
        "title": "Lesing i alle fag",
        "round": world.round.pk,
        "years": 1,
        "submitted_at": report.submitted_at.isoformat(),
        "units": [],
    }
    json.dumps(data)


@pytest.mark.django_db
def test_snapshot_then_diff_gives_the_changed_fields_only(world):
    round = world.round
    before = snapshot(round, ["name", "status", "office", "first_budget_year"])
    round.name, round.first_budget_year = "Ny runde", round.first_budget_year + 1
    after = snapshot(round, ["name", "status", "office", "first_budget_year"])
    assert diff(before, after) == {
        "name": [before["name"], "Ny runde"],
        "first_budget_year": [before["first_budget_year"], before["first_budget_year"] + 1],
    }


def test_diff_compares_values_as_json():
    assert diff({"amount": Decimal("1.50")}, {"amount": Decimal("1.5")}) == {}
    assert diff({"flag": 1}, {"flag": True}) == {"flag": [1, True]}
    assert diff({"gone": "x"}, {}) == {"gone": ["x", None]}
    assert diff({}, {"new": date(2027, 1, 1)}) == {"new": [None, "2027-01-01"]}
    assert list(diff({"b": 1, "z": 1}, {"a": 1, "b": 2})) == ["a", "b", "z"]


# Values a snapshot can hold: JSON scalars, Decimals and dates, and lists and dicts of them.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
snapshots = st.dictionaries(st.text(max_size=8), values, max_size=6)


@given(snapshots, snapshots)
def test_diff_lists_exactly_the_fields_that_differ(before, after):
    changes = diff(before, after)
    json.dumps(changes, allow_nan=False)  # always storable as JSON
    for key in {*before, *after}:
        old, new = json_value(before.get(key)), json_value(after.get(key))
        if key in changes:
            assert changes[key] == [old, new]
            assert json.dumps(old, sort_keys=True) != json.dumps(new, sort_keys=True)
        else:
            assert json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    assert set(changes) <= {*before, *after}


@given(snapshots)
def test_nothing_changed_between_a_snapshot_and_itself(data):
    assert diff(data, data) == {}


@given(snapshots, snapshots)
def test_applying_the_diff_to_before_gives_after(before, after):
    changes = diff(before, after)
    result = {key: json_value(value) for key, value in before.items()}
    for key, (_old, new) in changes.items():
        result[key] = new
    expected = {key: json_value(value) for key, value in after.items()}
    # A field missing on one side counts as None.
    for key in {*result, *expected}:
        assert json.dumps(result.get(key), sort_keys=True) == json.dumps(expected.get(key), sort_keys=True)
