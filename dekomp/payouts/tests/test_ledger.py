"""The commitments ledger: examples, the hook for the round set-up, and property tests over random offices."""

import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dekomp.decisions.models import Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import approved_recommendation, decided
from dekomp.needs.models import NeedsReport, ReportKind, Status
from dekomp.needs.tests.factories import open_round
from dekomp.payouts import services
from dekomp.payouts.ledger import ledger
from dekomp.payouts.models import BatchStatus, Payout
from dekomp.schemes.commitments import committed_by_other_rounds
from dekomp.schemes.models import Frame, Round, RoundStatus, Scheme

from .factories import give_accounts, overdue_report, paid_batch

pytestmark = pytest.mark.django_db


def _row(office, code: str, year: int):
    return next(r for r in ledger(office) if r.scheme.code == code and r.budget_year == year)


# ------------------------------------------------------------------------------------------------------ examples


def test_years_two_and_three_of_earlier_decisions_reduce_later_frames(world):
    first = open_round(world.office, name="Runde 2027")
    decided(world, 2, round=first, status=DecisionStatus.ACCEPTED)
    second = open_round(world.office, name="Runde 2028")
    second.year = second.first_budget_year = 2028
    second.save()
    Frame.objects.filter(round=second).delete()
    dekomp = Scheme.objects.get(code="dekomp")
    Frame.objects.create(round=second, scheme=dekomp, budget_year=2028, amount=Decimal(1_000_000))
    decided(world, 1, round=second, status=DecisionStatus.DECIDED)  # lines for 2028 and 2029
    row = _row(world.office, "dekomp", 2028)
    # 2028: the 2028 round's own frame; 2027's decisions bind 100+50+200+50 (their second year).
    assert row.frame == Decimal(1_000_000)
    assert row.committed_earlier == Decimal(400_000)
    assert row.committed_this_year == Decimal(150_000)
    assert row.committed == Decimal(550_000) and row.free == Decimal(450_000)
    # The hook the round set-up reads: what other rounds bind in the 2028 round's years.
    assert committed_by_other_rounds(round=second, scheme=dekomp) == {
        2028: Decimal(400_000),
        2029: Decimal(0),
        2030: Decimal(0),
    }
    assert committed_by_other_rounds(round=first, scheme=dekomp)[2028] == Decimal(150_000)


def test_free_goes_negative_when_decisions_exceed_the_frame(world):
    round = open_round(world.office, name="Knapp runde")
    Frame.objects.filter(round=round, budget_year=2027).update(amount=Decimal(100_000))
    decided(world, 2, round=round, status=DecisionStatus.ACCEPTED)
    row = _row(world.office, "dekomp", 2027)
    assert row.committed == Decimal(400_000) and row.free == Decimal(-300_000)


def test_drafts_do_not_bind_and_paid_follows_paid_batches(world):
    round = open_round(world.office, name="Runde")
    decided(world, 1, round=round, status=DecisionStatus.ACCEPTED)
    decided(world, 1, round=open_round(world.office, name="Utkastrunde"), status=DecisionStatus.DRAFT)
    give_accounts(world.owner_org, world.co_owner_org, world.partner_org)
    row = _row(world.office, "dekomp", 2027)
    assert (row.committed, row.paid) == (Decimal(150_000), Decimal(0))
    paid_batch(world)
    row = _row(world.office, "dekomp", 2027)
    assert (row.paid, row.unpaid) == (Decimal(100_000), Decimal(50_000))


def test_ledger_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    for index in range(3):
        decided(world, 2, round=open_round(world.office, name=f"Runde {index}"), status=DecisionStatus.ACCEPTED)
    with django_assert_num_queries(4):
        rows = ledger(world.office)
    assert len(rows) >= 3


# ------------------------------------------------------------------------------------------------------ properties

SCHEMES = ("dekomp", "rekomp")
# Accepted decisions weigh more: only they are paid.
STATUSES = (DecisionStatus.DRAFT, DecisionStatus.DECIDED, DecisionStatus.SENT, *[DecisionStatus.ACCEPTED] * 3)
FIRST_YEAR = 2030
amounts = st.integers(min_value=0, max_value=40).map(lambda k: Decimal(k * 12_500))


@dataclass(frozen=True)
class DecisionSpec:
    round: int
    scheme: str
    years: int
    co_owner: bool
    owner_amounts: tuple[Decimal, ...]
    partner_amounts: tuple[Decimal, ...]
    status: str
    is_rejected: bool


@dataclass(frozen=True)
class ChangeSpec:
    decision: int
    year_index: int
    owner_amount: Decimal
    partner_amount: Decimal


@dataclass(frozen=True)
class PaySpec:
    year: int  # picks one of the budget years accepted decisions pay in
    kind: str
    remove_one: bool
    release: bool
    mark_paid: bool


@dataclass(frozen=True)
class OfficeSpec:
    rounds: int
    frames: dict[tuple[int, str, int], Decimal]
    decisions: list[DecisionSpec]
    changes: list[ChangeSpec]
    payments_before: list[PaySpec]
    payments_after: list[PaySpec]
    overdue: str  # whose report is overdue: "", "owner_org", "co_owner_org" or "partner_org"


@st.composite
def decision_specs(draw, rounds: int) -> DecisionSpec:
    years = draw(st.integers(1, 3))
    return DecisionSpec(
        round=draw(st.integers(0, rounds - 1)),
        scheme=draw(st.sampled_from(SCHEMES)),
        years=years,
        co_owner=draw(st.booleans()),
        owner_amounts=tuple(draw(st.lists(amounts, min_size=years, max_size=years))),
        partner_amounts=tuple(draw(st.lists(amounts, min_size=years, max_size=years))),
        status=draw(st.sampled_from(STATUSES)),
        is_rejected=draw(st.integers(0, 5)) == 0,
    )


pay_specs = st.builds(
    PaySpec,
    year=st.integers(0, 9),
    kind=st.sampled_from(("eier", "partner")),
    remove_one=st.booleans(),
    release=st.booleans(),
    mark_paid=st.integers(0, 3).map(bool),
)


@st.composite
def office_specs(draw) -> OfficeSpec:
    rounds = draw(st.integers(2, 3))
    frames = {}
    for r, code, offset in itertools.product(range(rounds), SCHEMES, range(3)):
        if draw(st.integers(0, 3)):
            frames[(r, code, FIRST_YEAR + r + offset)] = draw(st.integers(0, 60).map(lambda k: Decimal(k * 25_000)))
    return OfficeSpec(
        rounds=rounds,
        frames=frames,
        decisions=draw(st.lists(decision_specs(rounds), min_size=1, max_size=7)),
        changes=draw(
            st.lists(st.builds(ChangeSpec, st.integers(0, 20), st.integers(0, 1), amounts, amounts), max_size=4)
        ),
        payments_before=draw(st.lists(pay_specs, min_size=1, max_size=4)),
        payments_after=draw(st.lists(pay_specs, max_size=4)),
        overdue=draw(st.sampled_from(("", "owner_org", "co_owner_org", "partner_org"))),
    )


@dataclass
class Books:
    """What the test itself wrote, kept apart from the ledger's queries: the independent side of the check."""

    frames: dict[tuple[str, int], tuple[int, Decimal]] = field(default_factory=dict)
    # line pk → (scheme code, budget year, amount, binds money)
    lines: dict[int, tuple[str, int, Decimal, bool]] = field(default_factory=dict)
    superseded: set[int] = field(default_factory=set)
    scheme_of_reference: dict[str, str] = field(default_factory=dict)
    paid: dict[tuple[str, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    held: int = 0

    def committed(self) -> dict[tuple[str, int], Decimal]:
        totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        for pk, (code, year, amount, binds) in self.lines.items():
            if binds and pk not in self.superseded:
                totals[(code, year)] += amount
        return totals


class Builder:
    """Builds one random office's rounds, frames, decisions, change decisions and payouts."""

    def __init__(self, world, spec: OfficeSpec) -> None:
        self.world, self.spec, self.books = world, spec, Books()
        self.by = world.users["caseworker"]
        self.numbers = itertools.count(1)
        self.now = timezone.now()
        self.schemes = {s.code: s for s in Scheme.objects.filter(code__in=SCHEMES)}

    def build(self) -> Books:
        # Start from an office whose only money is what this example writes (the personas' round has frames).
        Frame.objects.filter(round__office=self.world.office).delete()
        give_accounts(self.world.owner_org, self.world.co_owner_org, self.world.partner_org)
        self.rounds = [self._round(r) for r in range(self.spec.rounds)]
        self.batches = [self._decision_batch(round) for round in self.rounds]
        self.decisions = [self._decision(d) for d in self.spec.decisions]
        if self.spec.overdue:
            line = DecisionLine.objects.filter(recipient=getattr(self.world, self.spec.overdue)).first()
            if line is not None:
                overdue_report(line)
        for pay in self.spec.payments_before:
            self._pay(pay)
        for change in self.spec.changes:
            self._change(change)
        for pay in self.spec.payments_after:
            self._pay(pay)
        return self.books

    def _round(self, r: int) -> Round:
        first = FIRST_YEAR + r
        round = Round.objects.create(
            office=self.world.office,
            year=first,
            name=f"Egenskapsrunde {first}",
            status=RoundStatus.DECISION,
            opens_at=self.now - timedelta(days=60),
            first_budget_year=first,
        )
        round.schemes.set(self.schemes.values())
        for (index, code, year), amount in self.spec.frames.items():
            if index == r:
                Frame.objects.create(round=round, scheme=self.schemes[code], budget_year=year, amount=amount)
                # The frame of a year is the one of the round starting that year, else the latest earlier one.
                rank = 10_000 if year == first else first
                key = (code, year)
                if key not in self.books.frames or rank > self.books.frames[key][0]:
                    self.books.frames[key] = (rank, amount)
        return round

    def _decision_batch(self, round: Round) -> DecisionBatch:
        return DecisionBatch.objects.create(
            round=round,
            recommendation=approved_recommendation(self.world, [], round),
            created_by=self.by,
            decided_at=self.now,
        )

    def _report(self, round: Round, code: str, owner, years: int, amends=None) -> NeedsReport:
        report = NeedsReport.objects.create(
            round=round,
            scheme=self.schemes[code],
            owner=owner,
            number=next(self.numbers),
            title="Egenskapstiltak",
            status=Status.CHECKED,
            kind=ReportKind.CHANGE if amends else ReportKind.NEW,
            amends=amends,
            years=years,
            created_by=self.world.users["owner"],
            submitted_at=self.now,
        )
        self.books.scheme_of_reference[f"V{report.reference}"] = code
        return report

    def _new_decision(self, round_index: int, report: NeedsReport, status: str, outcome: str) -> Decision:
        is_draft = status == DecisionStatus.DRAFT
        return Decision.objects.create(
            batch=self.batches[round_index],
            report=report,
            number=next(self.numbers),
            outcome=outcome,
            status=status,
            decided_at=None if is_draft else self.now,
            accepted_at=self.now if status == DecisionStatus.ACCEPTED else None,
        )

    def _line(self, decision: Decision, recipient, year: int, amount: Decimal, code: str) -> DecisionLine:
        line = DecisionLine.objects.create(
            decision=decision,
            recipient=recipient,
            budget_year=year,
            requested=amount,
            recommended=amount,
            amount=amount,
        )
        self.books.lines[line.pk] = (code, year, amount, decision.status != DecisionStatus.DRAFT)
        return line

    def _decision(self, spec: DecisionSpec) -> tuple[Decision, list[tuple[DecisionLine, DecisionLine]]]:
        round = self.rounds[spec.round]
        owner = self.world.co_owner_org if spec.co_owner else self.world.owner_org
        report = self._report(round, spec.scheme, owner, spec.years)
        outcome = Outcome.REJECTED if spec.is_rejected else Outcome.GRANTED
        decision = self._new_decision(spec.round, report, spec.status, outcome)
        pairs = []
        for index, year in enumerate(round.budget_years[: spec.years]):
            owner_amount = Decimal(0) if spec.is_rejected else spec.owner_amounts[index]
            partner_amount = Decimal(0) if spec.is_rejected else spec.partner_amounts[index]
            pairs.append(
                (
                    self._line(decision, owner, year, owner_amount, spec.scheme),
                    self._line(decision, self.world.partner_org, year, partner_amount, spec.scheme),
                )
            )
        return decision, pairs

    def _change(self, change: ChangeSpec) -> None:
        """A change decision in the next round replaces year 2 or 3 of a binding, granted decision."""
        eligible = [
            (decision, pairs, spec)
            for (decision, pairs), spec in zip(self.decisions, self.spec.decisions, strict=True)
            if decision.is_binding and not spec.is_rejected and len(pairs) > 1 and spec.round + 1 < len(self.rounds)
        ]
        if not eligible:
            return
        decision, pairs, spec = eligible[change.decision % len(eligible)]
        old_lines = pairs[1 + change.year_index % (len(pairs) - 1)]
        if any(line.pk in self.books.superseded or Payout.objects.filter(line=line).exists() for line in old_lines):
            return  # a line already replaced or put in a batch is not changed again here
        report = self._report(self.rounds[spec.round + 1], spec.scheme, decision.report.owner, 1, decision.report)
        new = self._new_decision(spec.round + 1, report, DecisionStatus.ACCEPTED, Outcome.PARTLY)
        for old, amount in zip(old_lines, (change.owner_amount, change.partner_amount), strict=True):
            replacement = self._line(new, old.recipient, old.budget_year, amount, spec.scheme)
            old.superseded_by = replacement
            old.save(update_fields=["superseded_by"])
            self.books.superseded.add(old.pk)

    def _pay(self, pay: PaySpec) -> None:
        """Create, trim, release, export and mark paid through the services; refusals are part of the game."""
        years = sorted(
            set(
                DecisionLine.objects.filter(decision__status=DecisionStatus.ACCEPTED).values_list(
                    "budget_year", flat=True
                )
            )
        ) or [FIRST_YEAR]
        try:
            batch = services.payout_batch_create(
                by=self.by,
                office=self.world.office,
                budget_year=years[pay.year % len(years)],
                recipient_kind=pay.kind,
                token=uuid.uuid4(),
            )
        except ValidationError:
            return  # nothing (left) to pay for that year and kind
        payouts = list(batch.payouts.order_by("pk"))
        self.books.held += sum(1 for payout in payouts if payout.is_held)
        if pay.remove_one and len(payouts) > 1:
            services.payout_remove(by=self.by, payout=payouts[0], version=batch.version)
        if pay.release:
            for payout in batch.payouts.filter(is_held=True):
                services.payout_release(by=self.by, payout=payout, reason="Rapporten er mottatt.")
        try:
            rows = services.payout_batch_export(by=self.by, batch=batch, fmt="csv")
        except ValidationError:
            return  # everything held: nothing to export
        if pay.mark_paid:
            batch.refresh_from_db()
            services.payout_batch_mark_paid(by=self.by, batch=batch, version=batch.version)
            for row in rows:
                self.books.paid[(self.books.scheme_of_reference[row.decision_reference], row.budget_year)] += row.amount


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=office_specs())
def test_ledger_properties_hold_for_random_offices(world, spec):
    """For every scheme and budget year: frame = committed + free, paid ≤ committed, committed = the sum of the
    binding lines no change decision superseded, frame and paid as written, across multi-year decisions,
    change decisions and payouts."""
    with transaction.atomic():
        books = Builder(world, spec).build()
        rows = {(row.scheme.code, row.budget_year): row for row in ledger(world.office)}
        expected_committed = books.committed()
        for key, row in rows.items():
            assert row.frame == row.committed + row.free, key
            assert row.paid <= row.committed, key
            assert row.committed == expected_committed.get(key, Decimal(0)), key
            assert row.committed_earlier + row.committed_this_year == row.committed, key
            assert row.frame == books.frames.get(key, (0, Decimal(0)))[1], key
            assert row.paid == books.paid.get(key, Decimal(0)), key
        for key in set(books.frames) | {k for k, v in expected_committed.items() if v} | set(books.paid):
            assert key in rows, key
        # Nothing paid beyond its line, nothing paid on a superseded line or a decision not accepted.
        for payout in Payout.objects.filter(batch__status=BatchStatus.PAID).select_related("line__decision"):
            assert payout.amount <= payout.line.amount
            assert payout.line.superseded_by_id is None
            assert payout.line.decision.status == DecisionStatus.ACCEPTED
            assert payout.line.decision.outcome != Outcome.REJECTED
        # Shown by --hypothesis-show-statistics: how often the interesting cases came up.
        paid_batches = Payout.objects.filter(batch__status=BatchStatus.PAID).values("batch").distinct().count()
        event(f"paid batches: {paid_batches}")
        event(f"superseded lines: {len(books.superseded)}")
        event(f"held payouts: {books.held > 0}")
        event(f"negative free: {any(row.free < 0 for row in rows.values())}")
        event(f"earlier rounds commit: {any(row.committed_earlier for row in rows.values())}")
        transaction.set_rollback(True)
