"""Writes for the allocation: regional envelopes from a key, solver runs, and the forum's recommendation,
meetings, votes and approval."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import ForumMembership, User
from dekomp.activity import notify
from dekomp.activity.services import record
from dekomp.assessment.models import RankingEntry
from dekomp.assessment.services import ranking_sync
from dekomp.needs.models import BudgetLine, NeedsReport
from dekomp.organisations.models import Forum, Region, Unit, WorkingGroup
from dekomp.schemes.commitments import money_for_office
from dekomp.schemes.models import Round, Scheme

from . import solver
from .apportionment import apportion, equal_weights
from .models import (
    AllocationRun,
    ApportionmentMethod,
    Attendance,
    Envelope,
    EnvelopeKey,
    KeyKind,
    Meeting,
    Recommendation,
    RecommendationLine,
    RecommendationStatus,
    Vote,
    VoteChoice,
)
from .permissions import can_change_recommendation, can_keep_minutes, can_set_envelopes, can_vote
from .selectors import FORUM_ROUND_STATUSES, recommendation_totals


def _fmt(amount: Decimal | int) -> str:
    return f"{amount:,.0f} kr".replace(",", "\u00a0")


def region_weights(*, round: Round, scheme: Scheme, kind: str) -> dict[int, Decimal]:
    """Region id → weight for the key: 1 each, or the staff or pupils of the members' units of the scheme's kinds."""
    regions = list(Region.objects.filter(office=round.office, working_group__isnull=False).order_by("name"))
    if kind == KeyKind.EQUAL:
        return {
            region.pk: Decimal(weight)
            for region, weight in zip(regions, equal_weights(str(r.pk) for r in regions).values(), strict=True)
        }
    field = "staff_count" if kind == KeyKind.STAFF else "pupil_count"
    sums = dict(
        Unit.objects.filter(owner__regions__in=regions, kind__in=scheme.unit_kinds)
        .values_list("owner__regions")
        .annotate(total=Sum(field))
        .values_list("owner__regions", "total")
    )
    return {region.pk: Decimal(sums.get(region.pk) or 0) for region in regions}


@transaction.atomic
def envelopes_set(
    *,
    by: User,
    round: Round,
    scheme: Scheme,
    kind: str,
    method: str,
    source: str = "",
    source_year: int | None = None,
    typed: dict[tuple[int, int], Decimal] | None = None,
) -> list[Envelope]:
    """Split the scheme's free frame in every budget year into regional envelopes that add up to it to the krone.

    The free frame is the frame that counts for the year less what other rounds' decisions already commit in it
    (their years 2 and 3), as ``schemes.commitments.money_for_office`` computes them.
    """
    if not can_set_envelopes(by, round):
        raise PermissionDenied
    money = money_for_office(round.office)
    frames = {
        year: max(int(money.get(scheme, year).available_to(round)), 0)
        for year in round.budget_years
        if money.get(scheme, year).has_frame
    }
    if not frames:
        raise ValidationError(_("Runden har ingen ramme for %(scheme)s.") % {"scheme": scheme.short_name})
    if kind not in KeyKind.values:
        raise ValidationError({"kind": _("Ukjent fordelingsnøkkel.")})
    # Fuzzing found these: an unknown method made apportion() raise ValueError, a source over 200 characters or a
    # year outside 0–32767 did not fit the EnvelopeKey's columns (DataError/IntegrityError). Refused as the form does.
    if method not in ApportionmentMethod.values:
        raise ValidationError({"method": _("Ukjent fordelingsmetode.")})
    if len(source.strip()) > EnvelopeKey._meta.get_field("source").max_length:
        raise ValidationError({"source": _("Datakilden kan ha høyst 200 tegn.")})
    if source_year is not None and not 2000 <= source_year <= 2100:
        raise ValidationError({"source_year": _("Oppgi et år mellom 2000 og 2100.")})
    weights = region_weights(round=round, scheme=scheme, kind=kind if kind != KeyKind.TYPED else KeyKind.EQUAL)
    if not weights:
        raise ValidationError(_("Embetet har ingen regioner med arbeidsgruppe å fordele til."))
    if kind in (KeyKind.STAFF, KeyKind.PUPILS) and not source.strip():
        raise ValidationError({"source": _("Oppgi hvor tallene kommer fra (for eksempel Udirs statistikk).")})
    amounts: dict[tuple[int, int], int] = {}
    if kind == KeyKind.TYPED:
        typed = typed or {}
        errors = []
        for year, frame in sorted(frames.items()):
            values = [typed.get((region_id, year), Decimal(0)) for region_id in weights]
            if any(value < 0 for value in values):
                errors.append(_("Beløpene for %(year)s kan ikke være negative.") % {"year": year})
            elif sum(values) != frame:
                errors.append(
                    _("De regionale rammene for %(year)s summerer til %(sum)s, men den ledige rammen er %(frame)s.")
                    % {"year": year, "sum": _fmt(sum(values)), "frame": _fmt(frame)}
                )
            for region_id in weights:
                amounts[(region_id, year)] = int(typed.get((region_id, year), 0))
        if errors:
            raise ValidationError(errors)
    else:
        if not any(weights.values()):
            raise ValidationError(_("Alle regionene har vekt 0 med denne nøkkelen; rammen kan ikke fordeles."))
        for year, frame in frames.items():
            parts = apportion(frame, {str(k): v for k, v in weights.items()}, method)
            for region_id in weights:
                amounts[(region_id, year)] = parts[str(region_id)]
    Envelope.objects.filter(round=round, scheme=scheme).delete()
    envelopes = Envelope.objects.bulk_create(
        Envelope(
            round=round, scheme=scheme, budget_year=year, region_id=region_id, weight=weights[region_id], amount=amount
        )
        for (region_id, year), amount in sorted(amounts.items())
    )
    EnvelopeKey.objects.update_or_create(
        round=round,
        scheme=scheme,
        defaults={"kind": kind, "method": method, "source": source.strip(), "source_year": source_year, "set_by": by},
    )
    record(
        actor=by,
        verb="envelopes_set",
        target=round,
        changes={"scheme": scheme.code, "kind": kind, "method": method, "source": source, "source_year": source_year},
    )
    return envelopes


# ------------------------------------------------------------------------------------------ solver and recommendation


def _recused_for_user(by: User, report: NeedsReport) -> bool:
    from dekomp.assessment.selectors import is_recused

    return is_recused(by, report)


def build_problem(*, round: Round, scheme: Scheme, mode: str) -> tuple[solver.Problem, dict[str, NeedsReport]]:
    """The solver's input from the frames that count, the first year's envelopes and the working groups' rankings."""
    money = money_for_office(round.office)
    frames = {
        year: int(money.get(scheme, year).frame) for year in round.budget_years if money.get(scheme, year).has_frame
    }
    first = round.first_budget_year
    envelopes = {
        str(e.region_id): int(e.amount) for e in Envelope.objects.filter(round=round, scheme=scheme, budget_year=first)
    }
    if not envelopes:
        raise ValidationError(
            _("Sett de regionale rammene for %(scheme)s før fordelingen beregnes.") % {"scheme": scheme.short_name}
        )
    entries = list(
        RankingEntry.objects.filter(ranking__round=round, report__scheme=scheme)
        .select_related("ranking__working_group", "report")
        .prefetch_related("amounts")
        .order_by("ranking_id", "position")
    )
    reports = {str(entry.report_id): entry.report for entry in entries}
    lines: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for line in BudgetLine.objects.filter(report__in=[e.report_id for e in entries]):
        lines[line.report_id][line.budget_year][line.recipient_id] = int(line.amount)
    items = []
    rank_in_region: dict[str, int] = defaultdict(int)
    for entry in entries:
        region = str(entry.ranking.working_group.region_id)
        if region not in envelopes:
            continue
        recommended = {a.budget_year: int(a.recommended) for a in entry.amounts.all() if a.budget_year in frames}
        if not any(recommended.values()):
            continue  # the group recommends nothing for it: not an item to fund
        rank_in_region[region] += 1
        minimum = {a.budget_year: int(a.minimum) for a in entry.amounts.all() if a.budget_year in frames}
        recipients: dict[str, dict[int, int]] = defaultdict(dict)
        for year, amount in recommended.items():
            split = lines[entry.report_id].get(year) or {entry.report.owner_id: amount}
            parts = apportion(
                amount,
                {str(k): v for k, v in split.items()} if any(split.values()) else {str(entry.report.owner_id): 1},
                "largest_remainder",
            )
            for recipient, part in parts.items():
                recipients[recipient][year] = part
        items.append(
            solver.Item(
                id=str(entry.report_id),
                region=region,
                rank=rank_in_region[region],
                requested=recommended,
                minimum=minimum,
                recipients=dict(recipients),
            )
        )
    committed = {year: int(amount) for year in frames if (amount := money.get(scheme, year).committed_by_others(round))}
    problem = solver.Problem(
        years=tuple(sorted(frames)),
        frames=frames,
        envelopes=envelopes,
        items=tuple(items),
        mode=mode,
        committed=committed,
    )
    return problem, reports


@transaction.atomic
def allocation_propose(*, by: User, round: Round, scheme: Scheme, mode: str) -> AllocationRun:
    """Run the solver for one scheme and put its proposal into the forum's draft recommendation."""
    if not can_set_envelopes(by, round):
        raise PermissionDenied
    if mode not in solver.Mode.__members__.values():
        raise ValidationError({"mode": _("Ukjent beregningsmåte.")})
    # Every working group's ranking is brought up to date first, so no checked report is left out.
    for working_group in WorkingGroup.objects.filter(region__office=round.office):
        ranking_sync(round=round, working_group=working_group)
    problem, reports = build_problem(round=round, scheme=scheme, mode=mode)
    try:
        proposal = solver.solve(problem)
    except solver.ProblemError as error:
        raise ValidationError(_("Fordelingen kan ikke beregnes: %(problem)s") % {"problem": error.message}) from error
    result = proposal.as_dict()
    run = AllocationRun.objects.create(
        round=round,
        scheme=scheme,
        mode=mode,
        solver_version=proposal.version,
        parameters=result["parameters"],
        result=result,
        run_by=by,
    )
    recommendation = draft_recommendation(round=round)
    recommendation.based_on = run
    recommendation.version += 1
    recommendation.save()
    RecommendationLine.objects.filter(recommendation=recommendation, report__scheme=scheme).delete()
    RecommendationLine.objects.bulk_create(
        RecommendationLine(
            recommendation=recommendation, report=reports[a.id], budget_year=year, proposed=amount, amount=amount
        )
        for a in proposal.allocations
        for year, amount in a.granted.items()
    )
    record(
        actor=by,
        verb="allocation_proposed",
        target=round,
        changes={"scheme": scheme.code, "mode": mode, "run": run.pk, "solver_version": proposal.version},
    )
    return run


def draft_recommendation(*, round: Round) -> Recommendation:
    """The forum's current draft recommendation for the round (a new version after an approved one)."""
    forum = Forum.objects.filter(office=round.office).order_by("pk").first()
    if forum is None:
        raise ValidationError(_("Embetet har ikke satt opp et samarbeidsforum."))
    latest = Recommendation.objects.filter(round=round, forum=forum).order_by("-number").first()
    if latest and latest.status == RecommendationStatus.DRAFT:
        return latest
    recommendation = Recommendation.objects.create(
        round=round, forum=forum, number=(latest.number + 1) if latest else 1
    )
    if latest:
        RecommendationLine.objects.bulk_create(
            RecommendationLine(
                recommendation=recommendation,
                report_id=line.report_id,
                budget_year=line.budget_year,
                proposed=line.proposed,
                amount=line.amount,
                justification=line.justification,
                changed_by_id=line.changed_by_id,
            )
            for line in latest.lines.all()
        )
        recommendation.based_on = latest.based_on
        recommendation.save(update_fields=["based_on"])
    return recommendation


def recommendation_line_set(
    *,
    by: User,
    recommendation: Recommendation,
    report: NeedsReport,
    amounts: dict[int, Decimal],
    justification: str,
    expected_version: int,
) -> Recommendation:
    """A forum member changes one report's amounts; any change from the proposal needs a written justification."""
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().select_related("forum", "round").get(pk=recommendation.pk)
        if not can_change_recommendation(by, locked.forum):
            raise PermissionDenied
        if locked.status != RecommendationStatus.DRAFT:
            raise ValidationError(_("Innstillingen er vedtatt. Åpne en ny versjon for å endre den."))
        if locked.version != expected_version:
            raise ValidationError(_("Innstillingen er endret av noen andre. Last siden på nytt."), code="stale")
        if _recused_for_user(by, report):
            raise PermissionDenied(_("Du er inhabil i %(ref)s og kan ikke endre den.") % {"ref": report.reference})
        lines = {line.budget_year: line for line in locked.lines.filter(report=report)}
        requested = {
            row["budget_year"]: row["total"]
            for row in BudgetLine.objects.filter(report=report).values("budget_year").annotate(total=Sum("amount"))
        }
        errors = {}
        for year, amount in amounts.items():
            if year not in lines:
                errors[f"amount_{year}"] = _("Behovsmeldingen har ingen linje for %(year)s.") % {"year": year}
            elif amount < 0:
                errors[f"amount_{year}"] = _("Beløpet kan ikke være negativt.")
            elif amount > requested.get(year, 0):
                errors[f"amount_{year}"] = _(
                    "Beløpet er høyere enn det som er søkt om for %(year)s (%(requested)s)."
                ) % {"year": year, "requested": _fmt(requested.get(year, 0))}
        changed = any(lines[year].proposed != amount for year, amount in amounts.items() if year in lines)
        if changed and not justification.strip():
            errors["justification"] = _("Skriv hvorfor forumet endrer beløpet fra forslaget.")
        if errors:
            raise ValidationError(errors)
        for year, amount in amounts.items():
            line = lines[year]
            line.amount = amount
            line.justification = justification.strip() if line.amount != line.proposed else ""
            line.changed_by = by
            line.save()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record(
            actor=by,
            verb="recommendation_changed",
            target=locked,
            comment=justification.strip(),
            changes={"report": report.pk, "amounts": {str(y): str(a) for y, a in amounts.items()}},
        )
    return locked


@transaction.atomic
def meeting_record(
    *, by: User, forum: Forum, round: Round, held_at, present: list[User], is_consensus: bool, minutes: str
) -> Meeting:
    """The secretariat or the leader records a meeting: who was there, consensus or vote, and the minutes."""
    if not can_keep_minutes(by, forum):
        raise PermissionDenied
    meeting = Meeting.objects.create(
        forum=forum, round=round, held_at=held_at, is_consensus=is_consensus, minutes=minutes.strip()
    )
    seated = set(forum.memberships.values_list("user_id", flat=True))
    outsiders = [user.full_name for user in present if user.pk not in seated]
    if outsiders:
        raise ValidationError(
            {"present": _("Disse sitter ikke i forumet: %(names)s.") % {"names": ", ".join(outsiders)}}
        )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user_id=user_id, is_present=user_id in {u.pk for u in present})
        for user_id in sorted(seated)
    )
    record(actor=by, verb="meeting_recorded", target=meeting)
    return meeting


@transaction.atomic
def vote_cast(*, by: User, meeting: Meeting, choice: str, report: NeedsReport | None = None) -> Vote:
    """A forum member votes on the whole recommendation or one report; the secretariat and the recused cannot."""
    if not can_vote(by, meeting.forum):
        raise PermissionDenied(
            _("Bare medlemmene av forumet har stemmerett. Statsforvalteren er sekretariat og stemmer ikke.")
        )
    if report is not None and _recused_for_user(by, report):
        raise PermissionDenied(_("Du er inhabil i %(ref)s og kan ikke stemme over den.") % {"ref": report.reference})
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Velg for, mot eller avstår.")})
    if not Attendance.objects.filter(meeting=meeting, user=by, is_present=True).exists():
        raise ValidationError(_("Bare de som er til stede på møtet, kan stemme."))
    vote, _created = Vote.objects.update_or_create(meeting=meeting, user=by, report=report, defaults={"choice": choice})
    record(actor=by, verb="voted", target=meeting, changes={"report": report.pk if report else None, "choice": choice})
    return vote


@transaction.atomic
def recommendation_approve(*, by: User, recommendation: Recommendation, meeting: Meeting) -> Recommendation:
    """Approve the recommendation at a meeting: within every frame, and by consensus or a majority of the votes."""
    locked = Recommendation.objects.select_for_update().select_related("forum", "round").get(pk=recommendation.pk)
    if not can_keep_minutes(by, locked.forum):
        raise PermissionDenied
    if locked.status != RecommendationStatus.DRAFT:
        raise ValidationError(_("Denne versjonen er allerede vedtatt."))
    if meeting.forum_id != locked.forum_id or meeting.round_id != locked.round_id:
        raise ValidationError(_("Møtet hører ikke til denne innstillingen."))
    # The frame that counts and what other rounds bind: the same figures every page shows (schemes.commitments).
    money = money_for_office(locked.round.office)
    over = [
        (money.get(*key), total)
        for key, total in recommendation_totals(locked).items()
        if total > money.get(*key).available_to(locked.round)
    ]
    if over:
        raise ValidationError(
            [
                ValidationError(
                    _(
                        "Innstillingen for %(year)s er %(total)s. Med %(committed)s bundet av andre runder "
                        "er det over rammen på %(frame)s."
                    )
                    % {
                        "year": cell.budget_year,
                        "total": _fmt(total),
                        "committed": _fmt(cell.committed_by_others(locked.round)),
                        "frame": _fmt(cell.frame),
                    },
                    code="over_frame",
                )
                for cell, total in over
            ]
        )
    if not meeting.is_consensus:
        votes = list(meeting.votes.filter(report__isnull=True).values_list("choice", flat=True))
        if votes.count(VoteChoice.FOR) <= votes.count(VoteChoice.AGAINST):
            raise ValidationError(
                _("Innstillingen har ikke flertall: %(for)s for og %(against)s mot.")
                % {"for": votes.count(VoteChoice.FOR), "against": votes.count(VoteChoice.AGAINST)}
            )
    locked.status = RecommendationStatus.APPROVED
    locked.approved_at, locked.approved_by = timezone.now(), by
    locked.version += 1
    locked.save()
    record(actor=by, verb="recommendation_approved", target=locked, changes={"meeting": meeting.pk})
    return locked


@transaction.atomic
def recommendation_new_version(*, by: User, recommendation: Recommendation) -> Recommendation:
    """Open a new draft version after an approval, starting from the approved lines (the approved one is kept)."""
    if not can_keep_minutes(by, recommendation.forum):
        raise PermissionDenied
    if recommendation.status != RecommendationStatus.APPROVED:
        raise ValidationError(
            _("Versjon %(number)s er ikke vedtatt; den kan endres som den er.") % {"number": recommendation.number}
        )
    latest = Recommendation.objects.filter(round=recommendation.round, forum=recommendation.forum).order_by("-number")
    if latest.first().pk != recommendation.pk:
        raise ValidationError(_("Det finnes allerede en nyere versjon av innstillingen."))
    draft = draft_recommendation(round=recommendation.round)
    record(actor=by, verb="recommendation_new_version", target=draft, changes={"from": recommendation.number})
    return draft


# ---------------------------------------------------------------------------------------------- reminders

MEETING_REMINDER_DAYS = 7  # the forum's seats are reminded this many days before the meeting (or later)
MEETING_REMINDER = "forum_meeting"


def meeting_reminders_send(*, today: date) -> int:
    """Remind everyone seated in the office's forums of the round's forum meeting, from seven days before to the day.

    Once per person and round: the notice record (``notify.claim``, its own transaction per person) stops a second
    run, or two at once. Anyone without an e-mail address is left out. Returns how many were sent.
    """
    from .tasks import send_meeting_reminder

    start = timezone.make_aware(datetime.combine(today, time.min))
    end = timezone.make_aware(datetime.combine(today + timedelta(days=MEETING_REMINDER_DAYS + 1), time.min))
    rounds = Round.objects.filter(
        status__in=FORUM_ROUND_STATUSES, forum_meeting__gte=start, forum_meeting__lt=end
    ).order_by("forum_meeting", "pk")
    seats = ForumMembership.objects.filter(user__is_active=True).select_related("user")
    sent = 0
    for round in rounds:
        days = (timezone.localdate(round.forum_meeting) - today).days
        already = notify.claimed(kind=MEETING_REMINDER, target=round)
        forums = (
            Forum.objects.filter(office=round.office_id)
            .prefetch_related(Prefetch("memberships", queryset=seats))
            .order_by("pk")
        )
        for forum in forums:
            for seat in forum.memberships.all():
                if seat.user_id in already or not seat.user.email:
                    continue
                with transaction.atomic():
                    notice = notify.claim(kind=MEETING_REMINDER, user=seat.user, target=round)
                    if notice is None:
                        continue  # another run sent it a moment ago
                    record(
                        actor=None,
                        verb="reminded_forum_meeting",
                        target=round,
                        changes={"user": seat.user_id, "forum": forum.pk},
                    )
                    transaction.on_commit(partial(send_meeting_reminder.enqueue, notice.pk, forum.pk, days))
                already.add(seat.user_id)
                sent += 1
    return sent
