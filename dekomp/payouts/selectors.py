"""Reads for the payouts pages: payable decision lines, overdue reports, batches, one batch and the ledger page."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from dekomp.activity.services import events_for
from dekomp.decisions.models import DecisionLine, DecisionStatus, Outcome
from dekomp.needs.models import CoOwner
from dekomp.organisations.models import Office, Organisation
from dekomp.organisations.validators import clean_bank_account
from dekomp.schemes.models import Scheme

from .ledger import ZERO, LedgerRow, binding_lines, ledger
from .models import BatchStatus, Payout, PayoutBatch, RecipientKind

# A recipient's report that is not yet sent in (or was sent back for more). The same values as
# dekomp.reporting.models.EDITABLE_STATUSES: payouts comes before reporting and may not import it.
OPEN_REPORT_STATUSES = ("forventet", "utkast", "mer_info")


def is_valid_bank_account(value: str) -> bool:
    """Eleven digits with a correct mod-11 check digit."""
    try:
        return bool(value) and clean_bank_account(value) == value
    except ValidationError:
        return False


def payable_lines(office: Office, *, budget_year: int | None = None) -> QuerySet[DecisionLine]:
    """Binding, non-rejected decision lines with money and no payout yet, each marked owner side or partner.

    ``is_owner_side`` is true when the recipient is the needs report's owner or one of its co-owners; everyone else
    (universities, colleges, national centres) is paid as a partner. ``is_accepted`` is true once the owner has
    accepted the decision's terms: only those lines are paid.
    """
    co_owner = CoOwner.objects.filter(report=OuterRef("decision__report_id"), organisation=OuterRef("recipient_id"))
    lines = (
        binding_lines(office)
        .filter(amount__gt=0, payout__isnull=True)
        .exclude(decision__outcome=Outcome.REJECTED)
        .annotate(
            is_owner_side=Case(
                When(Q(recipient_id=F("decision__report__owner_id")) | Q(Exists(co_owner)), then=Value(True)),
                default=Value(False),
            ),
            is_accepted=Case(When(decision__status=DecisionStatus.ACCEPTED, then=Value(True)), default=Value(False)),
        )
    )
    if budget_year is not None:
        lines = lines.filter(budget_year=budget_year)
    return lines


def lines_for_kind(office: Office, *, budget_year: int, recipient_kind: str) -> QuerySet[DecisionLine]:
    """The payable lines of one budget year for owners (and co-owners) or for partners."""
    return payable_lines(office, budget_year=budget_year).filter(is_owner_side=recipient_kind == RecipientKind.OWNER)


@dataclass(frozen=True)
class OverdueReport:
    """A recipient's report whose deadline has passed without it being sent in."""

    budget_year: int
    deadline: date


def overdue_reports(recipient_ids, *, today: date | None = None) -> dict[int, list[OverdueReport]]:
    """Recipient id → its overdue reports (deadline passed, not sent in), read through Organisation.reports."""
    today = today or timezone.localdate()
    rows = (
        Organisation.objects.filter(
            pk__in=list(recipient_ids), reports__deadline__lt=today, reports__status__in=OPEN_REPORT_STATUSES
        )
        .values_list("pk", "reports__budget_year", "reports__deadline")
        .order_by("pk", "reports__deadline")
    )
    overdue: dict[int, list[OverdueReport]] = defaultdict(list)
    for pk, year, deadline in rows:
        overdue[pk].append(OverdueReport(budget_year=year, deadline=deadline))
    return dict(overdue)


@dataclass(frozen=True)
class PayoutWork:
    """What an office has left to pay: per budget year the accepted lines in no batch, and the unpaid batches."""

    office: Office
    ready: list[tuple[int, int]]
    unfinished: list[PayoutBatch]


def payout_work(office: Office) -> PayoutWork:
    """The office's payouts still to do, for its home's to-do list (two queries)."""
    ready = (
        payable_lines(office)
        .filter(is_accepted=True)
        .values_list("budget_year")
        .annotate(count=Count("pk"))
        .order_by("budget_year")
    )
    unfinished = (
        PayoutBatch.objects.filter(office=office).exclude(status=BatchStatus.PAID).order_by("budget_year", "number")
    )
    return PayoutWork(office=office, ready=list(ready), unfinished=list(unfinished))


# ------------------------------------------------------------------------------------------------------ index


@dataclass
class YearSummary:
    """One budget year on the payouts page: what is ready to pay, what waits for acceptance, and the batches."""

    budget_year: int
    ready: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    waiting: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    batches: list[PayoutBatch] = field(default_factory=list)

    @property
    def kind_rows(self) -> list[tuple[str, int, Decimal, int, Decimal]]:
        """Per recipient kind: its label, the count and sum ready to pay, and the count and sum waiting."""
        return [
            (kind.label, *self.ready.get(kind.value, (0, ZERO)), *self.waiting.get(kind.value, (0, ZERO)))
            for kind in RecipientKind
        ]


def batches_with_totals(office: Office) -> QuerySet[PayoutBatch]:
    """The office's batches with the amount and count of payouts included and held, newest first."""
    return (
        PayoutBatch.objects.filter(office=office)
        .select_related("created_by", "paid_by")
        .annotate(
            total=Sum("payouts__amount", filter=Q(payouts__is_held=False), default=ZERO),
            included_count=Count("payouts", filter=Q(payouts__is_held=False)),
            held_count=Count("payouts", filter=Q(payouts__is_held=True)),
        )
        .order_by("-budget_year", "-number")
    )


def payouts_index(office: Office) -> list[YearSummary]:
    """Per budget year (newest first): the unpaid lines ready or waiting per recipient kind, and the batches.

    Two queries, whatever the amount of data.
    """
    years: dict[int, YearSummary] = {}

    def year(budget_year: int) -> YearSummary:
        return years.setdefault(budget_year, YearSummary(budget_year=budget_year))

    rows = (
        payable_lines(office)
        .values("budget_year", "is_owner_side", "is_accepted")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        kind = RecipientKind.OWNER if row["is_owner_side"] else RecipientKind.PARTNER
        target = year(row["budget_year"]).ready if row["is_accepted"] else year(row["budget_year"]).waiting
        count, total = target.get(kind, (0, ZERO))
        target[kind] = (count + row["count"], total + row["total"])
    for batch in batches_with_totals(office):
        year(batch.budget_year).batches.append(batch)
    return [years[key] for key in sorted(years, reverse=True)]


# ------------------------------------------------------------------------------------------------------ batch


@dataclass
class PayoutRow:
    """One payout on the batch page, with the account number that counts now and whether it is valid."""

    payout: Payout
    bank_account: str
    has_valid_account: bool


@dataclass
class BatchPage:
    """Everything the batch page shows."""

    batch: PayoutBatch
    included: list[PayoutRow]
    held: list[PayoutRow]
    waiting: list[DecisionLine]
    events: list

    @property
    def total(self) -> Decimal:
        return sum((row.payout.amount for row in self.included), ZERO)

    @property
    def held_total(self) -> Decimal:
        return sum((row.payout.amount for row in self.held), ZERO)

    @property
    def waiting_total(self) -> Decimal:
        return sum((line.amount for line in self.waiting), ZERO)

    @property
    def missing_accounts(self) -> list[Organisation]:
        """Recipients of included payouts without a valid account number, each named once."""
        seen: dict[int, Organisation] = {}
        for row in self.included:
            if not row.has_valid_account:
                seen.setdefault(row.payout.recipient_id, row.payout.recipient)
        return list(seen.values())


def batch_payouts(batch: PayoutBatch) -> QuerySet[Payout]:
    """The batch's payouts with everything the page and the export show."""
    return batch.payouts.select_related(
        "recipient", "line__decision__report__round", "line__decision__report__scheme"
    ).order_by("recipient__name", "line__decision__report__number", "pk")


def batch_page(batch: PayoutBatch) -> BatchPage:
    """A batch's payouts split into included and held, and the lines of its year and kind awaiting acceptance.

    A draft batch shows each recipient's account number as registered now (it is copied into the payout when the
    batch is exported); an exported or paid batch shows the number it was exported with.
    """
    included, held = [], []
    for payout in batch_payouts(batch):
        account = payout.recipient.bank_account if batch.status == BatchStatus.DRAFT else payout.bank_account
        row = PayoutRow(payout=payout, bank_account=account, has_valid_account=is_valid_bank_account(account))
        (held if payout.is_held else included).append(row)
    waiting = list(
        lines_for_kind(batch.office, budget_year=batch.budget_year, recipient_kind=batch.recipient_kind)
        .filter(is_accepted=False)
        .select_related("recipient", "decision__report__round")
        .order_by("recipient__name", "pk")
    )
    return BatchPage(batch=batch, included=included, held=held, waiting=waiting, events=list(events_for(batch)))


# ------------------------------------------------------------------------------------------------------ ledger


@dataclass(frozen=True)
class LedgerLine:
    """A ledger row with the widths (per cent of the larger of frame and committed) of its bar's parts."""

    row: LedgerRow
    paid_width: int
    unpaid_width: int
    free_width: int
    over_width: int

    @property
    def is_over(self) -> bool:
        return self.row.free < 0

    @property
    def bound_percent(self) -> int | None:
        """Committed as a whole per cent of the frame (None without a frame)."""
        if self.row.frame <= 0:
            return None
        return round(self.row.committed * 100 / self.row.frame)


def _widths(row: LedgerRow) -> tuple[int, int, int, int]:
    scale = max(row.frame, row.committed)
    if scale <= 0:
        return 0, 0, 0, 0
    paid = min(row.paid, row.committed)

    def pct(amount: Decimal) -> int:
        return round(max(amount, ZERO) * 100 / scale)

    if row.committed <= row.frame:
        paid_w, unpaid_w = pct(paid), pct(row.committed - paid)
        return paid_w, unpaid_w, max(0, 100 - paid_w - unpaid_w) if row.frame > 0 else 0, 0
    # Committed beyond the frame: the frame's share is bound, the rest is marked as over the frame.
    paid_w = pct(min(paid, row.frame))
    unpaid_w = max(0, pct(row.frame) - paid_w)
    return paid_w, unpaid_w, 0, max(0, 100 - paid_w - unpaid_w)


@dataclass
class LedgerGroup:
    """One scheme's rows in the ledger, with its totals over the years shown."""

    scheme: Scheme
    lines: list[LedgerLine]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(line.row, name) for line in self.lines), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        names = ("frame", "committed_this_year", "committed_earlier", "committed", "paid", "unpaid", "free")
        return {name: self._sum(name) for name in names}


def ledger_page(office: Office) -> list[LedgerGroup]:
    """The office's ledger grouped by scheme, with bars; a fixed number of queries (see ``ledger``)."""
    groups: dict[int, LedgerGroup] = {}
    for row in ledger(office):
        line = LedgerLine(row, *_widths(row))
        groups.setdefault(row.scheme.pk, LedgerGroup(scheme=row.scheme, lines=[])).lines.append(line)
    return list(groups.values())
