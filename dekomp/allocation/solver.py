"""The allocation solver: a proposal of amounts (*fordeling*) within a round's frame, from the regions' rankings.

Pure Python, no Django: the inputs (``Item``, ``Problem``) and the output (``Proposal`` with its ``Allocation``\\ s)
are plain frozen dataclasses, so the solver can be tested, benchmarked and rerun without a database. Treat the
mappings inside them as read-only (the inputs are copied when they are built).

Money is in whole kroner (``int``) throughout. A problem has budget years ``years`` (consecutive; the first is the
round's year), a frame (*ramme*) per year, the amounts earlier multi-year decisions already commit per year, and one
first-year *envelope* per region (the regional envelopes together fit in the first year's free frame). The *free
frame* of a year is ``frame − committed − what this proposal grants in that year``. Each item (a needs report) asks
for money in 1–3 consecutive years starting with the first, has a rank in its region (1 = best) and a minimum per
year (default: the full request, i.e. all or nothing).

Processing order (all modes)
    Within a region, items are taken by rank. Across regions the items are interleaved by their *position* in
    their region's ranking (every region's best item, then every region's second best, …), regions in sorted order
    of their names, item ids as a last tie-break. Regions compete only for the later years' free frame (the first
    year is divided by the envelopes), and this order shares that fairly instead of letting the region whose name
    sorts first take it all. The result does not depend on the order of ``Problem.items``.

What "fits" means
    When an item is considered, its *room* is: in the first year, what is left of its region's envelope (in the
    pool phase: what is left of the common pool); in every later year, what is left of that year's free frame. The
    item *fits* when its request is ≤ the room in every year.

A *partial* grant keeps the item's year profile: all years are scaled by the same factor ``f < 1``, and each year
gets ``floor(requested × f)``. The factor is the largest that fits, ``f = min(room[y] / requested[y])`` over the
years with a request, so the room of the *limiting year* (the year giving that minimum; the earliest one on a tie)
is used to the last krone. A partial grant is only made when every year then gets at least its minimum and
something is granted; otherwise the item gets nothing. Whenever an item does not fit in full, in any mode, this
limiting year is the one reported (``limiting_year``, and the reason: the envelope or the pool for the first year,
the free frame for a later one).

Modes
    ``rank_order``: every item in order is funded in full if it fits, otherwise it gets nothing and the next item
    is considered ("skip what does not fit").

    ``partial_marginal``: every item in order gets the largest grant that fits: in full if it fits, otherwise the
    largest partial grant (above) if that reaches its minimum in every year, otherwise nothing. The first item of a
    region that does not fit is thus normally the *marginal* item and takes the rest of the envelope; because the
    envelope is then empty, the items below it get nothing unless they ask for nothing in the first year and still
    fit in the later years (when a later year's free frame was the limit, the envelope is not empty and smaller
    items below can still fit, in full or partly). Items whose minimum does not fit are skipped, as in
    ``rank_order``. So: with every minimum equal to the request, ``partial_marginal`` gives exactly the
    ``rank_order`` result.

    ``pool``: first the ``partial_marginal`` pass, exactly as above. Then what is left in all envelopes is put into
    one common pool (only the envelopes' leftovers: free first-year frame outside the envelopes stays out). The
    pool is shared round-robin: in each turn every region, in sorted order of names, offers its best-ranked item
    that is not yet funded in full and has not had its turn in the pool; that item gets the largest grant that fits
    when its room is what it already has plus the pool (first year) and plus the free frame left (later years): in
    full, or partly by the same factor rule, at least its minimum. A partly funded item is only raised when the new
    factor is larger than the one it has; otherwise it keeps its grant, so nothing is ever taken back. A region with
    no such items left drops out; turns go on until every region's items have had their turn (the room only
    shrinks, so a second turn could not give more). The first-year money an item takes from the pool is reported
    as ``from_pool``.

    In ``rank_order`` the minimums are ignored (every item is all or nothing).

Output: one ``Allocation`` per item (sorted by region, then rank) with the grant per year and per recipient, a status
(``full``/``partial``/``none``), a machine-readable ``reason``, the ``limiting_year`` and ``room`` behind it, and an
English sentence (``explanation``) built from those; plus totals per region, what is left, and a summary of the
inputs. When an item is funded partly, its recipients are scaled by largest remainder (``apportionment.py``) year by
year, so they add up to the item's grant exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

from .apportionment import apportion

SOLVER_VERSION = "1.0"

NBSP = "\u00a0"


class Mode(StrEnum):
    RANK_ORDER = "rank_order"
    PARTIAL_MARGINAL = "partial_marginal"
    POOL = "pool"


class Status(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class Reason(StrEnum):
    """Why an item got what it got. ``limiting_year`` and ``room`` on the allocation give the numbers."""

    FUNDED_IN_FULL = "funded_in_full"
    ENVELOPE_RAN_OUT = "envelope_ran_out"  # partly funded: the region's first-year envelope was the limit
    POOL_RAN_OUT = "pool_ran_out"  # partly funded: the common pool was the limit (pool mode)
    FRAME_RAN_OUT = "frame_ran_out"  # partly funded: a later year's free frame was the limit
    DOES_NOT_FIT_ENVELOPE = "does_not_fit_envelope"  # nothing: the request (or minimum) is more than the envelope left
    DOES_NOT_FIT_POOL = "does_not_fit_pool"  # nothing: the request (or minimum) is more than the pool left
    DOES_NOT_FIT_FRAME = "does_not_fit_frame"  # nothing: a later year's free frame is too small


class ProblemError(ValueError):
    """The problem cannot be solved as given. ``code`` and ``params`` let a caller translate ``message``."""

    def __init__(self, message: str, *, code: str = "invalid", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params


# --- inputs ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One needs report to fund.

    ``requested`` and ``minimum`` map budget year → kroner; the years are 1–3 consecutive years starting with the
    problem's first year. ``minimum=None`` means the full request (all or nothing). ``recipients`` optionally splits
    the request per recipient and year (for every year the recipients add up to ``requested``).
    """

    id: str
    region: str
    rank: int
    requested: Mapping[int, int]
    minimum: Mapping[int, int] | None = None
    recipients: Mapping[str, Mapping[int, int]] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.requested, Mapping):
            object.__setattr__(self, "requested", dict(self.requested))
        if isinstance(self.minimum, Mapping):
            object.__setattr__(self, "minimum", dict(self.minimum))
        if isinstance(self.recipients, Mapping):
            object.__setattr__(
                self,
                "recipients",
                {
                    name: dict(amounts) if isinstance(amounts, Mapping) else amounts
                    for name, amounts in self.recipients.items()
                },
            )


@dataclass(frozen=True)
class Problem:
    """A round's allocation problem; see the module docstring for the rules of each ``mode``."""

    years: tuple[int, ...]
    frames: Mapping[int, int]
    envelopes: Mapping[str, int]
    items: tuple[Item, ...]
    mode: str
    committed: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.years, Sequence):
            object.__setattr__(self, "years", tuple(self.years))
        for name in ("frames", "envelopes", "committed"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, dict(value))
        if not isinstance(self.items, tuple) and isinstance(self.items, Sequence):
            object.__setattr__(self, "items", tuple(self.items))


# --- outputs -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """What one item gets.

    ``granted`` and ``recipients`` (per recipient, per year) cover the item's own years. ``from_pool`` is the part of
    the first-year grant taken from the common pool (pool mode only). ``room`` is what was left, per year, when the
    item was last considered, before its own grant (first year: the envelope, or the pool in the pool phase; later
    years: the free frame); ``limiting_year`` is the year that stopped a full grant (``None`` when funded in full).
    """

    id: str
    region: str
    rank: int
    status: Status
    reason: Reason
    requested: dict[int, int]
    minimum: dict[int, int]
    granted: dict[int, int]
    recipients: dict[str, dict[int, int]]
    from_pool: int
    limiting_year: int | None
    room: dict[int, int]
    explanation: str

    @property
    def requested_total(self) -> int:
        return sum(self.requested.values())

    @property
    def granted_total(self) -> int:
        return sum(self.granted.values())


@dataclass(frozen=True)
class Left:
    """What the proposal leaves.

    ``envelopes``: per region, what the regional pass left of its first-year envelope (in pool mode all of it went
    into the pool). ``pool``: what went into the common pool (0 outside pool mode); ``pool_left``: what is left of it.
    ``frame``: per year, the free frame left (frame − committed − granted), the first year included.
    ``outside_envelopes``: the first year's free frame that was never put into an envelope.
    """

    envelopes: dict[str, int]
    pool: int
    pool_left: int
    frame: dict[int, int]
    outside_envelopes: int


@dataclass(frozen=True)
class Proposal:
    allocations: tuple[Allocation, ...]
    region_totals: dict[str, dict[int, int]]
    left: Left
    parameters: dict[str, Any]
    version: str = SOLVER_VERSION

    def by_id(self) -> dict[str, Allocation]:
        return {allocation.id: allocation for allocation in self.allocations}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy (mapping keys become strings), e.g. to store a proposal as a snapshot."""
        return _jsonable(
            {
                "version": self.version,
                "parameters": self.parameters,
                "allocations": [
                    {
                        "id": a.id,
                        "region": a.region,
                        "rank": a.rank,
                        "status": str(a.status),
                        "reason": str(a.reason),
                        "requested": a.requested,
                        "minimum": a.minimum,
                        "granted": a.granted,
                        "recipients": a.recipients,
                        "from_pool": a.from_pool,
                        "limiting_year": a.limiting_year,
                        "room": a.room,
                        "explanation": a.explanation,
                    }
                    for a in self.allocations
                ],
                "region_totals": self.region_totals,
                "left": {
                    "envelopes": self.left.envelopes,
                    "pool": self.left.pool,
                    "pool_left": self.left.pool_left,
                    "frame": self.left.frame,
                    "outside_envelopes": self.left.outside_envelopes,
                },
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


# --- validation --------------------------------------------------------------------------------------------------


def _kr(amount: int, *, unit: bool = True) -> str:
    text = f"{amount:,}".replace(",", NBSP).replace("-", "\u2212")
    return f"{text}{NBSP}kr" if unit else text


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_amount(value: object, what: str) -> None:
    if not _is_int(value):
        raise ProblemError(
            f"{what} must be a whole number of kroner, not {value!r}", code="not_whole_kroner", what=what
        )
    if value < 0:  # type: ignore[operator]
        raise ProblemError(f"{what} must not be negative ({_kr(value)})", code="negative_amount", what=what)  # type: ignore[arg-type]


def validate(problem: Problem) -> None:
    """Raise ``ProblemError`` (with a clear English message, a ``code`` and ``params``) if ``problem`` is not valid."""
    if problem.mode not in tuple(Mode):
        raise ProblemError(
            f"unknown mode {problem.mode!r}: use rank_order, partial_marginal or pool", code="unknown_mode"
        )
    years = problem.years
    if not isinstance(years, tuple) or not years or not all(_is_int(year) for year in years):
        raise ProblemError("the problem needs at least one budget year (whole numbers)", code="no_years")
    if any(later != earlier + 1 for earlier, later in pairwise(years)):
        raise ProblemError(
            f"the budget years must be consecutive years in order (got {', '.join(map(str, years))})",
            code="years_not_consecutive",
        )
    first = years[0]
    year_set = set(years)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])

    for name, mapping in (("frame", problem.frames), ("commitment", problem.committed)):
        if not isinstance(mapping, Mapping):
            raise ProblemError(f"the {name}s must be a mapping of budget year to kroner", code="bad_input")
        for year in mapping:
            if year not in year_set:
                raise ProblemError(
                    f"a {name} is given for {year}, which is not one of the budget years ({span})",
                    code="unknown_year",
                    year=year,
                )
    for year in years:
        if year not in problem.frames:
            raise ProblemError(f"there is no frame for {year}", code="frame_missing", year=year)
        _check_amount(problem.frames[year], f"the frame for {year}")
        committed = problem.committed.get(year, 0)
        _check_amount(committed, f"the commitments for {year}")
        if problem.frames[year] < committed:
            raise ProblemError(
                f"the frame for {year} is smaller than earlier commitments "
                f"({_kr(problem.frames[year])} < {_kr(committed)})",
                code="frame_below_commitments",
                year=year,
                frame=problem.frames[year],
                committed=committed,
            )

    if not isinstance(problem.envelopes, Mapping):
        raise ProblemError("the envelopes must be a mapping of region to kroner", code="bad_input")
    for region, amount in problem.envelopes.items():
        if not isinstance(region, str):
            raise ProblemError(f"region names must be strings, not {region!r}", code="bad_region")
        _check_amount(amount, f"the envelope for {region}")
    envelope_total = sum(problem.envelopes.values())
    free_first = problem.frames[first] - problem.committed.get(first, 0)
    if envelope_total > free_first:
        raise ProblemError(
            f"the regional envelopes ({_kr(envelope_total)} in total) exceed the free frame for {first} "
            f"({_kr(free_first)}: the frame of {_kr(problem.frames[first])} minus "
            f"{_kr(problem.committed.get(first, 0))} already committed)",
            code="envelopes_exceed_frame",
            year=first,
            envelopes=envelope_total,
            free=free_first,
        )

    if not isinstance(problem.items, tuple):
        raise ProblemError("the items must be a sequence", code="bad_input")
    ids: set[str] = set()
    ranks: set[tuple[str, int]] = set()
    for item in problem.items:
        _validate_item(item, problem, years, span, ids, ranks)


def _validate_item(
    item: Item, problem: Problem, years: tuple[int, ...], span: str, ids: set[str], ranks: set[tuple[str, int]]
) -> None:
    if not isinstance(item, Item):
        raise ProblemError(f"every item must be an Item, not {item!r}", code="bad_input")
    if not isinstance(item.id, str):
        raise ProblemError(f"item ids must be strings, not {item.id!r}", code="bad_item")
    label = f"item {item.id}"
    if item.id in ids:
        raise ProblemError(f"the item id {item.id} is used twice", code="duplicate_id", item=item.id)
    ids.add(item.id)
    if item.region not in problem.envelopes:
        raise ProblemError(
            f"{label} belongs to the unknown region {item.region!r} (it has no envelope)",
            code="unknown_region",
            item=item.id,
            region=item.region,
        )
    if not _is_int(item.rank) or item.rank < 1:
        raise ProblemError(f"{label} must have a rank of 1 or more, not {item.rank!r}", code="bad_rank", item=item.id)
    if (item.region, item.rank) in ranks:
        raise ProblemError(
            f"two items in {item.region} have rank {item.rank}",
            code="duplicate_rank",
            item=item.id,
            region=item.region,
            rank=item.rank,
        )
    ranks.add((item.region, item.rank))

    if not isinstance(item.requested, Mapping) or not item.requested:
        raise ProblemError(f"{label} asks for no budget year", code="bad_item_years", item=item.id)
    for year in item.requested:
        if year not in years:
            raise ProblemError(
                f"{label} asks for money in {year}, which is not one of the budget years ({span})",
                code="unknown_year",
                item=item.id,
                year=year,
            )
    count = len(item.requested)
    if count > 3 or set(item.requested) != set(years[:count]):
        raise ProblemError(
            f"{label} must ask for 1 to 3 consecutive years starting with {years[0]} "
            f"(got {', '.join(map(str, sorted(item.requested)))})",
            code="bad_item_years",
            item=item.id,
        )
    for year, amount in item.requested.items():
        _check_amount(amount, f"the amount {label} asks for in {year}")
    if sum(item.requested.values()) == 0:
        raise ProblemError(f"{label} asks for nothing", code="nothing_requested", item=item.id)

    if item.minimum is not None:
        if not isinstance(item.minimum, Mapping) or set(item.minimum) != set(item.requested):
            raise ProblemError(
                f"the minimum of {label} must give an amount for exactly the years it asks for",
                code="bad_minimum_years",
                item=item.id,
            )
        for year, amount in item.minimum.items():
            _check_amount(amount, f"the minimum of {label} in {year}")
            if amount > item.requested[year]:
                raise ProblemError(
                    f"the minimum of {label} in {year} ({_kr(amount)}) is more than it asks for "
                    f"({_kr(item.requested[year])})",
                    code="minimum_above_request",
                    item=item.id,
                    year=year,
                )

    if item.recipients:
        if not isinstance(item.recipients, Mapping):
            raise ProblemError(f"the recipients of {label} must be a mapping", code="bad_recipients", item=item.id)
        sums = dict.fromkeys(item.requested, 0)
        for name, amounts in item.recipients.items():
            if not isinstance(name, str):
                raise ProblemError(f"recipient names of {label} must be strings", code="bad_recipients", item=item.id)
            if not isinstance(amounts, Mapping):
                raise ProblemError(
                    f"the amounts of recipient {name} in {label} must be a mapping", code="bad_recipients", item=item.id
                )
            for year, amount in amounts.items():
                if year not in sums:
                    raise ProblemError(
                        f"recipient {name} in {label} has an amount for {year}, a year the item does not ask for",
                        code="bad_recipients",
                        item=item.id,
                        year=year,
                    )
                _check_amount(amount, f"the amount of recipient {name} in {label} in {year}")
                sums[year] += amount
        for year, total in sums.items():
            if total != item.requested[year]:
                raise ProblemError(
                    f"the recipients of {label} add up to {_kr(total)} in {year}, "
                    f"not the {_kr(item.requested[year])} it asks for",
                    code="recipients_do_not_add_up",
                    item=item.id,
                    year=year,
                )


# --- solving -----------------------------------------------------------------------------------------------------


class _State:
    """The solver's working copy of one item: amounts as lists indexed like ``Problem.years``."""

    __slots__ = (
        "factor_den",
        "factor_num",
        "from_pool",
        "grant",
        "item",
        "limiting",
        "minimum",
        "position",
        "reason",
        "request",
        "room",
        "status",
    )

    def __init__(self, item: Item, years: tuple[int, ...], position: int) -> None:
        self.item = item
        self.position = position
        self.request = [item.requested.get(year, 0) for year in years]
        minimum = item.requested if item.minimum is None else item.minimum
        self.minimum = [minimum.get(year, 0) for year in years]
        self.grant = [0] * len(years)
        self.factor_num = 0  # the grant is floor(request × factor_num / factor_den); full is 1/1
        self.factor_den = 1
        self.status = Status.NONE
        self.reason = Reason.DOES_NOT_FIT_ENVELOPE
        self.limiting: int | None = None  # index into years
        self.room: list[int] = []
        self.from_pool = 0


def _consider(state: _State, room: list[int], *, partial: bool, pool_phase: bool) -> list[int]:
    """Give ``state`` the largest grant that fits ``room`` (on top of what it has); return the change per year."""
    request = state.request
    current = state.grant
    cap = [have + free for have, free in zip(current, room, strict=True)]
    state.room = room

    if all(asked <= room_for for asked, room_for in zip(request, cap, strict=True)):
        new = request
        state.status = Status.FULL
        state.reason = Reason.FUNDED_IN_FULL
        state.limiting = None
        state.factor_num = state.factor_den = 1
    else:
        new = current
        # The limiting year: the smallest cap / request (the earliest year on a tie); there cap < request.
        limiting = -1
        for index, asked in enumerate(request):
            if asked > 0 and (limiting < 0 or cap[index] * request[limiting] < cap[limiting] * asked):
                limiting = index
        if partial:
            numerator, denominator = cap[limiting], request[limiting]
            if numerator * state.factor_den > state.factor_num * denominator:  # more than it has now
                candidate = [asked * numerator // denominator for asked in request]
                if any(candidate) and all(got >= least for got, least in zip(candidate, state.minimum, strict=True)):
                    new = candidate
                    state.status = Status.PARTIAL
                    state.factor_num, state.factor_den = numerator, denominator
        state.limiting = limiting
        if state.status is Status.PARTIAL:
            if limiting:
                state.reason = Reason.FRAME_RAN_OUT
            else:
                state.reason = Reason.POOL_RAN_OUT if pool_phase else Reason.ENVELOPE_RAN_OUT
        elif limiting:
            state.reason = Reason.DOES_NOT_FIT_FRAME
        else:
            state.reason = Reason.DOES_NOT_FIT_POOL if pool_phase else Reason.DOES_NOT_FIT_ENVELOPE

    delta = [after - before for after, before in zip(new, current, strict=True)]
    state.grant = list(new)
    return delta


def solve(problem: Problem) -> Proposal:
    """Validate ``problem`` and compute the proposal (see the module docstring for the rules)."""
    validate(problem)
    mode = Mode(problem.mode)
    years = problem.years
    first = years[0]
    free = [problem.frames[year] - problem.committed.get(year, 0) for year in years]
    regions = sorted(problem.envelopes)

    by_region: dict[str, list[Item]] = {region: [] for region in regions}
    for item in problem.items:
        by_region[item.region].append(item)
    states_by_region: dict[str, list[_State]] = {}
    for region, items in by_region.items():
        items.sort(key=lambda item: item.rank)
        states_by_region[region] = [_State(item, years, position) for position, item in enumerate(items)]
    order = sorted(
        (state for states in states_by_region.values() for state in states),
        key=lambda state: (state.position, state.item.region, state.item.id),
    )

    # The regional pass (every mode).
    partial = mode is not Mode.RANK_ORDER
    envelope_left = dict(problem.envelopes)
    frame_left = list(free)
    for state in order:
        region = state.item.region
        room = [envelope_left[region], *frame_left[1:]]
        delta = _consider(state, room, partial=partial, pool_phase=False)
        envelope_left[region] -= delta[0]
        for index, change in enumerate(delta):
            frame_left[index] -= change

    # The pool pass: round-robin over the regions' items not yet funded in full.
    pool = pool_left = 0
    if mode is Mode.POOL:
        pool = pool_left = sum(envelope_left.values())
        turns = []
        for region in regions:
            waiting = [state for state in states_by_region[region] if state.status is not Status.FULL]
            turns.extend((turn, region, state.item.id, state) for turn, state in enumerate(waiting))
        turns.sort(key=lambda entry: entry[:3])
        for *_, state in turns:
            room = [pool_left, *frame_left[1:]]
            delta = _consider(state, room, partial=True, pool_phase=True)
            pool_left -= delta[0]
            state.from_pool += delta[0]
            for index, change in enumerate(delta):
                frame_left[index] -= change

    allocations = []
    region_totals = {region: dict.fromkeys(years, 0) for region in regions}
    for region in regions:
        totals = region_totals[region]
        for state in states_by_region[region]:
            allocation = _allocation(state, years, mode)
            allocations.append(allocation)
            for year, amount in allocation.granted.items():
                totals[year] += amount

    envelope_total = sum(problem.envelopes.values())
    left = Left(
        envelopes=envelope_left,
        pool=pool,
        pool_left=pool_left,
        frame=dict(zip(years, frame_left, strict=True)),
        outside_envelopes=free[0] - envelope_total,
    )
    parameters = {
        "mode": str(mode),
        "solver_version": SOLVER_VERSION,
        "years": list(years),
        "frames": {year: problem.frames[year] for year in years},
        "committed": {year: problem.committed.get(year, 0) for year in years},
        "free": dict(zip(years, free, strict=True)),
        "envelopes": {region: problem.envelopes[region] for region in regions},
        "envelope_total": envelope_total,
        "items": len(problem.items),
        "items_per_region": {region: len(states_by_region[region]) for region in regions},
        "requested": {year: sum(item.requested.get(year, 0) for item in problem.items) for year in years},
        "first_year": first,
    }
    return Proposal(
        allocations=tuple(allocations),
        region_totals=region_totals,
        left=left,
        parameters=parameters,
        version=SOLVER_VERSION,
    )


def _allocation(state: _State, years: tuple[int, ...], mode: Mode) -> Allocation:
    item = state.item
    item_years = [year for year in years if year in item.requested]
    granted = {year: state.grant[index] for index, year in enumerate(years) if year in item.requested}
    requested = dict(item.requested)
    minimum = dict(item.requested if item.minimum is None else item.minimum)
    recipients: dict[str, dict[int, int]] = {}
    if item.recipients:
        names = sorted(item.recipients)
        recipients = {name: {} for name in names}
        for year in item_years:
            weights = {name: item.recipients[name].get(year, 0) for name in names}
            if granted[year] == requested[year]:
                shares = weights
            else:
                shares = apportion(granted[year], weights, "largest_remainder")
            for name in names:
                recipients[name][year] = shares[name]
    limiting_year = None if state.limiting is None else years[state.limiting]
    room = {year: state.room[index] for index, year in enumerate(years) if year in item.requested}
    explanation = _explain(
        item=item,
        reason=state.reason,
        granted_total=sum(granted.values()),
        requested_total=sum(requested.values()),
        has_minimum=minimum != requested and mode is not Mode.RANK_ORDER,
        from_pool=state.from_pool,
        limiting_year=limiting_year,
        room_left=None if limiting_year is None else state.room[state.limiting],  # type: ignore[index]
    )
    return Allocation(
        id=item.id,
        region=item.region,
        rank=item.rank,
        status=state.status,
        reason=state.reason,
        requested=requested,
        minimum=minimum,
        granted=granted,
        recipients=recipients,
        from_pool=state.from_pool,
        limiting_year=limiting_year,
        room=room,
        explanation=explanation,
    )


def _explain(
    *,
    item: Item,
    reason: Reason,
    granted_total: int,
    requested_total: int,
    has_minimum: bool,
    from_pool: int,
    limiting_year: int | None,
    room_left: int | None,
) -> str:
    """One English sentence, e.g. "rank 3 in Region Vest: 120 000 of 150 000 kr, the envelope ran out"."""
    text = f"rank {item.rank} in {item.region}: {_kr(granted_total, unit=False)} of {_kr(requested_total)}"
    pool_note = f"{_kr(from_pool)} of it from the common pool" if from_pool else ""
    if reason is Reason.FUNDED_IN_FULL:
        return f"{text}, funded in full" + (f", {pool_note}" if pool_note else "")
    if pool_note:
        text += f" ({pool_note})"
    not_fitting = "not even its minimum fitted" if has_minimum else "it did not fit"
    clause = {
        Reason.ENVELOPE_RAN_OUT: "the envelope ran out",
        Reason.POOL_RAN_OUT: "the common pool ran out",
        Reason.FRAME_RAN_OUT: f"the free frame for {limiting_year} ran out",
        Reason.DOES_NOT_FIT_ENVELOPE: f"{not_fitting} in what was left of the envelope ({_kr(room_left or 0)})",
        Reason.DOES_NOT_FIT_POOL: f"{not_fitting} in what was left of the common pool ({_kr(room_left or 0)})",
        Reason.DOES_NOT_FIT_FRAME: (
            f"{not_fitting} in the free frame left for {limiting_year} ({_kr(room_left or 0)})"
        ),
    }[reason]
    return f"{text}, {clause}"
