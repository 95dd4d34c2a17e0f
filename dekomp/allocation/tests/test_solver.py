"""The allocation solver: properties on random problems, a naive reference implementation, errors and examples."""

import re
import time
from collections import defaultdict, deque
from fractions import Fraction
from itertools import pairwise
from math import floor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dekomp.allocation.solver import (
    SOLVER_VERSION,
    Item,
    Mode,
    Problem,
    ProblemError,
    Reason,
    Status,
    solve,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST = 2026
REGION_NAMES = ["Nord", "Sør", "Vest", "Øst"]
NBSP = "\u00a0"

# --- random problems ---------------------------------------------------------------------------------------------

# Small amounts, often round ones, so that exact fits, ties and empty envelopes are common.
amounts = st.one_of(st.integers(0, 60), st.sampled_from([0, 10, 20, 30, 40]))


@st.composite
def splits(draw, total, parts):
    """``total`` cut into ``parts`` non-negative whole numbers."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, total]
    return [b - a for a, b in pairwise(edges)]


@st.composite
def problems(draw, modes=tuple(Mode), max_items=8, all_or_nothing=False, competing=False):
    """Random problems; ``competing``: 2–3 regions whose items all ask for later years, so that the regions compete
    for the later years' free frame and the processing order across regions matters."""
    years = tuple(range(FIRST, FIRST + draw(st.integers(2 if competing else 1, 3))))
    regions = draw(st.lists(st.sampled_from(REGION_NAMES), min_size=2 if competing else 1, max_size=3, unique=True))
    committed = {year: draw(st.integers(0, 50)) for year in years}
    free = {
        year: draw(st.one_of(st.integers(0, 300), st.sampled_from([0, 30, 60, 100, 150, 200, 300]))) for year in years
    }
    frames = {year: committed[year] + free[year] for year in years}
    # Usually the whole free first-year frame is shared out, sometimes only part of it.
    shared = draw(st.one_of(st.just(free[FIRST]), st.integers(0, free[FIRST])))
    envelopes = dict(zip(regions, draw(splits(shared, len(regions))), strict=True))

    count = draw(st.integers(0, max_items))
    drafts = []
    for index in range(count):
        item_years = years[: draw(st.integers(2 if competing else 1, len(years)))]
        requested = {year: draw(amounts) for year in item_years}
        if competing:
            requested[FIRST + 1] = draw(st.integers(1, 60))
        if not any(requested.values()):
            requested[FIRST] = draw(st.integers(1, 60))
        minimum = None
        if not all_or_nothing and draw(st.booleans()):
            minimum = {year: draw(st.integers(0, amount)) for year, amount in requested.items()}
        recipients = None
        if draw(st.booleans()):
            names = [f"r{n}" for n in range(draw(st.integers(1, 3)))]
            recipients = {name: {} for name in names}
            for year, amount in requested.items():
                for name, part in zip(names, draw(splits(amount, len(names))), strict=True):
                    recipients[name][year] = part
        drafts.append((f"i{index}", draw(st.sampled_from(regions)), requested, minimum, recipients))

    per_region = defaultdict(int)
    for _, region, *_ in drafts:
        per_region[region] += 1
    ranks = {
        region: iter(draw(st.lists(st.integers(1, 30), min_size=n, max_size=n, unique=True)))
        for region, n in per_region.items()
    }
    items = tuple(
        Item(id=id, region=region, rank=next(ranks[region]), requested=req, minimum=mn, recipients=rec)
        for id, region, req, mn, rec in drafts
    )
    return Problem(
        years=years,
        frames=frames,
        committed=committed,
        envelopes=envelopes,
        items=items,
        mode=draw(st.sampled_from(modes)),
    )


def with_mode(problem, mode):
    return Problem(
        years=problem.years,
        frames=problem.frames,
        committed=problem.committed,
        envelopes=problem.envelopes,
        items=problem.items,
        mode=mode,
    )


# --- helpers written from the documented rules, independently of the solver --------------------------------------


def documented_order(problem):
    """Items by their position in their region's ranking, then region name, then id."""
    keyed = []
    for region in set(item.region for item in problem.items):
        ranked = sorted((item for item in problem.items if item.region == region), key=lambda item: item.rank)
        keyed.extend(((position, region, item.id), item) for position, item in enumerate(ranked))
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


def free_frame(problem):
    return {year: problem.frames[year] - problem.committed.get(year, 0) for year in problem.years}


def minimum_of(item):
    return dict(item.requested if item.minimum is None else item.minimum)


def largest_fit(requested, minimum, cap, already=Fraction(0)):
    """The documented grant rule with fractions: full, else floor(request × f) with the largest f, else None."""
    if all(amount <= cap[year] for year, amount in requested.items()):
        return dict(requested), Fraction(1)
    factor = min(Fraction(cap[year], amount) for year, amount in requested.items() if amount > 0)
    if factor <= already:
        return None
    grant = {year: floor(amount * factor) for year, amount in requested.items()}
    if sum(grant.values()) > 0 and all(grant[year] >= minimum[year] for year in requested):
        return grant, factor
    return None


def reference_rank_order(problem):
    """Mode 1 by recursion over the items, recomputing every room from scratch from the grants made so far."""
    years = problem.years
    free = free_frame(problem)
    region_of = {item.id: item.region for item in problem.items}

    def room_for(item, granted):
        same_region = [grant for id, grant in granted if region_of[id] == item.region]
        room = {FIRST: problem.envelopes[item.region] - sum(grant[FIRST] for grant in same_region)}
        for year in years[1:]:
            room[year] = free[year] - sum(grant.get(year, 0) for _, grant in granted)
        return room

    def go(remaining, granted):
        if not remaining:
            return granted
        item, *rest = remaining
        room = room_for(item, granted)
        fits = all(amount <= room[year] for year, amount in item.requested.items())
        grant = dict(item.requested) if fits else dict.fromkeys(item.requested, 0)
        return go(rest, [*granted, (item.id, grant)])

    return dict(go(documented_order(problem), []))


def reference_with_partials(problem, *, pool):
    """Modes 2 and 3 as plain loops with fractions and an explicit round-robin over per-region queues."""
    years = problem.years
    frame_left = free_frame(problem)
    envelope_left = dict(problem.envelopes)
    grants, factors = {}, {}
    for item in documented_order(problem):
        cap = {year: frame_left[year] for year in years}
        cap[FIRST] = envelope_left[item.region]
        fit = largest_fit(item.requested, minimum_of(item), cap)
        grants[item.id], factors[item.id] = fit if fit else (dict.fromkeys(item.requested, 0), Fraction(0))
        envelope_left[item.region] -= grants[item.id][FIRST]
        for year, amount in grants[item.id].items():
            frame_left[year] -= amount
    if pool:
        pool_left = sum(envelope_left.values())
        queues = {
            region: deque(
                item
                for item in sorted(problem.items, key=lambda item: item.rank)
                if item.region == region and factors[item.id] < 1
            )
            for region in problem.envelopes
        }
        while any(queues.values()):
            for region in sorted(queues):
                if not queues[region]:
                    continue
                item = queues[region].popleft()
                have = grants[item.id]
                cap = {year: have.get(year, 0) + frame_left[year] for year in years}
                cap[FIRST] = have[FIRST] + pool_left
                fit = largest_fit(item.requested, minimum_of(item), cap, already=factors[item.id])
                if fit:
                    new, factors[item.id] = fit
                    pool_left -= new[FIRST] - have[FIRST]
                    for year in new:
                        frame_left[year] -= new[year] - have[year]
                    grants[item.id] = new
    return grants


def check_accounts(problem, proposal):
    """Parts add up: recipients, region totals, what is left, statuses."""
    years = problem.years
    free = free_frame(problem)
    items = {item.id: item for item in problem.items}
    assert proposal.version == SOLVER_VERSION
    assert sorted(a.id for a in proposal.allocations) == sorted(items)
    assert [(a.region, a.rank) for a in proposal.allocations] == sorted(
        (a.region, a.rank) for a in proposal.allocations
    )
    totals = {region: dict.fromkeys(years, 0) for region in problem.envelopes}
    for a in proposal.allocations:
        item = items[a.id]
        assert set(a.granted) == set(item.requested)
        for year, amount in a.granted.items():
            totals[a.region][year] += amount
        if item.recipients:
            assert set(a.recipients) == set(item.recipients)
            for year in item.requested:
                assert sum(parts[year] for parts in a.recipients.values()) == a.granted[year]
                for name, parts in a.recipients.items():
                    assert 0 <= parts[year] <= item.recipients[name].get(year, 0)
        else:
            assert a.recipients == {}
        assert a.requested_total == sum(item.requested.values())
        assert a.granted_total == sum(a.granted.values())
        assert a.explanation.startswith(f"rank {item.rank} in {item.region}: ")
        assert f" of {a.requested_total:,} kr".replace(",", NBSP).replace(" kr", f"{NBSP}kr") in a.explanation
        if a.status is Status.FULL:
            assert a.reason is Reason.FUNDED_IN_FULL and a.limiting_year is None
        else:
            assert a.limiting_year in item.requested
    assert proposal.region_totals == totals
    granted_in = {year: sum(totals[region][year] for region in totals) for year in years}
    assert proposal.left.frame == {year: free[year] - granted_in[year] for year in years}
    from_pool = sum(a.from_pool for a in proposal.allocations)
    for region, envelope in problem.envelopes.items():
        regional = sum(a.granted[FIRST] - a.from_pool for a in proposal.allocations if a.region == region)
        assert proposal.left.envelopes[region] + regional == envelope
    if problem.mode == Mode.POOL:
        assert proposal.left.pool == sum(proposal.left.envelopes.values())
        assert proposal.left.pool_left + from_pool == proposal.left.pool
    else:
        assert proposal.left.pool == proposal.left.pool_left == from_pool == 0
    assert proposal.left.outside_envelopes == free[FIRST] - sum(problem.envelopes.values())
    assert proposal.parameters["mode"] == problem.mode


# --- properties ----------------------------------------------------------------------------------------------------


@PROPERTY
@given(problem=problems())
def test_never_exceeds_an_envelope_the_pool_or_a_frame(problem):
    proposal = solve(problem)
    free = free_frame(problem)
    for year in problem.years:
        granted = sum(a.granted.get(year, 0) for a in proposal.allocations)
        assert granted <= free[year]
        assert proposal.left.frame[year] >= 0
    for region, envelope in problem.envelopes.items():
        first_year = sum(a.granted[FIRST] for a in proposal.allocations if a.region == region)
        from_pool = sum(a.from_pool for a in proposal.allocations if a.region == region)
        assert first_year - from_pool <= envelope
        if problem.mode != Mode.POOL:
            assert first_year <= envelope
            assert from_pool == 0
    assert sum(a.from_pool for a in proposal.allocations) <= proposal.left.pool
    assert sum(a.granted[FIRST] for a in proposal.allocations) <= sum(problem.envelopes.values())
    assert all(value >= 0 for value in proposal.left.envelopes.values())
    assert proposal.left.pool_left >= 0


@PROPERTY
@given(problem=problems())
def test_grants_lie_between_the_minimum_and_the_request(problem):
    proposal = solve(problem)
    items = {item.id: item for item in problem.items}
    for a in proposal.allocations:
        item = items[a.id]
        minimum = minimum_of(item)
        if a.status is Status.FULL:
            assert a.granted == item.requested
        elif a.status is Status.NONE:
            assert not any(a.granted.values())
            assert a.from_pool == 0
        else:
            assert problem.mode != Mode.RANK_ORDER
            assert a.granted != item.requested and any(a.granted.values())
            for year, amount in item.requested.items():
                assert minimum[year] <= a.granted[year] <= amount
            # The year profile is kept: every year is floor(request × f), f = granted / requested in the limit year.
            limit = a.limiting_year
            assert item.requested[limit] > 0
            factor = Fraction(a.granted[limit], item.requested[limit])
            assert factor < 1
            assert a.granted == {year: floor(amount * factor) for year, amount in item.requested.items()}


@PROPERTY
@given(problem=problems())
def test_parts_add_up(problem):
    check_accounts(problem, solve(problem))


@PROPERTY
@given(problem=problems(modes=[Mode.RANK_ORDER]))
def test_rank_order_skips_only_what_does_not_fit(problem):
    """If a better-ranked A got nothing, it did not fit in what was left when it was considered, and every funded
    worse-ranked B of its region asked, in every year, for no more than that."""
    granted = {a.id: a.granted for a in solve(problem).allocations}
    free = free_frame(problem)
    order = documented_order(problem)
    for position, a in enumerate(order):
        before = order[:position]
        left = {year: free[year] - sum(granted[b.id].get(year, 0) for b in before) for year in problem.years}
        left[FIRST] = problem.envelopes[a.region] - sum(granted[b.id][FIRST] for b in before if b.region == a.region)
        fits = all(amount <= left[year] for year, amount in a.requested.items())
        assert (granted[a.id] == a.requested) == fits
        if fits:
            continue
        assert not any(granted[a.id].values())
        for b in order[position + 1 :]:
            if b.region == a.region and any(granted[b.id].values()):
                assert b.rank > a.rank
                assert all(amount <= left[year] for year, amount in b.requested.items())


@PROPERTY
@given(problem=problems(modes=[Mode.PARTIAL_MARGINAL]))
def test_partial_marginal_respects_the_ranking(problem):
    """A worse-ranked item is never treated better than a better-ranked one that got nothing: whatever it got fits in
    what was left when the better one was considered, and there not even the better one's minimum fitted. After an
    item is cut because the envelope ran out, no worse-ranked item of its region gets first-year money."""
    proposal = solve(problem)
    got = {a.id: a for a in proposal.allocations}
    free = free_frame(problem)
    order = documented_order(problem)
    for position, a in enumerate(order):
        before = order[:position]
        left = {year: free[year] - sum(got[b.id].granted.get(year, 0) for b in before) for year in problem.years}
        left[FIRST] = problem.envelopes[a.region] - sum(
            got[b.id].granted[FIRST] for b in before if b.region == a.region
        )
        worse = [b for b in order[position + 1 :] if b.region == a.region]
        if got[a.id].status is Status.NONE:
            assert largest_fit(a.requested, minimum_of(a), left) is None
            for b in worse:
                assert all(amount <= left[year] for year, amount in got[b.id].granted.items())
        if got[a.id].reason is Reason.ENVELOPE_RAN_OUT:
            assert all(got[b.id].granted[FIRST] == 0 for b in worse)


@PROPERTY
@given(problem=problems(modes=[Mode.PARTIAL_MARGINAL], all_or_nothing=True))
def test_partial_marginal_is_rank_order_when_every_minimum_is_the_request(problem):
    marginal = solve(problem)
    ranked = solve(with_mode(problem, Mode.RANK_ORDER))
    assert [a.granted for a in marginal.allocations] == [a.granted for a in ranked.allocations]
    assert [a.reason for a in marginal.allocations] == [a.reason for a in ranked.allocations]


@PROPERTY
@given(problem=problems(modes=[Mode.POOL]))
def test_pool_only_adds_to_partial_marginal(problem):
    pooled = solve(problem).by_id()
    marginal = solve(with_mode(problem, Mode.PARTIAL_MARGINAL)).by_id()
    for id, a in pooled.items():
        assert a.granted[FIRST] - a.from_pool == marginal[id].granted[FIRST]
        assert all(a.granted[year] >= marginal[id].granted[year] for year in a.granted)


@PROPERTY
@given(problem=problems())
def test_nothing_that_would_still_fit_is_left_out(problem):
    """At the end no item short of its request could get more: not in full, and not partly by a larger factor."""
    proposal = solve(problem)
    items = {item.id: item for item in problem.items}
    for a in proposal.allocations:
        if a.status is Status.FULL:
            continue
        item = items[a.id]
        cap = {year: a.granted[year] + proposal.left.frame[year] for year in item.requested}
        pool_or_envelope = proposal.left.pool_left if problem.mode == Mode.POOL else proposal.left.envelopes[a.region]
        cap[FIRST] = a.granted[FIRST] + pool_or_envelope
        assert not all(amount <= cap[year] for year, amount in item.requested.items())
        if problem.mode != Mode.RANK_ORDER:
            already = Fraction(0)
            if a.status is Status.PARTIAL:
                already = Fraction(a.granted[a.limiting_year], item.requested[a.limiting_year])
            assert largest_fit(item.requested, minimum_of(item), cap, already) is None


@PROPERTY
@given(problem=problems(), data=st.data())
def test_deterministic_and_independent_of_the_order_of_the_items(problem, data):
    proposal = solve(problem)
    assert solve(problem) == proposal
    shuffled_items = tuple(data.draw(st.permutations(problem.items)))
    shuffled_envelopes = dict(data.draw(st.permutations(list(problem.envelopes.items()))))
    shuffled = Problem(
        years=problem.years,
        frames=problem.frames,
        committed=problem.committed,
        envelopes=shuffled_envelopes,
        items=shuffled_items,
        mode=problem.mode,
    )
    assert solve(shuffled) == proposal
    assert solve(shuffled).as_dict() == proposal.as_dict()


@PROPERTY
@given(problem=problems(modes=[Mode.RANK_ORDER]))
def test_rank_order_matches_the_naive_reference(problem):
    expected = reference_rank_order(problem)
    assert {a.id: a.granted for a in solve(problem).allocations} == expected


@PROPERTY
@given(problem=problems(modes=[Mode.RANK_ORDER], competing=True))
def test_rank_order_matches_the_naive_reference_when_regions_compete_for_later_years(problem):
    expected = reference_rank_order(problem)
    assert {a.id: a.granted for a in solve(problem).allocations} == expected


@PROPERTY
@given(problem=problems(modes=[Mode.PARTIAL_MARGINAL, Mode.POOL], competing=True))
def test_partial_modes_match_the_naive_reference_when_regions_compete_for_later_years(problem):
    expected = reference_with_partials(problem, pool=problem.mode == Mode.POOL)
    assert {a.id: a.granted for a in solve(problem).allocations} == expected


@PROPERTY
@given(problem=problems(modes=[Mode.PARTIAL_MARGINAL, Mode.POOL]))
def test_partial_modes_match_the_naive_reference(problem):
    expected = reference_with_partials(problem, pool=problem.mode == Mode.POOL)
    assert {a.id: a.granted for a in solve(problem).allocations} == expected


# --- errors --------------------------------------------------------------------------------------------------------


def problem_with(**changes):
    base = {
        "years": (2026, 2027, 2028),
        "frames": {2026: 1_000, 2027: 1_000, 2028: 1_000},
        "committed": {2027: 200},
        "envelopes": {"Vest": 400, "Nord": 400},
        "items": (
            Item("a", "Vest", 1, {2026: 100, 2027: 100}),
            Item("b", "Nord", 1, {2026: 100}, minimum={2026: 50}, recipients={"x": {2026: 60}, "y": {2026: 40}}),
        ),
        "mode": "rank_order",
    }
    base.update(changes)
    return Problem(**base)


def replace_item(index, **changes):
    items = list(problem_with().items)
    old = items[index]
    fields = {
        "id": old.id,
        "region": old.region,
        "rank": old.rank,
        "requested": old.requested,
        "minimum": old.minimum,
        "recipients": old.recipients,
    }
    fields.update(changes)
    items[index] = Item(**fields)
    return problem_with(items=tuple(items))


@pytest.mark.parametrize(
    ("problem", "code", "message"),
    [
        (
            problem_with(frames={2026: 1_000, 2027: 1_000, 2028: 100}, committed={2028: 150}),
            "frame_below_commitments",
            "the frame for 2028 is smaller than earlier commitments",
        ),
        (
            problem_with(committed={2026: 300}),
            "envelopes_exceed_frame",
            "exceed the free frame for 2026",
        ),
        (
            problem_with(envelopes={"Vest": 800, "Nord": 201}),
            "envelopes_exceed_frame",
            "exceed the free frame for 2026",
        ),
        (replace_item(1, region="Vest"), "duplicate_rank", "two items in Vest have rank 1"),
        (replace_item(1, id="a", region="Vest", rank=2), "duplicate_id", "the item id a is used twice"),
        (replace_item(0, minimum={2026: 150, 2027: 0}), "minimum_above_request", "is more than it asks for"),
        (replace_item(0, minimum={2026: 50}), "bad_minimum_years", "exactly the years it asks for"),
        (replace_item(0, requested={2026: -5}), "negative_amount", "must not be negative"),
        (replace_item(0, requested={2026: 5.5}), "not_whole_kroner", "whole number of kroner"),
        (problem_with(frames={2026: 1_000, 2027: -1, 2028: 1_000}, committed={}), "negative_amount", "negative"),
        (problem_with(envelopes={"Vest": -1, "Nord": 400}), "negative_amount", "negative"),
        (replace_item(0, region="Sør"), "unknown_region", "unknown region 'Sør'"),
        (replace_item(0, rank=0), "bad_rank", "rank of 1 or more"),
        (replace_item(0, requested={2027: 100}), "bad_item_years", "consecutive years starting with 2026"),
        (replace_item(0, requested={2026: 1, 2028: 1}), "bad_item_years", "consecutive years starting with 2026"),
        (replace_item(0, requested={2026: 1, 2029: 1}), "unknown_year", "2029, which is not one of the budget"),
        (replace_item(0, requested={2026: 0, 2027: 0}), "nothing_requested", "asks for nothing"),
        (
            replace_item(1, recipients={"x": {2026: 60}, "y": {2026: 30}}),
            "recipients_do_not_add_up",
            "add up to 90\u00a0kr in 2026",
        ),
        (replace_item(1, recipients={"x": {2026: 100, 2027: 0}}), "bad_recipients", "does not ask for"),
        (problem_with(mode="greedy"), "unknown_mode", "unknown mode"),
        (problem_with(years=(2026, 2028)), "years_not_consecutive", "consecutive"),
        (problem_with(years=()), "no_years", "at least one budget year"),
        (problem_with(frames={2026: 1_000, 2027: 1_000}), "frame_missing", "there is no frame for 2028"),
        (problem_with(committed={2030: 5}), "unknown_year", "a commitment is given for 2030"),
    ],
)
def test_problem_errors(problem, code, message):
    with pytest.raises(ProblemError, match=message) as caught:
        solve(problem)
    assert caught.value.code == code
    assert str(caught.value) == caught.value.message


def test_a_frame_equal_to_the_commitments_is_allowed():
    proposal = solve(problem_with(committed={2027: 1_000}))
    assert proposal.by_id()["a"].status is Status.NONE
    assert proposal.by_id()["a"].reason is Reason.DOES_NOT_FIT_FRAME
    assert proposal.left.frame[2027] == 0


# --- examples ------------------------------------------------------------------------------------------------------


def example(mode):
    """Vest: 220 000 kr; Nord: 250 000 kr. 2027 has only 100 000 kr free after the commitments."""
    return Problem(
        years=(2026, 2027, 2028),
        frames={2026: 1_000_000, 2027: 500_000, 2028: 500_000},
        committed={2026: 0, 2027: 400_000},
        envelopes={"Region Vest": 220_000, "Region Nord": 250_000},
        items=(
            Item("v1", "Region Vest", 1, {2026: 100_000, 2027: 50_000}),
            Item(
                "v2",
                "Region Vest",
                2,
                {2026: 150_000},
                minimum={2026: 50_000},
                recipients={"Kommune A": {2026: 100_000}, "UH": {2026: 50_000}},
            ),
            Item("v3", "Region Vest", 3, {2026: 20_000}),
            Item("n1", "Region Nord", 1, {2026: 300_000}),
            Item("n2", "Region Nord", 2, {2026: 100_000, 2027: 100_000}, minimum={2026: 10_000, 2027: 10_000}),
            Item("n3", "Region Nord", 3, {2026: 60_000}),
        ),
        mode=mode,
    )


def kr(text):
    """Non-breaking spaces inside amounts and before "kr", as the solver writes them."""
    return re.sub(r"(?<=\d) (?=\d{3}(?!\d)|kr\b)", NBSP, text)


def test_example_rank_order():
    proposal = solve(example("rank_order"))
    got = proposal.by_id()
    assert {id: a.status for id, a in got.items()} == {
        "v1": "full",
        "v2": "none",
        "v3": "full",
        "n1": "none",
        "n2": "none",  # 2027: only 50 000 kr left after v1
        "n3": "full",
    }
    assert got["v2"].explanation == kr(
        "rank 2 in Region Vest: 0 of 150 000 kr, it did not fit in what was left of the envelope (120 000 kr)"
    )
    assert got["v2"].reason == "does_not_fit_envelope"
    assert got["v2"].room == {2026: 120_000}
    assert got["n2"].reason == "does_not_fit_frame"
    assert got["n2"].limiting_year == 2027
    assert got["n2"].explanation == kr(
        "rank 2 in Region Nord: 0 of 200 000 kr, it did not fit in the free frame left for 2027 (50 000 kr)"
    )
    assert got["v1"].explanation == kr("rank 1 in Region Vest: 150 000 of 150 000 kr, funded in full")
    assert got["v2"].recipients == {"Kommune A": {2026: 0}, "UH": {2026: 0}}
    assert proposal.region_totals == {
        "Region Nord": {2026: 60_000, 2027: 0, 2028: 0},
        "Region Vest": {2026: 120_000, 2027: 50_000, 2028: 0},
    }
    assert proposal.left.envelopes == {"Region Vest": 100_000, "Region Nord": 190_000}
    assert proposal.left.frame == {2026: 820_000, 2027: 50_000, 2028: 500_000}
    assert proposal.left.outside_envelopes == 530_000
    assert proposal.parameters["mode"] == "rank_order"
    assert proposal.version == SOLVER_VERSION == "1.0"


def test_example_partial_marginal():
    got = solve(example("partial_marginal")).by_id()
    assert got["v2"].status == "partial"
    assert got["v2"].granted == {2026: 120_000}
    assert got["v2"].recipients == {"Kommune A": {2026: 80_000}, "UH": {2026: 40_000}}
    assert got["v2"].explanation == kr("rank 2 in Region Vest: 120 000 of 150 000 kr, the envelope ran out")
    assert got["v3"].status == "none"  # the envelope is empty after the marginal item
    # n2 is cut by the 2027 frame (50 000 kr left): factor 1/2 in both years; the envelope still has room, so n3 fits.
    assert got["n2"].granted == {2026: 50_000, 2027: 50_000}
    assert got["n2"].reason == "frame_ran_out"
    assert got["n2"].explanation == kr("rank 2 in Region Nord: 100 000 of 200 000 kr, the free frame for 2027 ran out")
    assert got["n3"].status == "full"


def test_example_pool():
    proposal = solve(example("pool"))
    got = proposal.by_id()
    # After the regional pass: Vest 0 left, Nord 250 000 − 50 000 − 60 000 = 140 000 → the pool.
    assert proposal.left.pool == 140_000
    # Turn 1: Nord's n1 (300 000, all or nothing) does not fit; Vest's v2 is topped up to 150 000 (30 000 kr from
    # the pool).
    assert got["n1"].reason == "does_not_fit_pool"
    assert got["v2"].status == "full" and got["v2"].from_pool == 30_000
    assert got["v2"].explanation == kr(
        "rank 2 in Region Vest: 150 000 of 150 000 kr, funded in full, 30 000 kr of it from the common pool"
    )
    # Turn 2: Nord's n2 cannot grow (2027 is full); Vest's v3 is funded from the pool.
    assert got["n2"].granted == {2026: 50_000, 2027: 50_000}
    assert got["n2"].reason == "frame_ran_out"
    assert got["v3"].status == "full" and got["v3"].from_pool == 20_000
    assert proposal.left.pool_left == 90_000
    assert proposal.region_totals["Region Vest"][2026] == 270_000  # more than its envelope: the pool's point


def test_pool_turns_alternate_between_regions():
    """Turn by turn, each region's best-ranked item not yet funded in full, regions in name order."""
    problem = Problem(
        years=(2026,),
        frames={2026: 100},
        envelopes={"A": 10, "B": 20, "C": 10},
        items=(
            Item("a1", "A", 1, {2026: 10}),
            Item("a2", "A", 2, {2026: 6}, minimum={2026: 1}),
            Item("a3", "A", 3, {2026: 4}, minimum={2026: 1}),
            Item("b1", "B", 1, {2026: 4}),
            Item("b2", "B", 2, {2026: 12}, minimum={2026: 1}),
            Item("b3", "B", 3, {2026: 5}),
            Item("b4", "B", 4, {2026: 3}),
            Item("c1", "C", 1, {2026: 2}),
        ),
        mode="pool",
    )
    proposal = solve(problem)
    got = proposal.by_id()
    # Regional pass: A: a1 takes all 10. B: b1 4, b2 12, b3 (5, all or nothing) skipped, b4 3: 1 left. C: 8 left.
    assert proposal.left.envelopes == {"A": 0, "B": 1, "C": 8}
    assert proposal.left.pool == 9
    # Turn 1: a2 in full (6, pool 3 left); b3 (5) does not fit in 3. Turn 2: a3 gets 3 of 4 and empties the pool.
    assert got["a2"].status == "full" and got["a2"].from_pool == 6
    assert got["b3"].status == "none" and got["b3"].reason == "does_not_fit_pool"
    assert got["b3"].room == {2026: 3}
    assert got["a3"].granted == {2026: 3} and got["a3"].reason == "pool_ran_out"
    assert (
        got["a3"].explanation
        == "rank 3 in A: 3 of 4\u00a0kr (3\u00a0kr of it from the common pool), the common pool ran out"
    )
    assert proposal.left.pool_left == 0
    assert proposal.region_totals["A"][2026] == 19


def test_a_top_up_from_the_pool_never_takes_money_back():
    """x is cut to half by its envelope: 5 + 1 (the 2027 half of 3 rounded down). y then takes the last krone of
    2027. In its pool turn, the 2027 frame would allow x only a third, less than it has: it keeps what it has, and
    nothing goes back into the pool."""
    problem = Problem(
        years=(2026, 2027),
        frames={2026: 100, 2027: 2},
        envelopes={"A": 5, "B": 10},
        items=(
            Item("x", "A", 1, {2026: 10, 2027: 3}, minimum={2026: 1, 2027: 1}),
            Item("y", "B", 1, {2026: 1, 2027: 1}),
        ),
        mode="pool",
    )
    proposal = solve(problem)
    x = proposal.by_id()["x"]
    assert x.granted == {2026: 5, 2027: 1}
    assert x.from_pool == 0
    assert x.reason == "frame_ran_out" and x.limiting_year == 2027
    assert proposal.left.pool == proposal.left.pool_left == 9


def test_the_earliest_year_is_the_limit_on_a_tie():
    problem = Problem(
        years=(2026, 2027),
        frames={2026: 5, 2027: 5},
        envelopes={"A": 5},
        items=(Item("x", "A", 1, {2026: 10, 2027: 10}, minimum={2026: 0, 2027: 0}),),
        mode="partial_marginal",
    )
    (x,) = solve(problem).allocations
    assert x.granted == {2026: 5, 2027: 5}
    assert x.limiting_year == 2026 and x.reason == "envelope_ran_out"
    (x,) = solve(with_mode(problem, "rank_order")).allocations
    assert x.limiting_year == 2026 and x.reason == "does_not_fit_envelope"


def test_an_item_asking_nothing_the_first_year_only_needs_later_room():
    problem = Problem(
        years=(2026, 2027),
        frames={2026: 10, 2027: 100},
        envelopes={"A": 10},
        items=(
            Item("a1", "A", 1, {2026: 10}),
            Item("a2", "A", 2, {2026: 5}),
            Item("a3", "A", 3, {2026: 0, 2027: 50}),
        ),
        mode="partial_marginal",
    )
    got = solve(problem).by_id()
    assert got["a2"].status == "none"
    assert got["a3"].status == "full"


def test_partial_scaling_keeps_the_year_profile_and_the_minimum():
    problem = Problem(
        years=(2026, 2027, 2028),
        frames={2026: 1_000, 2027: 1_000, 2028: 1_000},
        envelopes={"A": 333},
        items=(Item("a", "A", 1, {2026: 500, 2027: 300, 2028: 100}, minimum={2026: 300, 2027: 100, 2028: 50}),),
        mode="partial_marginal",
    )
    (allocation,) = solve(problem).allocations
    # f = 333 / 500: 333, floor(199.8) = 199, floor(66.6) = 66.
    assert allocation.granted == {2026: 333, 2027: 199, 2028: 66}
    # With a minimum of 67 in 2028 that is not enough: nothing.
    strict = Item("a", "A", 1, {2026: 500, 2027: 300, 2028: 100}, minimum={2026: 300, 2027: 100, 2028: 67})
    (allocation,) = solve(with_items(problem, (strict,))).allocations
    assert allocation.status == "none"
    assert allocation.explanation == kr(
        "rank 1 in A: 0 of 900 kr, not even its minimum fitted in what was left of the envelope (333 kr)"
    )


def with_items(problem, items):
    return Problem(
        years=problem.years,
        frames=problem.frames,
        committed=problem.committed,
        envelopes=problem.envelopes,
        items=items,
        mode=problem.mode,
    )


def test_empty_problem():
    proposal = solve(Problem(years=(2026,), frames={2026: 0}, envelopes={}, items=(), mode="pool"))
    assert proposal.allocations == ()
    assert proposal.left.frame == {2026: 0}


def test_inputs_are_copied():
    requested = {2026: 10}
    item = Item("a", "A", 1, requested)
    requested[2026] = 99
    assert item.requested == {2026: 10}


def test_as_dict_is_json_ready():
    import json

    data = solve(example("pool")).as_dict()
    text = json.dumps(data)
    assert json.loads(text)["allocations"][0]["granted"] == {"2026": 0}
    assert data["parameters"]["frames"] == {"2026": 1_000_000, "2027": 500_000, "2028": 500_000}


def test_three_thousand_items_take_well_under_a_second():
    """A guard against quadratic blow-ups (the benchmark in bench/ measures properly)."""
    years = (2026, 2027, 2028)
    regions = [f"R{n:02}" for n in range(10)]
    items = []
    for index in range(3_000):
        region = regions[index % 10]
        amount = 150_000 + (index * 7_919) % 2_350_000
        length = 1 + index % 3
        requested = {year: amount // length for year in years[:length]}
        minimum = {year: value // 2 for year, value in requested.items()} if index % 2 else None
        items.append(Item(f"i{index}", region, 1 + index // 10, requested, minimum=minimum))
    frames = {2026: 1_500_000_000, 2027: 900_000_000, 2028: 500_000_000}
    envelopes = dict.fromkeys(regions, 120_000_000)
    for mode in Mode:
        problem = Problem(years=years, frames=frames, envelopes=envelopes, items=tuple(items), mode=mode)
        started = time.perf_counter()
        proposal = solve(problem)
        elapsed = time.perf_counter() - started
        assert len(proposal.allocations) == 3_000
        assert elapsed < 2.0, f"{mode}: {elapsed:.3f} s"
