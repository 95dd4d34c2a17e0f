"""Reads for the envelopes page, the forum's workspace and the recommendation's exports, each in a fixed number of
queries however many reports the round has."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Prefetch, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from dekomp.accounts.models import BodyRole, ForumMembership, User
from dekomp.assessment.models import Ranking, RankingEntry, RankingStatus
from dekomp.assessment.selectors import recusals
from dekomp.core.exports import Sheet
from dekomp.core.formatting import format_nok
from dekomp.needs.models import BudgetLine, NeedsReport
from dekomp.organisations.models import PARTNER_KINDS, Forum, Region, WorkingGroup
from dekomp.schemes.commitments import money_for_office
from dekomp.schemes.models import Round, RoundStatus, Scheme
from dekomp.schemes.workflow import Outstanding

from .apportionment import apportion
from .models import (
    AllocationRun,
    Attendance,
    Envelope,
    EnvelopeKey,
    LongTermPlan,
    Meeting,
    Recommendation,
    RecommendationLine,
    RecommendationStatus,
    Vote,
)

ZERO = Decimal(0)
# The round statuses in which the forum works towards its recommendation (shown on the forum's home).
FORUM_ROUND_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.ASSESSMENT, RoundStatus.RECOMMENDATION)


def forum_for_round(round: Round) -> Forum | None:
    """The forum that makes the round's recommendation (the office's first, as the services choose it)."""
    return Forum.objects.filter(office_id=round.office_id).order_by("pk").first()


# ------------------------------------------------------------------------------------------------ envelopes page


@dataclass
class EnvelopeRow:
    region: Region
    weight: Decimal
    amounts: list[Decimal | None]
    total: Decimal


@dataclass
class EnvelopesPage:
    """A scheme's frames, the regions' envelopes per year, the key behind them and the latest solver runs.

    ``committed`` is what other rounds' decisions bind in each year; the frames and commitments come from
    ``schemes.commitments.money_for_office``.
    """

    round: Round
    scheme: Scheme
    years: list[int]
    frames: list[Decimal | None]
    committed: list[Decimal]
    regions: list[Region]
    rows: list[EnvelopeRow]
    year_totals: list[Decimal]
    key: EnvelopeKey | None
    runs: list[AllocationRun]

    @property
    def frame_total(self) -> Decimal:
        return sum((frame or ZERO for frame in self.frames), ZERO)

    @property
    def free(self) -> list[Decimal | None]:
        """Per year, what the envelopes split: the frame less what other rounds' decisions bind (never below 0)."""
        return [None if f is None else max(f - c, ZERO) for f, c in zip(self.frames, self.committed, strict=True)]

    @property
    def cells(self) -> list[tuple[int, Decimal | None, Decimal, Decimal | None]]:
        """Per year: the year, its frame, what other rounds bind and what the envelopes split."""
        return list(zip(self.years, self.frames, self.committed, self.free, strict=True))

    @property
    def committed_total(self) -> Decimal:
        return sum(self.committed, ZERO)

    @property
    def free_total(self) -> Decimal:
        return sum((free or ZERO for free in self.free), ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.year_totals, ZERO)

    def initial(self) -> dict:
        """The key form's starting values: the key in use, and the current envelopes in the typed grid."""
        initial: dict = {"kind": "like", "method": "largest_remainder"}
        if self.key:
            initial |= {
                "kind": self.key.kind,
                "method": self.key.method,
                "source": self.key.source,
                "source_year": self.key.source_year,
            }
        for row in self.rows:
            for year, amount in zip(self.years, row.amounts, strict=True):
                if amount is not None:
                    initial[f"typed_{row.region.pk}_{year}"] = amount
        return initial


def envelopes_page(*, round: Round, scheme: Scheme) -> EnvelopesPage:
    """Everything the envelopes page shows for one scheme in a round (a fixed number of queries)."""
    money = money_for_office(round.office)
    cells = {year: money.get(scheme, year) for year in round.budget_years}
    frames = {year: cell.frame for year, cell in cells.items() if cell.has_frame}
    committed = {year: cell.committed_by_others(round) for year, cell in cells.items()}
    years = sorted(frames) or list(round.budget_years)
    regions = list(Region.objects.filter(office_id=round.office_id, working_group__isnull=False).order_by("name"))
    envelopes = {(e.region_id, e.budget_year): e for e in Envelope.objects.filter(round=round, scheme=scheme)}
    rows = []
    for region in regions:
        found = [envelopes.get((region.pk, year)) for year in years]
        amounts = [e.amount if e else None for e in found]
        weight = next((e.weight for e in found if e), ZERO)
        rows.append(EnvelopeRow(region, weight, amounts, sum((a or ZERO for a in amounts), ZERO)))
    year_totals = [sum((row.amounts[i] or ZERO for row in rows), ZERO) for i in range(len(years))]
    key = EnvelopeKey.objects.filter(round=round, scheme=scheme).select_related("set_by").first()
    runs = list(
        AllocationRun.objects.filter(round=round, scheme=scheme)
        .select_related("run_by")
        .defer("result", "parameters")[:5]
    )
    return EnvelopesPage(
        round=round,
        scheme=scheme,
        years=years,
        frames=[frames.get(year) for year in years],
        committed=[committed.get(year, ZERO) for year in years],
        regions=regions,
        rows=rows if envelopes else [],
        year_totals=year_totals,
        key=key,
        runs=runs,
    )


# ------------------------------------------------------------------------------------------------- explanations


def explain(allocation: dict, *, region: str, mode: str) -> str:
    """The solver's reason for one report as a Norwegian sentence, e.g. "Plass 3 i Østfold: 120 000 av 150 000 kr,
    regionrammen tok slutt"."""
    granted = sum(int(v) for v in allocation.get("granted", {}).values())
    requested = sum(int(v) for v in allocation.get("requested", {}).values())
    text = _("Plass %(rank)s i %(region)s: %(granted)s av %(requested)s") % {
        "rank": allocation.get("rank"),
        "region": region,
        "granted": format_nok(granted, with_unit=False),
        "requested": format_nok(requested),
    }
    from_pool = int(allocation.get("from_pool") or 0)
    pool_note = _("herav %(amount)s fra den felles potten") % {"amount": format_nok(from_pool)} if from_pool else ""
    reason = allocation.get("reason")
    if reason == "funded_in_full":
        return f"{text}, {_('fullt finansiert')}" + (f", {pool_note}" if pool_note else "")
    if pool_note:
        text += f" ({pool_note})"
    year = allocation.get("limiting_year")
    room = format_nok((allocation.get("room") or {}).get(str(year), 0))
    has_minimum = allocation.get("minimum") != allocation.get("requested") and mode != "rank_order"
    values = {"year": year, "room": room}
    if has_minimum:
        not_fitting = {
            "does_not_fit_envelope": _("ikke engang minstebeløpet fikk plass i det som var igjen av regionrammen"),
            "does_not_fit_pool": _("ikke engang minstebeløpet fikk plass i det som var igjen av den felles potten"),
            "does_not_fit_frame": _("ikke engang minstebeløpet fikk plass i den ledige rammen for %(year)s"),
        }
    else:
        not_fitting = {
            "does_not_fit_envelope": _("den fikk ikke plass i det som var igjen av regionrammen"),
            "does_not_fit_pool": _("den fikk ikke plass i det som var igjen av den felles potten"),
            "does_not_fit_frame": _("den fikk ikke plass i den ledige rammen for %(year)s"),
        }
    clauses = {
        "envelope_ran_out": _("regionrammen tok slutt"),
        "pool_ran_out": _("den felles potten tok slutt"),
        "frame_ran_out": _("den ledige rammen for %(year)s tok slutt"),
        **{key: f"{value} (%(room)s)" for key, value in not_fitting.items()},
    }
    clause = clauses.get(reason)
    return f"{text}, {clause % values}" if clause else text


# ------------------------------------------------------------------------------------------------------ workspace


@dataclass
class YearCell:
    year: int
    requested: Decimal
    proposed: Decimal
    amount: Decimal
    to_owners: Decimal = ZERO
    to_partners: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.amount - self.proposed


@dataclass
class ReportRow:
    """One report in the recommendation: its place, amounts per year, the solver's reason and who is recused."""

    report: NeedsReport
    region: str
    position: int | None
    cells: list[YearCell]
    justification: str = ""
    changed_by: User | None = None
    explanation: str = ""
    recused: list[str] = field(default_factory=list)
    is_recused: bool = False
    form: object = None

    @property
    def years(self) -> list[int]:
        return [cell.year for cell in self.cells]

    @property
    def is_changed(self) -> bool:
        return any(cell.difference for cell in self.cells)

    @property
    def requested(self) -> Decimal:
        return sum((cell.requested for cell in self.cells), ZERO)

    @property
    def proposed(self) -> Decimal:
        return sum((cell.proposed for cell in self.cells), ZERO)

    @property
    def amount(self) -> Decimal:
        return sum((cell.amount for cell in self.cells), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.amount - self.proposed


@dataclass
class FrameRow:
    """One budget year of a scheme: the frame, what other rounds bind, and the recommendation against them."""

    year: int
    frame: Decimal
    others: Decimal
    recommended: Decimal
    to_owners: Decimal
    to_partners: Decimal

    @property
    def left(self) -> Decimal:
        """Free after the recommendation: the frame less what other rounds bind and what is recommended."""
        return self.frame - self.others - self.recommended


@dataclass
class RegionBlock:
    name: str
    rows: list[ReportRow]


@dataclass
class SchemeBlock:
    """One scheme in the recommendation: frames against the recommended totals, envelopes, the run and the lines."""

    scheme: Scheme
    years: list[int]
    frames: list[FrameRow]
    envelopes: list[EnvelopeRow]
    run: AllocationRun | None
    regions: list[RegionBlock]

    @property
    def frame_total(self) -> Decimal:
        return sum((row.frame for row in self.frames), ZERO)

    @property
    def others_total(self) -> Decimal:
        return sum((row.others for row in self.frames), ZERO)

    @property
    def recommended_total(self) -> Decimal:
        return sum((row.recommended for row in self.frames), ZERO)

    @property
    def left_total(self) -> Decimal:
        return self.frame_total - self.others_total - self.recommended_total

    @property
    def is_over(self) -> bool:
        return any(row.left < 0 for row in self.frames)

    @property
    def rows(self) -> list[ReportRow]:
        return [row for region in self.regions for row in region.rows]

    @property
    def recused(self) -> list[ReportRow]:
        return [row for row in self.rows if row.recused]


@dataclass
class Change:
    row: ReportRow
    cell: YearCell


@dataclass
class MemberVote:
    user: User
    role: str
    choice: str


@dataclass
class Workspace:
    """The forum's recommendation for a round, with everything the workspace, the PDF and the workbook show."""

    forum: Forum
    round: Round
    recommendation: Recommendation | None
    versions: list[Recommendation]
    schemes: list[SchemeBlock]
    seats: list[ForumMembership]
    meetings: list[Meeting]
    plans: list[LongTermPlan]

    @property
    def is_draft(self) -> bool:
        return bool(self.recommendation and self.recommendation.status == RecommendationStatus.DRAFT)

    @property
    def rows(self) -> list[ReportRow]:
        return [row for block in self.schemes for row in block.rows]

    @property
    def changes(self) -> list[Change]:
        return [Change(row, cell) for row in self.rows for cell in row.cells if cell.difference]

    @property
    def recommended_total(self) -> Decimal:
        return sum((block.recommended_total for block in self.schemes), ZERO)

    @property
    def frame_total(self) -> Decimal:
        return sum((block.frame_total for block in self.schemes), ZERO)

    @property
    def others_total(self) -> Decimal:
        return sum((block.others_total for block in self.schemes), ZERO)

    @property
    def left_total(self) -> Decimal:
        return sum((block.left_total for block in self.schemes), ZERO)

    @property
    def latest_meeting(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None

    def votes(self) -> list[MemberVote]:
        """Per voting member present at the latest meeting: their vote on the whole recommendation, or empty."""
        meeting = self.latest_meeting
        if meeting is None:
            return []
        present = {a.user_id for a in meeting.attendance.all() if a.is_present}
        choices = {vote.user_id: vote.get_choice_display() for vote in meeting.votes.all()}
        return [
            MemberVote(seat.user, seat.get_role_display(), choices.get(seat.user_id, ""))
            for seat in self.seats
            if seat.user_id in present and seat.role in (BodyRole.MEMBER, BodyRole.LEADER)
        ]

    def is_present(self, user: User) -> bool:
        meeting = self.latest_meeting
        return bool(meeting and any(a.user_id == user.pk and a.is_present for a in meeting.attendance.all()))


def _latest_runs(round: Round) -> dict[int, AllocationRun]:
    """Scheme id → the latest solver run for the round (two queries)."""
    latest = AllocationRun.objects.filter(round=round).values("scheme_id").annotate(latest=Max("pk")).values("latest")
    return {run.scheme_id: run for run in AllocationRun.objects.filter(pk__in=latest).select_related("run_by")}


def _split(amount: Decimal, weights: dict[int, tuple[str, Decimal]]) -> tuple[Decimal, Decimal]:
    """The recommended amount split between the owners' side and the partners' side, in the budget's proportions."""
    if not weights or not any(weight for _kind, weight in weights.values()):
        return amount, ZERO
    parts = apportion(int(amount), {str(rid): weight for rid, (_kind, weight) in weights.items()})
    partners = sum((Decimal(parts[str(rid)]) for rid, (kind, _w) in weights.items() if kind in PARTNER_KINDS), ZERO)
    return amount - partners, partners


def workspace(
    *, forum: Forum, round: Round, user: User | None = None, recommendation: Recommendation | None = None
) -> Workspace:
    """The latest (or the given) version of the forum's recommendation for the round, in a fixed number of queries."""
    versions = list(
        Recommendation.objects.filter(round=round, forum=forum).select_related("approved_by").order_by("-number")
    )
    if recommendation is None and versions:
        recommendation = versions[0]
    seats = list(
        ForumMembership.objects.filter(forum=forum)
        .select_related("user", "representing")
        .order_by("role", "user__full_name")
    )
    meetings = list(
        Meeting.objects.filter(forum=forum, round=round)
        .order_by("-held_at", "-pk")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("user")),
            Prefetch("votes", queryset=Vote.objects.filter(report__isnull=True).select_related("user")),
        )
    )
    plans = list(
        LongTermPlan.objects.filter(forum=forum, round=round).select_related("uploaded_by").order_by("-created_at")
    )
    # The frames that count and what other rounds bind, from the one source (schemes.commitments).
    money = money_for_office(round.office)
    frames: dict[int, dict[int, Decimal]] = defaultdict(dict)
    schemes: dict[int, Scheme] = {}
    for scheme in round.schemes.all():
        for year in round.budget_years:
            if money.get(scheme, year).has_frame:
                frames[scheme.pk][year] = money.get(scheme, year).frame
                schemes[scheme.pk] = scheme
    lines = []
    if recommendation is not None:
        lines = list(
            RecommendationLine.objects.filter(recommendation=recommendation)
            .select_related("report__round", "report__owner", "report__scheme", "report__region", "changed_by")
            .order_by("report__number", "budget_year")
        )
    reports = list({line.report_id: line.report for line in lines}.values())
    for report in reports:
        schemes.setdefault(report.scheme_id, report.scheme)
    envelopes = list(Envelope.objects.filter(round=round).select_related("region"))
    region_names = {e.region_id: e.region.name for e in envelopes}
    runs = _latest_runs(round)
    # The place shown is the report's rank among its scheme's reports in the group's ranking: the rank the solver
    # used and its explanation names (the group ranks all schemes in one list).
    places: dict[int, tuple[str, int]] = {}
    ranks: dict[tuple[int, int], int] = defaultdict(int)
    for report_id, ranking_id, scheme_id, region_id, region_name in (
        RankingEntry.objects.filter(ranking__round=round)
        .order_by("ranking_id", "position")
        .values_list(
            "report_id",
            "ranking_id",
            "report__scheme_id",
            "ranking__working_group__region_id",
            "ranking__working_group__region__name",
        )
    ):
        ranks[(ranking_id, scheme_id)] += 1
        places[report_id] = (region_name, ranks[(ranking_id, scheme_id)])
        region_names.setdefault(region_id, region_name)
    budget: dict[tuple[int, int], dict[int, tuple[str, Decimal]]] = defaultdict(dict)
    for report_id, year, recipient_id, kind, amount in BudgetLine.objects.filter(report__in=reports).values_list(
        "report_id", "budget_year", "recipient_id", "recipient__kind", "amount"
    ):
        budget[(report_id, year)][recipient_id] = (kind, amount)
    recused = recusals(reports=reports, users=[seat.user for seat in seats])
    names = {seat.user_id: seat.user.full_name for seat in seats}
    recused_by_report: dict[int, list[str]] = defaultdict(list)
    for (user_id, report_id), why in sorted(recused.items(), key=lambda item: names.get(item[0][0], "")):
        detail = why.organisation or why.reason
        recused_by_report[report_id].append(
            f"{names.get(user_id, '')} ({detail})" if detail else names.get(user_id, "")
        )
    allocations = {
        scheme_id: {a["id"]: a for a in run.result.get("allocations", [])} for scheme_id, run in runs.items()
    }

    rows: dict[int, ReportRow] = {}
    for line in lines:
        report = line.report
        row = rows.get(report.pk)
        if row is None:
            region, position = places.get(report.pk, (report.region.name if report.region else _("Uten region"), None))
            row = rows[report.pk] = ReportRow(
                report=report,
                region=region,
                position=position,
                cells=[],
                recused=recused_by_report.get(report.pk, []),
                is_recused=bool(user and (user.pk, report.pk) in recused),
            )
            allocation = allocations.get(report.scheme_id, {}).get(str(report.pk))
            if allocation:
                run = runs[report.scheme_id]
                region_name = (
                    region_names.get(int(allocation["region"]), region) if allocation.get("region") else region
                )
                row.explanation = explain(allocation, region=region_name, mode=run.mode)
        weights = budget.get((report.pk, line.budget_year), {})
        requested = sum((amount for _kind, amount in weights.values()), ZERO)
        to_owners, to_partners = _split(line.amount, weights)
        row.cells.append(YearCell(line.budget_year, requested, line.proposed, line.amount, to_owners, to_partners))
        if line.justification:
            row.justification = line.justification
            row.changed_by = line.changed_by

    blocks = []
    for scheme_id in sorted(schemes):
        scheme_rows = [row for row in rows.values() if row.report.scheme_id == scheme_id]
        years = sorted(set(frames.get(scheme_id, {})) | {cell.year for row in scheme_rows for cell in row.cells})
        frame_rows = []
        for year in years:
            cells = [cell for row in scheme_rows for cell in row.cells if cell.year == year]
            frame_rows.append(
                FrameRow(
                    year=year,
                    frame=frames.get(scheme_id, {}).get(year, ZERO),
                    others=money.get(scheme_id, year).committed_by_others(round),
                    recommended=sum((cell.amount for cell in cells), ZERO),
                    to_owners=sum((cell.to_owners for cell in cells), ZERO),
                    to_partners=sum((cell.to_partners for cell in cells), ZERO),
                )
            )
        by_region: dict[str, list[ReportRow]] = defaultdict(list)
        for row in scheme_rows:
            by_region[row.region].append(row)
        regions = [
            RegionBlock(
                name,
                sorted(by_region[name], key=lambda r: (r.position is None, r.position or 0, r.report.number)),
            )
            for name in sorted(by_region)
        ]
        scheme_envelopes: dict[int, dict[int, Envelope]] = defaultdict(dict)
        for envelope in envelopes:
            if envelope.scheme_id == scheme_id:
                scheme_envelopes[envelope.region_id][envelope.budget_year] = envelope
        envelope_rows = []
        for _region_id, by_year in sorted(scheme_envelopes.items(), key=lambda item: region_names.get(item[0], "")):
            amounts = [by_year[year].amount if year in by_year else None for year in years]
            first = next(iter(by_year.values()))
            envelope_rows.append(
                EnvelopeRow(first.region, first.weight, amounts, sum((a or ZERO for a in amounts), ZERO))
            )
        if not scheme_rows and not envelope_rows and scheme_id not in runs:
            continue
        blocks.append(
            SchemeBlock(
                scheme=schemes[scheme_id],
                years=years,
                frames=frame_rows,
                envelopes=envelope_rows,
                run=runs.get(scheme_id),
                regions=regions,
            )
        )
    return Workspace(
        forum=forum,
        round=round,
        recommendation=recommendation,
        versions=versions,
        schemes=blocks,
        seats=seats,
        meetings=meetings,
        plans=plans,
    )


# ---------------------------------------------------------------------------------------------------- forum home


@dataclass(frozen=True)
class ForumRound:
    """A round the forum works on: the next meeting, how many working groups have sent their ranking, and the
    number of the version the forum approved when its latest version is approved (``None`` while it works)."""

    round: Round
    submitted: int
    groups: int
    approved: int | None = None


def forum_rounds(*, forum: Forum) -> list[ForumRound]:
    """The office's rounds before the recommendation is done, with the rankings sent (four queries)."""
    rounds = list(
        Round.objects.filter(office_id=forum.office_id, status__in=FORUM_ROUND_STATUSES).order_by("-year", "name")
    )
    if not rounds:
        return []
    groups = WorkingGroup.objects.filter(region__office_id=forum.office_id).count()
    submitted: dict[int, int] = defaultdict(int)
    for round_id in Ranking.objects.filter(
        round__in=rounds, status=RankingStatus.SUBMITTED, working_group__region__office_id=forum.office_id
    ).values_list("round_id", flat=True):
        submitted[round_id] += 1
    latest: dict[int, tuple[int, str]] = {}
    for round_id, number, status in (
        Recommendation.objects.filter(forum=forum, round__in=rounds)
        .order_by("number")
        .values_list("round_id", "number", "status")
    ):
        latest[round_id] = (number, status)
    approved = {pk: number for pk, (number, status) in latest.items() if status == RecommendationStatus.APPROVED}
    return [
        ForumRound(round=round, submitted=submitted[round.pk], groups=groups, approved=approved.get(round.pk))
        for round in rounds
    ]


# ------------------------------------------------------------------------------------------------------- exports


def export_sheets(ws: Workspace) -> list[Sheet]:
    """The recommendation as two tables: one row per report and budget year, and the totals against the frames."""
    lines = [
        [
            block.scheme.short_name,
            row.region,
            row.position,
            row.report.reference,
            row.report.title,
            row.report.owner.name,
            cell.year,
            cell.requested,
            cell.proposed,
            cell.amount,
            cell.difference,
            cell.to_owners,
            cell.to_partners,
            row.justification if cell.difference else "",
            "; ".join(row.recused),
        ]
        for block in ws.schemes
        for row in block.rows
        for cell in row.cells
    ]
    totals = [
        [
            block.scheme.short_name,
            frame.year,
            frame.frame,
            frame.others,
            frame.recommended,
            frame.left,
            frame.to_owners,
            frame.to_partners,
        ]
        for block in ws.schemes
        for frame in block.frames
    ]
    totals.append([_("Sum"), None, ws.frame_total, ws.others_total, ws.recommended_total, ws.left_total, None, None])
    return [
        Sheet(
            title=_("Innstilling"),
            headers=[
                _("Ordning"),
                _("Region"),
                _("Plass"),
                _("Referanse"),
                _("Tiltak"),
                _("Eier"),
                _("Budsjettår"),
                _("Søkt (kr)"),
                _("Forslag (kr)"),
                _("Innstilt (kr)"),
                _("Differanse (kr)"),
                _("Til eiere (kr)"),
                _("Til partnere (kr)"),
                _("Begrunnelse for endring"),
                _("Inhabile"),
            ],
            rows=lines,
        ),
        Sheet(
            title=_("Summer"),
            headers=[
                _("Ordning"),
                _("Budsjettår"),
                _("Ramme (kr)"),
                _("Bundet av andre runder (kr)"),
                _("Innstilt (kr)"),
                _("Ledig etter innstillingen (kr)"),
                _("Til eiere (kr)"),
                _("Til partnere (kr)"),
            ],
            rows=totals,
        ),
    ]


def round_outstanding(round: Round, to: str) -> list[Outstanding]:
    """Moving the round to decisions: the forum has not approved a recommendation for it."""
    if to != RoundStatus.DECISION:
        return []
    if Recommendation.objects.filter(round=round, status=RecommendationStatus.APPROVED).exists():
        return []
    forum = forum_for_round(round)
    url = reverse("allocation:workspace", args=[forum.pk, round.pk]) if forum else ""
    return [Outstanding("recommendation_missing", _("Samarbeidsforumet har ikke vedtatt en innstilling."), url)]


@dataclass
class RecommendationSummary:
    """What approving a recommendation settles: how many measures get money, and how much per scheme and year."""

    measures: int
    total: Decimal
    per_year: list[tuple[str, int, Decimal]]


def recommendation_summary(recommendation: Recommendation) -> RecommendationSummary:
    """The summary shown before the forum's recommendation is approved (three queries)."""
    schemes = {scheme.pk: scheme.short_name for scheme in Scheme.objects.all()}
    per_year = [
        (schemes.get(scheme_id, ""), year, amount)
        for (scheme_id, year), amount in sorted(recommendation_totals(recommendation).items())
    ]
    measures = recommendation.lines.filter(amount__gt=0).values("report").distinct().count()
    return RecommendationSummary(
        measures=measures, total=sum((amount for *_key, amount in per_year), ZERO), per_year=per_year
    )


def recommendation_totals(recommendation: Recommendation) -> dict[tuple[int, int], Decimal]:
    """(scheme id, budget year) → the recommended total (one query)."""
    return {
        (row["report__scheme_id"], row["budget_year"]): row["total"]
        for row in recommendation.lines.values("report__scheme_id", "budget_year").annotate(total=Sum("amount"))
    }
