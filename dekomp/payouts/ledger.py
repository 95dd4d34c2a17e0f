"""The commitments ledger: per office, scheme and budget year, the frame, what is committed, paid and free.

The figures come from ``dekomp.schemes.commitments.money_for_office``, the one place they are computed; this module
provides it with the commitments and payouts (``bindings``, registered in ``PayoutsConfig.ready``). Committed is the
sum of the binding decision lines (decided, letter sent or accepted) that no later change decision has superseded.
Paid is the sum of payouts in batches marked as paid. ``free = frame − committed``; decisions may not make it
negative, and no payout makes ``paid`` exceed ``committed``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from dekomp.decisions.models import BINDING_STATUSES, DecisionLine
from dekomp.organisations.models import Office
from dekomp.schemes.commitments import Bindings, Money, money_for_office
from dekomp.schemes.models import Scheme

from .models import BatchStatus, Payout

ZERO = Decimal(0)


@dataclass(frozen=True)
class LedgerRow:
    """One office's money for one scheme in one budget year: a ``Money`` with its scheme."""

    scheme: Scheme
    money: Money

    @property
    def budget_year(self) -> int:
        return self.money.budget_year

    @property
    def frame(self) -> Decimal:
        return self.money.frame

    @property
    def committed(self) -> Decimal:
        return self.money.committed

    @property
    def committed_earlier(self) -> Decimal:
        """Committed by earlier rounds' decisions (their years 2 and 3)."""
        return self.money.committed_earlier

    @property
    def committed_this_year(self) -> Decimal:
        """Committed by the decisions of the round whose first budget year this is (and any later round)."""
        return self.money.committed_this_year

    @property
    def paid(self) -> Decimal:
        return self.money.paid

    @property
    def free(self) -> Decimal:
        return self.money.free

    @property
    def unpaid(self) -> Decimal:
        return self.money.unpaid


def binding_lines(office: Office):
    """The decision lines that bind money at the office now."""
    return DecisionLine.objects.filter(
        decision__report__round__office=office,
        decision__status__in=BINDING_STATUSES,
        superseded_by__isnull=True,
    )


def committed(office: Office) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → committed money."""
    rows = binding_lines(office).values_list("decision__report__scheme_id", "budget_year").annotate(total=Sum("amount"))
    return {(scheme_id, year): total for scheme_id, year, total in rows}


def paid(office: Office) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → money paid out in batches marked as paid."""
    rows = (
        Payout.objects.filter(batch__office=office, batch__status=BatchStatus.PAID, is_held=False)
        .values_list("line__decision__report__scheme_id", "line__budget_year")
        .annotate(total=Sum("amount"))
    )
    return {(scheme_id, year): total for scheme_id, year, total in rows}


def bindings(office: Office) -> Bindings:
    """The office's commitments per scheme, year and round, and its payouts: the provider of ``schemes.commitments``.

    Two queries.
    """
    rows = binding_lines(office).values_list(
        "decision__report__scheme_id",
        "budget_year",
        "decision__report__round_id",
        "decision__report__round__first_budget_year",
    )
    return Bindings(
        committed={
            (scheme_id, year, round_id, first): total
            for scheme_id, year, round_id, first, total in rows.annotate(total=Sum("amount"))
        },
        paid=paid(office),
    )


def ledger(office: Office) -> list[LedgerRow]:
    """Every (scheme, budget year) the office has a frame or a commitment for, ordered by scheme and year.

    Four queries, whatever the amount of data: frames, commitments, payouts and the schemes.
    """
    money = list(money_for_office(office))
    schemes = Scheme.objects.in_bulk({row.scheme_id for row in money})
    return [LedgerRow(scheme=schemes[row.scheme_id], money=row) for row in money]
