"""The one source of an office's money: frame, committed, paid and free per scheme and budget year.

Every page and every check that shows or tests a frame or free money reads ``money_for_office`` (or
``committed_by_other_rounds``, built on it), so no two pages can disagree.

The frame that counts for a budget year is the one set by the office's round whose first budget year it is; until that
round exists, the planning frame of the latest earlier round that sets one (``frames_for_office``). One frame per
office, scheme and year, shared by every round whose decisions bind money in that year.

What decisions commit and what is paid live in a later stage (decisions, payouts). This stage must not import them,
so the later stage registers a provider here when it starts (``dekomp.payouts.apps``).
"""

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from dekomp.organisations.models import Office

from .models import Frame, Round, Scheme

ZERO = Decimal(0)


@dataclass(frozen=True)
class Bindings:
    """What a provider knows of one office: money committed per round, and money paid."""

    # (scheme id, budget year, round id, the round's first budget year) → committed by that round's binding decisions
    committed: Mapping[tuple[int, int, int, int], Decimal] = field(default_factory=dict)
    # (scheme id, budget year) → paid out
    paid: Mapping[tuple[int, int], Decimal] = field(default_factory=dict)


Provider = Callable[[Office], Bindings]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider ``(office) -> Bindings``; registering the same one twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


@dataclass(frozen=True, eq=False)
class Money:
    """One office's money for one scheme in one budget year.

    ``committed`` is every round's binding decisions for the year; ``free = frame − committed``. A round's own pages
    split ``committed`` into what the round itself decided and what other rounds bind.
    """

    scheme_id: int
    budget_year: int
    frame: Decimal = ZERO
    frame_round_id: int | None = None  # the round whose frame counts; None when no round sets one
    committed: Decimal = ZERO
    committed_earlier: Decimal = ZERO  # by rounds whose first budget year is before this year
    paid: Decimal = ZERO
    by_round: Mapping[int, Decimal] = field(default_factory=dict)

    @property
    def has_frame(self) -> bool:
        return self.frame_round_id is not None

    @property
    def free(self) -> Decimal:
        return self.frame - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    @property
    def committed_this_year(self) -> Decimal:
        """Committed by the rounds whose first budget year this is (or a later one)."""
        return self.committed - self.committed_earlier

    def committed_in(self, round: Round) -> Decimal:
        """What the round's own binding decisions commit."""
        return self.by_round.get(round.pk, ZERO)

    def committed_by_others(self, round: Round) -> Decimal:
        """What every other round's binding decisions commit."""
        return self.committed - self.committed_in(round)

    def available_to(self, round: Round) -> Decimal:
        """The frame less what other rounds bind: the room the round divides and decides within."""
        return self.frame - self.committed_by_others(round)


@dataclass(frozen=True)
class OfficeMoney:
    """``money_for_office``'s answer: every (scheme, budget year) with a frame or a commitment, and a zero default."""

    office: Office
    rows: Mapping[tuple[int, int], Money]

    def get(self, scheme: Scheme | int, year: int) -> Money:
        scheme_id = scheme if isinstance(scheme, int) else scheme.pk
        return self.rows.get((scheme_id, year)) or Money(scheme_id=scheme_id, budget_year=year)

    def __iter__(self) -> Iterator[Money]:
        return iter(self.rows[key] for key in sorted(self.rows))


def frames_for_office(office: Office) -> dict[tuple[int, int], tuple[int, Decimal]]:
    """(scheme id, budget year) → (the id of the round whose frame counts, the frame), in one query.

    The round whose first budget year it is wins; else the latest earlier round that sets a frame for the year. Two
    rounds starting the same year: the newer round (it states the year's frame last).
    """
    chosen: dict[tuple[int, int], tuple[tuple[int, int], int, Decimal]] = {}
    rows = Frame.objects.filter(round__office=office).values_list(
        "scheme_id", "budget_year", "amount", "round_id", "round__first_budget_year"
    )
    for scheme_id, year, amount, round_id, first_year in rows:
        rank = (10_000 if first_year == year else first_year, round_id)
        key = (scheme_id, year)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, round_id, amount)
    return {key: (round_id, amount) for key, (_rank, round_id, amount) in chosen.items()}


def money_for_office(office: Office) -> OfficeMoney:
    """Frame, committed (per round), paid and free for every scheme and budget year of the office.

    The one place these figures are computed. Three queries, whatever the amount of data: the frames, and the
    provider's commitments and payouts.
    """
    frames = frames_for_office(office)
    committed: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    earlier: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    paid: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for provider in _providers:
        bindings = provider(office)
        for (scheme_id, year, round_id, first_year), amount in bindings.committed.items():
            committed[(scheme_id, year)][round_id] += amount
            if first_year < year:
                earlier[(scheme_id, year)] += amount
        for key, amount in bindings.paid.items():
            paid[key] += amount
    rows = {}
    for key in set(frames) | set(committed) | set(paid):
        frame_round_id, frame = frames.get(key, (None, ZERO))
        by_round = dict(committed.get(key, {}))
        rows[key] = Money(
            scheme_id=key[0],
            budget_year=key[1],
            frame=frame,
            frame_round_id=frame_round_id,
            committed=sum(by_round.values(), ZERO),
            committed_earlier=earlier.get(key, ZERO),
            paid=paid.get(key, ZERO),
            by_round=by_round,
        )
    return OfficeMoney(office=office, rows=rows)


def committed_by_other_rounds(*, round: Round, scheme: Scheme, money: OfficeMoney | None = None) -> dict[int, Decimal]:
    """Budget year → money other rounds' decisions bind for the scheme at the round's office, for its years."""
    money = money or money_for_office(round.office)
    return {year: money.get(scheme, year).committed_by_others(round) for year in round.budget_years}
