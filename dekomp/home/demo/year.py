"""Last year's demo round taken through the year with the real services: ranking, recommendation, decisions,
letters, acceptance, payouts and the first reports.

``build_year(actors, until=...)`` stops after a named stage, so a test can take the same round through the rest of
the year itself (``manage.py demo --until innstilling``).
"""

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from dekomp.accounts.models import (
    BodyRole,
    ForumMembership,
    OrganisationMembership,
    OrganisationRole,
    User,
    WorkingGroupMembership,
)
from dekomp.activity.maintenance import purge_demo_events
from dekomp.activity.models import Event
from dekomp.allocation import services as allocation
from dekomp.allocation.models import (
    AllocationRun,
    Attendance,
    Envelope,
    EnvelopeKey,
    KeyKind,
    LongTermPlan,
    Meeting,
    Recommendation,
    RecommendationLine,
    Vote,
)
from dekomp.assessment import services as assessment
from dekomp.assessment.models import (
    EntryAmount,
    MemberComment,
    Ranking,
    RankingEntry,
    Reassignment,
    Recusal,
)
from dekomp.decisions import letters
from dekomp.decisions import services as decisions_services
from dekomp.decisions.models import Appeal, Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
from dekomp.organisations.models import Organisation, WorkingGroup
from dekomp.organisations.validators import KONTONR_WEIGHTS
from dekomp.payouts import services as payouts_services
from dekomp.payouts.models import BatchStatus, Payout, PayoutBatch, RecipientKind
from dekomp.reporting import services as reporting_services
from dekomp.reporting.models import RecipientReport, Reminder, ReportStatus, Settlement
from dekomp.reporting.services import ReportInput
from dekomp.schemes.models import Round, RoundStatus

from .actors import DemoActors

OSLO = ZoneInfo("Europe/Oslo")
STAGES = ("innstilling", "vedtak", "utbetaling")

# Children first: every model that hangs off a round's reports, in an order the PROTECT references allow.
_CLEARED: tuple[tuple[type[Model], str], ...] = (
    (Reminder, "report__line__decision__report__round__in"),
    (Settlement, "report__line__decision__report__round__in"),
    (RecipientReport, "line__decision__report__round__in"),
    (Payout, "line__decision__report__round__in"),
    (Appeal, "decision__report__round__in"),
    (DecisionLine, "decision__report__round__in"),
    (Decision, "report__round__in"),
    (DecisionBatch, "round__in"),
    (Vote, "meeting__round__in"),
    (Attendance, "meeting__round__in"),
    (Meeting, "round__in"),
    (RecommendationLine, "recommendation__round__in"),
    (Recommendation, "round__in"),
    (AllocationRun, "round__in"),
    (Envelope, "round__in"),
    (EnvelopeKey, "round__in"),
    (LongTermPlan, "round__in"),
    (EntryAmount, "entry__ranking__round__in"),
    (RankingEntry, "ranking__round__in"),
    (Ranking, "round__in"),
    (MemberComment, "report__round__in"),
    (Reassignment, "report__round__in"),
    (Recusal, "report__round__in"),
)


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=OSLO)


@contextmanager
def story_clock(at: datetime) -> Iterator[None]:
    """Inside, the services' clock reads ``at`` (a second later at each reading), so what they record carries the
    story's date, not the day the demo is loaded: the events' times, the letters' dates, acceptances and payouts.

    Demo only. Every service reads the time through ``django.utils.timezone.now`` (and ``localdate``, which calls
    it), and ``auto_now_add`` fields do too, so one patch dates them all; the activity record is written normally.
    """
    ticks = itertools.count()
    with mock.patch.object(timezone, "now", lambda: at + timedelta(seconds=next(ticks))):
        yield


def clear_year(rounds: list[Round]) -> None:
    """Remove everything the year built on these rounds' reports (and its events), so the demo can be rebuilt."""
    for model, lookup in _CLEARED:
        objects = model.objects.filter(**{lookup: rounds})
        ids = list(objects.values_list("pk", flat=True))
        if not ids:
            continue
        purge_demo_events(Event.objects.filter(target_type=ContentType.objects.get_for_model(model), target_id__in=ids))
        model.objects.filter(pk__in=ids).delete()
    # The year's services also record events on the rounds themselves (envelopes set, allocation proposed, ...).
    purge_demo_events(
        Event.objects.filter(target_type=ContentType.objects.get_for_model(Round), target_id__in=[r.pk for r in rounds])
    )
    # Payout batches of the office that are left empty belong to the rounds just cleared.
    empty = list(
        PayoutBatch.objects.filter(office__rounds__in=rounds, payouts__isnull=True).values_list("pk", flat=True)
    )
    purge_demo_events(
        Event.objects.filter(target_type=ContentType.objects.get_for_model(PayoutBatch), target_id__in=empty)
    )
    PayoutBatch.objects.filter(pk__in=empty).delete()


def _user(email: str) -> User:
    return User.objects.get(email=email)


def build_recommendation(actors: DemoActors, round: Round) -> Recommendation:
    """Every working group ranks and submits; envelopes, the solver and an approved recommendation per scheme."""
    caseworker, secretariat = _user("saksbehandler@demo.no"), _user("sekretariat@demo.no")
    # The groups send their rankings in the days before their deadline, one a day.
    deadline = round.working_group_deadline or date(round.year, 4, 1)
    groups = WorkingGroup.objects.filter(region__office=actors.office).order_by("pk")
    for days_before, working_group in zip(itertools.count(6, -1), groups, strict=False):
        with story_clock(_at(deadline.year, deadline.month, deadline.day, 14) - timedelta(days=days_before)):
            ranking = assessment.ranking_sync(round=round, working_group=working_group)
            if not ranking.entries.exists():
                continue
            leader = (
                WorkingGroupMembership.objects.filter(working_group=working_group, role=BodyRole.LEADER)
                .select_related("user")
                .first()
            )
            assessment.ranking_submit(by=leader.user, ranking=ranking)
    meeting_at = round.forum_meeting or _at(round.year, 4, 20)
    with story_clock(meeting_at - timedelta(days=10)):
        for scheme in round.schemes.order_by("pk"):
            if not round.needs_reports.filter(scheme=scheme, status="kontrollert").exists():
                continue
            allocation.envelopes_set(
                by=caseworker,
                round=round,
                scheme=scheme,
                kind=KeyKind.STAFF,
                method="largest_remainder",
                source="Udir, Statistikkbanken: årsverk i skole og barnehage",
                source_year=round.year - 1,
            )
            allocation.allocation_propose(by=caseworker, round=round, scheme=scheme, mode="rank_order")
        recommendation = allocation.draft_recommendation(round=round)
    with story_clock(meeting_at + timedelta(hours=3)):
        voting = ForumMembership.objects.filter(forum=actors.forum, role__in=(BodyRole.MEMBER, BodyRole.LEADER))
        meeting = allocation.meeting_record(
            by=secretariat,
            forum=actors.forum,
            round=round,
            held_at=meeting_at,
            present=[m.user for m in voting.select_related("user")] + [secretariat],
            is_consensus=True,
            minutes="Forumet sluttet seg til prioriteringene fra arbeidsgruppene og fordelingen innenfor rammen.",
        )
        approved = allocation.recommendation_approve(by=secretariat, recommendation=recommendation, meeting=meeting)
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.DECISION)
    round.refresh_from_db()
    return approved


def _submitter(organisation: Organisation) -> User:
    membership = (
        OrganisationMembership.objects.filter(organisation=organisation, role=OrganisationRole.SUBMITTER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ValueError(f"the demo has no submitter for {organisation}")
    return membership.user


def bank_account_for(organisation: Organisation) -> str:
    """A made-up account number that passes the mod-11 check, the same for the organisation every time."""
    base = 1500_000_000 + int(organisation.orgnr) % 99_999_989
    while True:
        digits = f"{base:010d}"
        total = sum(int(d) * w for d, w in zip(digits, KONTONR_WEIGHTS[:10], strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return f"{digits}{check}"
        base += 1


# Owners in last year's round who have not accepted the terms yet (their home shows them the button): persona logins
# where the round has their decision, so a demo user can try it.
NOT_YET_ACCEPTED = ("eier.nynorsk@demo.no", "privat@demo.no")


def build_decisions(round: Round, recommendation: Recommendation) -> list[Decision]:
    """The caseworker prepares and makes the decisions, sends the letters; all but two owners accept."""
    caseworker = _user("saksbehandler@demo.no")
    # When it happens in the story: prepared and decided the week after the forum's meeting, letters a week later,
    # the terms accepted over the next days.
    with story_clock(_at(round.year, 4, 27)):
        batch = decisions_services.decisions_prepare(by=caseworker, recommendation=recommendation, token=uuid.uuid4())
    with story_clock(_at(round.year, 4, 28)):
        made = decisions_services.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4())
    with story_clock(_at(round.year, 5, 5)):
        letters.letters_send(by=caseworker, batch=batch, token=uuid.uuid4())
    granted = [d for d in made if d.outcome != Outcome.REJECTED]
    for days, decision in enumerate(granted):
        submitter = _submitter(decision.report.owner)
        if submitter.email not in NOT_YET_ACCEPTED:
            with story_clock(_at(round.year, 5, 7, 9) + timedelta(days=days % 10, hours=days % 7)):
                letters.decision_accept(by=submitter, decision=decision)
    return made


def build_payouts(actors: DemoActors, round: Round) -> list[PayoutBatch]:
    """Bank accounts on record, then the first budget year paid: one batch to owners, one to partners."""
    caseworker = _user("saksbehandler@demo.no")
    recipients = Organisation.objects.filter(decision_lines__decision__report__round=round).distinct()
    for organisation in recipients:
        if not organisation.bank_account:
            organisation.bank_account = bank_account_for(organisation)
            organisation.save(update_fields=["bank_account"])
    batches = []
    for kind in (RecipientKind.OWNER, RecipientKind.PARTNER):
        with story_clock(_at(round.year, 6, 9)):
            batch = payouts_services.payout_batch_create(
                by=caseworker,
                office=actors.office,
                budget_year=round.first_budget_year,
                recipient_kind=kind,
                token=uuid.uuid4(),
            )
        with story_clock(_at(round.year, 6, 10)):
            payouts_services.payout_batch_export(by=caseworker, batch=batch, fmt="xlsx")
        batch.refresh_from_db()
        with story_clock(_at(round.year, 6, 14)):
            batches.append(payouts_services.payout_batch_mark_paid(by=caseworker, batch=batch, version=batch.version))
    return batches


def build_reports(round: Round) -> list[RecipientReport]:
    """Two recipients have already sent in their report for the first year: one used it all, one did not."""
    sent = []
    reports = RecipientReport.objects.filter(
        line__decision__report__round=round,
        line__decision__status=DecisionStatus.ACCEPTED,
        line__payout__batch__status=BatchStatus.PAID,
        budget_year=round.first_budget_year,
        status=ReportStatus.EXPECTED,
    ).select_related("line__decision__report__owner", "recipient")
    owners = [
        r for r in reports.order_by("line__decision__number", "pk") if r.recipient_id == r.line.decision.report.owner_id
    ]
    # Sent in this autumn, before the demo's today (the new round has been open for five weeks).
    days = (_at(round.year, 11, 12), _at(round.year, 11, 18, 13))
    for report, share, sent_at in zip(owners[:2], (Decimal(1), Decimal("0.85")), days, strict=False):
        used = (report.line.amount * share).quantize(Decimal(1))
        needs_report = report.line.decision.report
        data = ReportInput(
            activities=(
                "Fire samlinger med forelesning og verksted, veiledning mellom samlingene og nettverksmøter for "
                "ledere. Alle skolene har hatt egne utviklingsgrupper."
            ),
            units_reached=list(needs_report.units.all()),
            participants=max(5, needs_report.staff_reached or 20),
            goal_achievement=(
                "Skolene har kommet godt i gang. Lærerne sier at de bruker det de har lært i egen undervisning, og "
                "ledelsen har satt av tid til utviklingsarbeidet også neste år."
            ),
            used=used,
            egenandel_documented=needs_report.scheme.required_egenandel(used) + 1000,
        )
        with story_clock(sent_at):
            sent.append(
                reporting_services.report_submit(
                    by=_submitter(report.recipient), report=report, version=report.version, data=data
                )
            )
    return sent


def build_year(actors: DemoActors, round: Round, *, until: str = STAGES[-1]) -> dict:
    """Take ``round`` through the year up to and including the stage ``until``; returns what was built, counted."""
    if until not in STAGES:
        raise ValueError(f"unknown stage {until!r}; one of {', '.join(STAGES)}")
    recommendation = build_recommendation(actors, round)
    built = {"recommendation_lines": recommendation.lines.count()}
    if until == "innstilling":
        return built
    decisions = build_decisions(round, recommendation)
    built["decisions"] = len(decisions)
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.PAYOUT)
    if until == "vedtak":
        return built
    batches = build_payouts(actors, round)
    built["payouts"] = sum(b.payouts.count() for b in batches)
    built["reports_sent"] = len(build_reports(round))
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.REPORTING)
    return built
