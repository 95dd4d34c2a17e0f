"""Apportionment of whole kroner: exact sums, the quota rule, Sainte-Laguë against the loop and the textbooks."""

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dekomp.allocation.apportionment import METHODS, apportion, equal_weights

PROPERTY = settings(max_examples=200, deadline=None)

keys = st.text(alphabet="abcdefghij", min_size=1, max_size=3)
int_weight = st.one_of(st.integers(0, 1_000), st.sampled_from([0, 1, 2, 3, 10, 100]))
decimal_weight = st.decimals(min_value=0, max_value=1_000, places=2, allow_nan=False, allow_infinity=False)
weight_maps = st.dictionaries(keys, st.one_of(int_weight, decimal_weight), min_size=1, max_size=8).filter(
    lambda weights: any(weights.values())
)
totals = st.one_of(st.integers(0, 1_000), st.integers(0, 10**12))
methods = st.sampled_from(METHODS)


def quota(total, weights, key):
    return Fraction(total) * Fraction(weights[key]) / sum(Fraction(value) for value in weights.values())


def sequential_sainte_lague(total, weights):
    """The textbook loop: each krone to the highest weight / (2 × part + 1), ties to the key sorting first."""
    parts = dict.fromkeys(sorted(weights), 0)
    for _ in range(total):
        best = None
        for key in sorted(weights):
            quotient = Fraction(weights[key]) / (2 * parts[key] + 1)
            if best is None or quotient > best[0]:
                best = (quotient, key)
        parts[best[1]] += 1
    return parts


@PROPERTY
@given(total=totals, weights=weight_maps, method=methods)
def test_parts_add_up_exactly_and_are_never_negative(total, weights, method):
    parts = apportion(total, weights, method)
    assert sum(parts.values()) == total
    assert set(parts) == set(weights)
    assert list(parts) == sorted(weights)
    assert all(isinstance(part, int) and part >= 0 for part in parts.values())


@PROPERTY
@given(total=totals, weights=weight_maps, method=methods)
def test_a_zero_weight_gets_nothing(total, weights, method):
    parts = apportion(total, weights, method)
    assert all(parts[key] == 0 for key, weight in weights.items() if weight == 0)


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_largest_remainder_keeps_the_quota_rule(total, weights):
    parts = apportion(total, weights, "largest_remainder")
    for key, part in parts.items():
        exact = quota(total, weights, key)
        assert floor(exact) <= part <= ceil(exact)
        assert abs(part - exact) < 1


@PROPERTY
@given(total=st.integers(0, 80), weights=weight_maps)
def test_sainte_lague_equals_the_sequential_method(total, weights):
    assert apportion(total, weights, "sainte_lague") == sequential_sainte_lague(total, weights)


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_sainte_lague_stays_close_to_the_quota(total, weights):
    """Webster's method can break the quota rule, but never by a whole part per key more than the number of keys."""
    parts = apportion(total, weights, "sainte_lague")
    for key, part in parts.items():
        assert abs(part - quota(total, weights, key)) < len(weights)


@PROPERTY
@given(total=st.integers(0, 10**9), weights=weight_maps, method=methods)
def test_more_weight_never_gives_less(total, weights, method):
    """Monotone in the weight: a heavier key never gets less than a lighter one (equal weights: the earlier key)."""
    parts = apportion(total, weights, method)
    for a in weights:
        for b in weights:
            if weights[a] > weights[b] or (weights[a] == weights[b] and a < b):
                assert parts[a] >= parts[b]


@PROPERTY
@given(total=st.integers(0, 10**6), weights=weight_maps)
def test_sainte_lague_has_no_alabama_paradox(total, weights):
    smaller = apportion(total, weights, "sainte_lague")
    larger = apportion(total + 1, weights, "sainte_lague")
    assert all(larger[key] >= smaller[key] for key in weights)


@PROPERTY
@given(total=totals, weights=weight_maps, method=methods, factor=st.integers(1, 1_000), data=st.data())
def test_deterministic_whatever_the_order_or_scale_of_the_weights(total, weights, method, factor, data):
    shuffled = dict(data.draw(st.permutations(list(weights.items()))))
    scaled = {key: value * factor for key, value in weights.items()}
    result = apportion(total, weights, method)
    assert apportion(total, weights, method) == result
    assert apportion(total, shuffled, method) == result
    assert apportion(total, scaled, method) == result


def test_sainte_lague_textbook_four_parties():
    """100 000 / 80 000 / 30 000 / 20 000 votes, 8 seats: 3 / 3 / 1 / 1 (D'Hondt would give 4 / 3 / 1 / 0).

    The 7th seat is a tie between A's third quotient (100 000 / 5) and D's first (20 000 / 1); both get a seat.
    """
    weights = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
    assert apportion(8, weights, "sainte_lague") == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_sainte_lague_textbook_six_parties():
    """47 000 / 16 000 / 15 900 / 12 000 / 6 000 / 3 100 votes, 10 seats: 4 / 2 / 2 / 1 / 1 / 0."""
    weights = {"A": 47_000, "B": 16_000, "C": 15_900, "D": 12_000, "E": 6_000, "F": 3_100}
    assert apportion(10, weights, "sainte_lague") == {"A": 4, "B": 2, "C": 2, "D": 1, "E": 1, "F": 0}


def test_largest_remainder_textbook():
    """Hare quota: 47 000 / 16 000 / 15 800 / 12 000 / 6 100 / 3 100 votes, 10 seats: 5 / 2 / 1 / 1 / 1 / 0."""
    weights = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}
    assert apportion(10, weights) == {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}


@pytest.mark.parametrize("method", METHODS)
def test_ties_go_to_the_key_sorting_first(method):
    assert apportion(1, {"b": 1, "a": 1}, method) == {"a": 1, "b": 0}
    assert apportion(5, {"c": 1, "b": 1, "a": 1}, method) == {"a": 2, "b": 2, "c": 1}
    assert apportion(10, equal_weights(["x", "y", "z"]), method) == {"x": 4, "y": 3, "z": 3}


@pytest.mark.parametrize("method", METHODS)
def test_edge_cases(method):
    assert apportion(0, {"a": 3, "b": 0}, method) == {"a": 0, "b": 0}
    assert apportion(0, {"a": 0, "b": 0}, method) == {"a": 0, "b": 0}
    assert apportion(0, {}, method) == {}
    assert apportion(1_234_567, {"only": 7}, method) == {"only": 1_234_567}
    assert apportion(100, {"a": Decimal("0.5"), "b": Decimal("1.5")}, method) == {"a": 25, "b": 75}
    huge = apportion(10**11, {"a": 1, "b": 1, "c": 1}, method)
    assert huge == {"a": 33_333_333_334, "b": 33_333_333_333, "c": 33_333_333_333}
    parts = apportion(10**11 + 7, {"Nord": 3_017, "Sør": 12_345, "Vest": 987, "Øst": 0}, method)
    assert sum(parts.values()) == 10**11 + 7
    assert parts["Øst"] == 0


@pytest.mark.parametrize("method", METHODS)
def test_errors(method):
    with pytest.raises(ValueError, match="every weight is zero"):
        apportion(10, {"a": 0, "b": Decimal(0)}, method)
    with pytest.raises(ValueError, match="no weights"):
        apportion(10, {}, method)
    with pytest.raises(ValueError, match="must not be negative"):
        apportion(10, {"a": -1, "b": 2}, method)
    with pytest.raises(ValueError, match="must not be negative"):
        apportion(-1, {"a": 1}, method)
    with pytest.raises(ValueError, match="whole number"):
        apportion(Decimal("10.5"), {"a": 1}, method)
    with pytest.raises(ValueError, match="finite"):
        apportion(10, {"a": Decimal("NaN")}, method)
    with pytest.raises(TypeError, match="int or a Decimal"):
        apportion(10, {"a": 0.5}, method)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method"):
        apportion(10, {"a": 1}, "dhondt")


def test_equal_weights():
    assert equal_weights(["b", "a"]) == {"b": 1, "a": 1}
    assert equal_weights([]) == {}
    with pytest.raises(ValueError, match="twice"):
        equal_weights(["a", "a"])
