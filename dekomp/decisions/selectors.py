"""Reads for decisions: the caseworker's round workspace, one decision's page and the parties' lists, each in a fixed
number of queries however many decisions there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dekomp.allocation.models import Recommendation, RecommendationLine, RecommendationStatus
from dekomp.needs.models import NeedsReport, Status
from dekomp.organisations.models import Organisation
from dekomp.schemes.commitments import money_for_office
from dekomp.schemes.models import Round, RoundStatus, Scheme
from dekomp.schemes.workflow import Outstanding

from .models import Decision, DecisionBatch, DecisionLine, DecisionStatus
from .services import egenandel_problems

ZERO = Decimal(0)


def latest_approved_recommendation(round: Round) -> Recommendation | None:
    """The newest version of the round's recommendation that the forum has approved (decisions start from it)."""
    return (
        Recommendation.objects.filter(round=round, status=RecommendationStatus.APPROVED)
        .select_related("forum", "approved_by")
        .order_by("-number")
        .first()
    )


def decisions_in_round(round: Round) -> QuerySet[Decision]:
    """The round's decisions with report, owner, scheme, batch and lines (with recipients) loaded."""
    return (
        Decision.objects.filter(report__round=round)
        .select_related("report__owner", "report__scheme", "report__round", "batch", "decided_by")
        .prefetch_related(
            Prefetch("lines", queryset=DecisionLine.objects.select_related("recipient")), "report__contributions"
        )
        .order_by("batch__created_at", "number")
    )


def decision_for_page(pk: int) -> Decision:
    """One decision with everything its page and the permission predicates read."""
    return (
        Decision.objects.select_related(
            "batch__recommendation",
            "report__round__office",
            "report__scheme",
            "report__owner",
            "report__amends",
            "decided_by",
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DecisionLine.objects.select_related("recipient", "superseded_by__decision__report__round"),
            ),
            "report__co_owner_links__organisation",
            "report__contributions",
        )
        .get(pk=pk)
    )


def decisions_for_organisation(organisation: Organisation) -> QuerySet[Decision]:
    """Decisions made (not drafts) where the organisation is owner, co-owner or a recipient, newest first."""
    return (
        Decision.objects.exclude(status=DecisionStatus.DRAFT)
        .filter(
            Q(report__owner=organisation)
            | Q(report__co_owner_links__organisation=organisation)
            | Q(lines__recipient=organisation)
        )
        .distinct()
        .select_related("report__round", "report__scheme", "report__owner")
        .prefetch_related("lines")
        .order_by("-decided_at", "-pk")
    )


def change_request_rounds(decision: Decision) -> QuerySet[Round]:
    """Open rounds at the deciding office that offer the decision's scheme (where a change request can go)."""
    return Round.objects.filter(
        office_id=decision.report.round.office_id, status=RoundStatus.OPEN, schemes=decision.report.scheme_id
    ).order_by("first_budget_year", "name")


# ------------------------------------------------------------------------------------------------ one decision


@dataclass
class RecipientRow:
    """One recipient's lines in a decision, one cell per budget year (None where it has no line)."""

    recipient: Organisation
    cells: list[DecisionLine | None]

    @property
    def amount(self) -> Decimal:
        return sum((cell.amount for cell in self.cells if cell), ZERO)

    @property
    def recommended(self) -> Decimal:
        return sum((cell.recommended for cell in self.cells if cell), ZERO)

    @property
    def requested(self) -> Decimal:
        return sum((cell.requested for cell in self.cells if cell), ZERO)


@dataclass
class LineTable:
    """A decision's amounts as a grid: recipients down, budget years across, with totals."""

    years: list[int]
    rows: list[RecipientRow]

    def _per_year(self, attribute: str) -> list[Decimal]:
        return [
            sum((getattr(row.cells[i], attribute) for row in self.rows if row.cells[i]), ZERO)
            for i in range(len(self.years))
        ]

    @property
    def amount_by_year(self) -> list[Decimal]:
        return self._per_year("amount")

    @property
    def recommended_by_year(self) -> list[Decimal]:
        return self._per_year("recommended")

    @property
    def requested_by_year(self) -> list[Decimal]:
        return self._per_year("requested")

    @property
    def amount(self) -> Decimal:
        return sum(self.amount_by_year, ZERO)

    @property
    def recommended(self) -> Decimal:
        return sum(self.recommended_by_year, ZERO)

    @property
    def requested(self) -> Decimal:
        return sum(self.requested_by_year, ZERO)


def line_table(decision: Decision) -> LineTable:
    """The decision's (prefetched) lines as a recipient × year grid, the owner first."""
    lines = list(decision.lines.all())
    years = sorted({line.budget_year for line in lines})
    by_recipient: dict[int, dict[int, DecisionLine]] = defaultdict(dict)
    recipients: dict[int, Organisation] = {}
    for line in lines:
        by_recipient[line.recipient_id][line.budget_year] = line
        recipients[line.recipient_id] = line.recipient
    order = sorted(recipients, key=lambda pk: (pk != decision.report.owner_id, recipients[pk].name))
    rows = [RecipientRow(recipients[pk], [by_recipient[pk].get(year) for year in years]) for pk in order]
    return LineTable(years=years, rows=rows)


# ------------------------------------------------------------------------------------------------ the workspace


@dataclass
class YearCell:
    year: int
    requested: Decimal
    recommended: Decimal
    amount: Decimal

    @property
    def difference(self) -> Decimal:
        return self.amount - self.recommended


@dataclass
class DecisionRow:
    """One decision in the workspace: amounts per year against the recommendation, and whether it deviates."""

    decision: Decision
    cells: list[YearCell]
    egenandel_problems: list[str] = field(default_factory=list)

    @property
    def requested(self) -> Decimal:
        return sum((cell.requested for cell in self.cells), ZERO)

    @property
    def recommended(self) -> Decimal:
        return sum((cell.recommended for cell in self.cells), ZERO)

    @property
    def amount(self) -> Decimal:
        return sum((cell.amount for cell in self.cells), ZERO)

    @property
    def is_deviation(self) -> bool:
        return any(line.amount != line.recommended for line in self.decision.lines.all())

    @property
    def lacks_reason(self) -> bool:
        return self.is_deviation and not self.decision.deviation_reason.strip()


@dataclass
class TotalRow:
    """One scheme's money in one budget year: frame, other rounds' commitments, recommended, decided and drafted.

    Frame, ``other`` and ``decided`` come from ``schemes.commitments.money_for_office``, as on every other page.
    """

    year: int
    frame: Decimal
    other: Decimal
    recommended: Decimal
    decided: Decimal
    drafted: Decimal

    @property
    def free(self) -> Decimal:
        """Free now: the frame less what every round's binding decisions commit (the ledger's figure)."""
        return self.frame - self.other - self.decided

    @property
    def free_after_drafts(self) -> Decimal:
        """What is left of the frame when the drafts are decided as they stand."""
        return self.free - self.drafted


@dataclass
class SchemeTotals:
    scheme: Scheme
    rows: list[TotalRow]


@dataclass
class BatchView:
    batch: DecisionBatch
    rows: list[DecisionRow] = field(default_factory=list)

    @property
    def drafts(self) -> int:
        return sum(1 for row in self.rows if row.decision.status == DecisionStatus.DRAFT)

    @property
    def missing_reasons(self) -> int:
        return sum(1 for row in self.rows if row.decision.status == DecisionStatus.DRAFT and row.lacks_reason)


@dataclass
class RoundWorkspace:
    """Everything on the caseworker's decisions page for one round."""

    round: Round
    recommendation: Recommendation | None
    has_newer_draft: bool
    batches: list[BatchView]
    totals: list[SchemeTotals]
    undecided: int

    @property
    def decision_count(self) -> int:
        return sum(len(view.rows) for view in self.batches)

    @property
    def prepare_blocker(self) -> str:
        """Why decisions cannot be prepared now ('' when they can)."""
        from django.utils.translation import gettext as _

        if self.recommendation is None:
            return _("Samarbeidsforumet har ikke vedtatt en innstilling for runden ennå.")
        if not self.undecided:
            return _("Alle kontrollerte behovsmeldinger i runden har vedtak.")
        return ""


def round_workspace(round: Round) -> RoundWorkspace:
    """The round's approved recommendation, its decisions by batch, and the money per scheme and year."""
    recommendation = latest_approved_recommendation(round)
    has_newer_draft = bool(
        recommendation
        and Recommendation.objects.filter(
            round=round, forum_id=recommendation.forum_id, number__gt=recommendation.number
        ).exists()
    )
    batches = {
        batch.pk: BatchView(batch)
        for batch in DecisionBatch.objects.filter(round=round)
        .select_related("recommendation", "created_by", "decided_by")
        .order_by("created_at", "pk")
    }
    recommended_by_key: dict[tuple[int, int, int], Decimal] = {}
    if recommendation is not None:
        recommended_by_key = {
            (report_id, scheme_id, year): amount
            for report_id, scheme_id, year, amount in RecommendationLine.objects.filter(
                recommendation=recommendation
            ).values_list("report_id", "report__scheme_id", "budget_year", "amount")
        }
    drafted: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for decision in decisions_in_round(round):
        per_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for line in decision.lines.all():
            cell = per_year[line.budget_year]
            cell[0] += line.requested
            cell[1] += line.recommended
            cell[2] += line.amount
            if decision.status == DecisionStatus.DRAFT:
                drafted[(decision.report.scheme_id, line.budget_year)] += line.amount
        cells = [YearCell(year, *amounts) for year, amounts in sorted(per_year.items())]
        problems = egenandel_problems(decision) if decision.status == DecisionStatus.DRAFT else []
        batches[decision.batch_id].rows.append(DecisionRow(decision, cells, problems))
    recommended: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for (_report, scheme_id, year), amount in recommended_by_key.items():
        recommended[(scheme_id, year)] += amount
    money = money_for_office(round.office)
    totals = []
    for scheme in round.schemes.order_by("pk"):
        rows = [
            TotalRow(
                year=year,
                frame=money.get(scheme, year).frame,
                other=money.get(scheme, year).committed_by_others(round),
                recommended=recommended[(scheme.pk, year)],
                decided=money.get(scheme, year).committed_in(round),
                drafted=drafted[(scheme.pk, year)],
            )
            for year in round.budget_years
        ]
        # A scheme nobody asked money from in the round is left out (its frame is on the round's page).
        if any(row.other or row.recommended or row.decided or row.drafted for row in rows):
            totals.append(SchemeTotals(scheme, rows))
    undecided = (
        NeedsReport.objects.filter(round=round, status=Status.CHECKED, decision__isnull=True).count()
        if recommendation is not None
        else 0
    )
    return RoundWorkspace(
        round=round,
        recommendation=recommendation,
        has_newer_draft=has_newer_draft,
        batches=list(batches.values()),
        totals=totals,
        undecided=undecided,
    )


def recommended_totals(recommendation: Recommendation) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → the recommended total."""
    return {
        (scheme_id, year): total
        for scheme_id, year, total in recommendation.lines.values_list("report__scheme_id", "budget_year").annotate(
            total=Sum("amount")
        )
    }


def round_outstanding(round: Round, to: str) -> list[Outstanding]:
    """Moving the round to payout or further: decisions still in draft, and decided decisions whose letter waits."""
    if to not in (RoundStatus.DECISION, RoundStatus.PAYOUT, RoundStatus.REPORTING):
        return []
    counts = dict(Decision.objects.filter(batch__round=round).values_list("status").annotate(n=Count("pk")).order_by())
    url = reverse("decisions:round", args=[round.pk])
    items = []
    if to == RoundStatus.DECISION and not any(counts.get(s) for s in (DecisionStatus.DECIDED, DecisionStatus.SENT)):
        items.append(Outstanding("no_decisions", _("Ingen vedtak er fattet i runden."), url))
    if count := counts.get(DecisionStatus.DRAFT):
        message = ngettext("%(count)s vedtak er ikke fattet.", "%(count)s vedtak er ikke fattet.", count)
        items.append(Outstanding("decisions_draft", message % {"count": count}, url))
    if to != RoundStatus.DECISION and (count := counts.get(DecisionStatus.DECIDED)):
        message = ngettext("%(count)s vedtaksbrev er ikke sendt.", "%(count)s vedtaksbrev er ikke sendt.", count)
        items.append(Outstanding("letters_unsent", message % {"count": count}, url))
    return items


@dataclass
class BulkSummary:
    """What a bulk action on decisions is about to do, shown before it is confirmed: counts and money."""

    count: int
    amount: Decimal
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    per_year: list[tuple[str, int, Decimal]] = field(default_factory=list)
    missing_reasons: int = 0


def _summary(decisions: QuerySet[Decision]) -> BulkSummary:
    rows = list(decisions.select_related("report__owner", "report__scheme").prefetch_related("lines"))
    per_year: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    outcomes: dict[str, int] = defaultdict(int)
    languages: dict[str, int] = defaultdict(int)
    for decision in rows:
        outcomes[decision.get_outcome_display()] += 1
        languages[decision.report.owner.get_malform_display()] += 1
        for line in decision.lines.all():
            per_year[(decision.report.scheme.short_name, line.budget_year)] += line.amount
    return BulkSummary(
        count=len(rows),
        amount=sum(per_year.values(), ZERO),
        outcomes=sorted(outcomes.items()),
        languages=sorted(languages.items()),
        per_year=[(scheme, year, amount) for (scheme, year), amount in sorted(per_year.items())],
    )


def letters_summary(round: Round) -> BulkSummary:
    """The letters a send would make: how many, in which written standard, and the money they grant."""
    from .letters import letters_pending

    return _summary(letters_pending(round))


def decide_summary(batch: DecisionBatch) -> BulkSummary:
    """The batch's draft decisions a decide would make binding: how many, their outcomes and money per year."""
    summary = _summary(batch.decisions.filter(status=DecisionStatus.DRAFT).order_by("number"))
    view = next((v for v in round_workspace(batch.round).batches if v.batch.pk == batch.pk), None)
    summary.missing_reasons = view.missing_reasons if view else 0
    return summary
