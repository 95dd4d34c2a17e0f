"""What other rounds' decisions already bind in a round's budget years.

The commitments ledger lives in a later stage (payouts). Earlier stages — the round set-up, the solver and the
forum's frame check — must not import it, so the later stage registers a provider here when it starts.
"""

from collections.abc import Callable
from decimal import Decimal

from dekomp.organisations.models import Office

from .models import Frame, Round, Scheme

Provider = Callable[..., dict[int, Decimal]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider ``(round=, scheme=) -> {budget_year: amount}``; registering the same one twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def committed_by_other_rounds(*, round: Round, scheme: Scheme) -> dict[int, Decimal]:
    """Budget year → money other rounds' decisions bind for the scheme at the round's office, for its years."""
    totals = dict.fromkeys(round.budget_years, Decimal(0))
    for provider in _providers:
        for year, amount in provider(round=round, scheme=scheme).items():
            if year in totals:
                totals[year] += amount
    return totals


def frames_for_office(office: Office) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → the frame that counts for the year at the office.

    The frame of a budget year is the one set by the office's round whose first budget year it is; until that round
    exists, the latest earlier round's planning frame for the year counts.
    """
    chosen: dict[tuple[int, int], tuple[int, Decimal]] = {}
    rows = Frame.objects.filter(round__office=office).values_list(
        "scheme_id", "budget_year", "amount", "round__first_budget_year"
    )
    for scheme_id, year, amount, first_year in rows:
        rank = 10_000 if first_year == year else first_year
        key = (scheme_id, year)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, amount)
    return {key: amount for key, (_rank, amount) in chosen.items()}
