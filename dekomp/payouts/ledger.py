"""The commitments ledger: per office, scheme and budget year, the frame, what is committed, paid and free.

The frame of a budget year follows ``dekomp.schemes.commitments.frames_for_office``. Committed is the sum of the
binding decision lines (decided, letter sent or accepted) that no later change decision has superseded. Paid is the
sum of payouts in batches marked as paid. ``free = frame − committed``; decisions may not make it negative, and no
payout makes ``paid`` exceed ``committed``.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from dekomp.decisions.models import BINDING_STATUSES, DecisionLine
from dekomp.organisations.models import Office
from dekomp.schemes.commitments import frames_for_office
from dekomp.schemes.models import Round, Scheme

from .models import BatchStatus, Payout

ZERO = Decimal(0)


@dataclass(frozen=True)
class LedgerRow:
    """One office's money for one scheme in one budget year."""

    scheme: Scheme
    budget_year: int
    frame: Decimal
    committed: Decimal
    paid: Decimal
    committed_earlier: Decimal = ZERO

    @property
    def free(self) -> Decimal:
        return self.frame - self.committed

    @property
    def committed_this_year(self) -> Decimal:
        """Committed by the decisions of the round whose first budget year this is (and any later round)."""
        return self.committed - self.committed_earlier

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


def binding_lines(office: Office):
    """The decision lines that bind money at the office now."""
    return DecisionLine.objects.filter(
        decision__report__round__office=office,
        decision__status__in=BINDING_STATUSES,
        superseded_by__isnull=True,
    )


def committed(office: Office, *, exclude_round: Round | None = None) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → committed money, optionally leaving one round's own decisions out."""
    lines = binding_lines(office)
    if exclude_round is not None:
        lines = lines.exclude(decision__report__round=exclude_round)
    rows = lines.values_list("decision__report__scheme_id", "budget_year").annotate(total=Sum("amount"))
    return {(scheme_id, year): total for scheme_id, year, total in rows}


def committed_split(office: Office) -> tuple[dict[tuple[int, int], Decimal], dict[tuple[int, int], Decimal]]:
    """(scheme id, budget year) → committed in total, and the part earlier rounds' decisions (years 2 and 3) bind."""
    rows = (
        binding_lines(office)
        .values_list("decision__report__scheme_id", "budget_year", "decision__report__round__first_budget_year")
        .annotate(total=Sum("amount"))
    )
    total: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    earlier: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for scheme_id, year, first_year, amount in rows:
        total[(scheme_id, year)] += amount
        if first_year < year:
            earlier[(scheme_id, year)] += amount
    return dict(total), dict(earlier)


def paid(office: Office) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → money paid out in batches marked as paid."""
    rows = (
        Payout.objects.filter(batch__office=office, batch__status=BatchStatus.PAID, is_held=False)
        .values_list("line__decision__report__scheme_id", "line__budget_year")
        .annotate(total=Sum("amount"))
    )
    return {(scheme_id, year): total for scheme_id, year, total in rows}


def ledger(office: Office) -> list[LedgerRow]:
    """Every (scheme, budget year) the office has a frame or a commitment for, ordered by scheme and year.

    Four queries, whatever the amount of data: frames, commitments, payouts and the schemes.
    """
    frame_by_key, paid_by_key = frames_for_office(office), paid(office)
    committed_by_key, earlier_by_key = committed_split(office)
    keys = set(frame_by_key) | set(committed_by_key) | set(paid_by_key)
    schemes = Scheme.objects.in_bulk({scheme_id for scheme_id, _year in keys})
    rows = [
        LedgerRow(
            scheme=schemes[scheme_id],
            budget_year=year,
            frame=frame_by_key.get((scheme_id, year), ZERO),
            committed=committed_by_key.get((scheme_id, year), ZERO),
            paid=paid_by_key.get((scheme_id, year), ZERO),
            committed_earlier=earlier_by_key.get((scheme_id, year), ZERO),
        )
        for scheme_id, year in keys
    ]
    return sorted(rows, key=lambda row: (row.scheme.pk, row.budget_year))


def committed_by_other_rounds(*, round: Round, scheme: Scheme) -> dict[int, Decimal]:
    """Budget year → money other rounds' binding decisions commit for the scheme (the hook in schemes)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (scheme_id, year), amount in committed(round.office, exclude_round=round).items():
        if scheme_id == scheme.pk and year in round.budget_years:
            totals[year] += amount
    return dict(totals)
