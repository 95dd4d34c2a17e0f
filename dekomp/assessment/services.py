"""Writes for the working groups: reassigning, declaring interests and recusals, ranking, commenting, submitting.

A recused member can neither move, assess nor comment on the report they are recused from: every service that
touches one report checks it, so a forged request is refused like the disabled control in the page.
"""

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User, WorkingGroupMembership
from dekomp.activity import notify
from dekomp.activity.services import record
from dekomp.needs.models import NeedsReport, Status
from dekomp.organisations.models import Organisation, WorkingGroup
from dekomp.schemes.models import Round

from .models import EntryAmount, Interest, MemberComment, Ranking, RankingEntry, RankingStatus, Reassignment, Recusal
from .permissions import (
    RANKING_ROLES,
    RANKING_ROUND_STATUSES,
    can_comment,
    can_rank,
    can_reassign,
    can_reopen_ranking,
    can_submit_ranking,
)
from .selectors import is_recused, reports_for_working_group, requested_per_year


class StaleRankingError(ValidationError):
    """Someone changed the ranking after this user loaded it."""


def _locked(ranking: Ranking, expected_version: int | None) -> Ranking:
    locked = Ranking.objects.select_for_update().select_related("round__office", "working_group").get(pk=ranking.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRankingError(
            _("Prioriteringen er endret av noen andre mens du så på den. Last siden på nytt og prøv igjen."),
            code="stale",
        )
    return locked


def _refuse_if_recused(by: User, report: NeedsReport) -> None:
    if is_recused(by, report):
        raise PermissionDenied(_("Du er inhabil i %(ref)s og kan ikke ta del i den.") % {"ref": report.reference})


def _bump(ranking: Ranking) -> None:
    ranking.version += 1
    ranking.save(update_fields=["version", "updated_at"])


@transaction.atomic
def ranking_sync(*, round: Round, working_group: WorkingGroup) -> Ranking:
    """The group's ranking with one entry per checked report assigned to it: new ones last, gone ones removed."""
    ranking, _created = Ranking.objects.get_or_create(round=round, working_group=working_group)
    ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
    if ranking.is_locked:
        return ranking  # a submitted ranking stays as the group sent it until the office reopens it
    wanted = list(reports_for_working_group(round=round, working_group=working_group).select_related("round"))
    existing = {entry.report_id: entry for entry in ranking.entries.all()}
    gone = set(existing) - {report.pk for report in wanted}
    new = [report for report in wanted if report.pk not in existing]
    if not gone and not new:
        return ranking
    RankingEntry.objects.filter(ranking=ranking, report__in=gone).delete()
    requested = requested_per_year(new)
    position = max((e.position for rid, e in existing.items() if rid not in gone), default=0)
    for report in sorted(new, key=lambda r: r.number):
        position += 1
        entry = RankingEntry.objects.create(ranking=ranking, report=report, position=position)
        EntryAmount.objects.bulk_create(
            EntryAmount(entry=entry, budget_year=year, recommended=amount, minimum=amount)
            for year, amount in sorted(requested[report.pk].items())
        )
    _renumber(ranking)
    _bump(ranking)
    return ranking


def _renumber(ranking: Ranking) -> None:
    for index, entry in enumerate(ranking.entries.order_by("position", "pk"), start=1):
        if entry.position != index:
            RankingEntry.objects.filter(pk=entry.pk).update(position=index)


def ranking_move(*, by: User, ranking: Ranking, report: NeedsReport, position: int, expected_version: int) -> Ranking:
    """Move one report to a place in the ranking (the others shift); the keyboard and drag-and-drop both use it."""
    with transaction.atomic():
        locked = _locked(ranking, expected_version)
        if not can_rank(by, locked):
            raise PermissionDenied
        _refuse_if_recused(by, report)
        entries = list(locked.entries.order_by("position", "pk"))
        moving = next((entry for entry in entries if entry.report_id == report.pk), None)
        if moving is None:
            raise ValidationError(_("Behovsmeldingen er ikke med i denne prioriteringen."))
        if not 1 <= position <= len(entries):
            raise ValidationError({"position": _("Velg en plass fra 1 til %(count)s.") % {"count": len(entries)}})
        entries.remove(moving)
        entries.insert(position - 1, moving)
        for index, entry in enumerate(entries, start=1):
            if entry.position != index:
                RankingEntry.objects.filter(pk=entry.pk).update(position=index)
        _bump(locked)
        record(actor=by, verb="ranking_moved", target=locked, changes={"report": report.pk, "position": position})
    ranking.refresh_from_db()
    return ranking


def ranking_save_order(*, by: User, ranking: Ranking, order: list[int], expected_version: int) -> Ranking:
    """Save a whole order (report ids, best first): every report exactly once; recused reports keep their place."""
    with transaction.atomic():
        locked = _locked(ranking, expected_version)
        if not can_rank(by, locked):
            raise PermissionDenied
        entries = {entry.report_id: entry for entry in locked.entries.select_related("report")}
        duplicates = sorted({rid for rid in order if order.count(rid) > 1})
        missing = sorted(set(entries) - set(order))
        unknown = sorted(set(order) - set(entries))
        if duplicates or missing or unknown:
            problems = []
            if missing:
                problems.append(_("%(count)s behovsmelding(er) mangler i rekkefølgen.") % {"count": len(missing)})
            if duplicates:
                problems.append(_("%(count)s behovsmelding(er) står der to ganger.") % {"count": len(duplicates)})
            if unknown:
                problems.append(_("Rekkefølgen har behovsmeldinger som ikke hører til denne prioriteringen."))
            raise ValidationError(problems)
        # The same rule as for single moves: a recused member may move every other report (which can shift the
        # ones they are recused from), but never reorder those among themselves.
        recused = [rid for rid, entry in entries.items() if is_recused(by, entry.report)]
        before = sorted(recused, key=lambda rid: entries[rid].position)
        after = sorted(recused, key=order.index)
        if before != after:
            moved = next(entries[rid].report for rid, other in zip(before, after, strict=True) if rid != other)
            raise PermissionDenied(_("Du er inhabil i %(ref)s og kan ikke flytte den.") % {"ref": moved.reference})
        for index, report_id in enumerate(order, start=1):
            if entries[report_id].position != index:
                RankingEntry.objects.filter(pk=entries[report_id].pk).update(position=index)
        _bump(locked)
        record(actor=by, verb="ranking_ordered", target=locked, changes={"order": order})
    ranking.refresh_from_db()
    return ranking


def ranking_entry_save(
    *,
    by: User,
    ranking: Ranking,
    report: NeedsReport,
    comment: str,
    amounts: dict[int, tuple[Decimal, Decimal]],
    expected_version: int,
) -> RankingEntry:
    """The group's assessment of one report: comment, and per budget year the recommended and minimum amounts."""
    with transaction.atomic():
        locked = _locked(ranking, expected_version)
        if not can_rank(by, locked):
            raise PermissionDenied
        _refuse_if_recused(by, report)
        # Fuzzing found this: a report outside the ranking (removed by ranking_sync since the page was loaded, or
        # a forged request) raised DoesNotExist, a server error. It is refused like ranking_move refuses it.
        entry = RankingEntry.objects.filter(ranking=locked, report=report).first()
        if entry is None:
            raise ValidationError(_("Behovsmeldingen er ikke med i denne prioriteringen."))
        requested = requested_per_year([report])[report.pk]
        errors = {}
        for year, (recommended, minimum) in amounts.items():
            if year not in requested:
                errors[f"recommended_{year}"] = _("Behovsmeldingen søker ikke om midler for %(year)s.") % {"year": year}
            elif recommended < 0 or minimum < 0:
                errors[f"recommended_{year}"] = _("Beløpet kan ikke være negativt.")
            elif recommended > requested[year]:
                errors[f"recommended_{year}"] = _(
                    "Anbefalt beløp for %(year)s kan ikke være høyere enn det som er søkt om (%(requested)s kr)."
                ) % {"year": year, "requested": f"{requested[year]:,.0f}".replace(",", " ")}
            elif minimum > recommended:
                errors[f"minimum_{year}"] = _("Minste beløp kan ikke være høyere enn anbefalt beløp.")
        if errors:
            raise ValidationError(errors)
        entry.comment = comment.strip()
        entry.save(update_fields=["comment"])
        for year, (recommended, minimum) in amounts.items():
            EntryAmount.objects.update_or_create(
                entry=entry, budget_year=year, defaults={"recommended": recommended, "minimum": minimum}
            )
        _bump(locked)
        record(
            actor=by,
            verb="ranking_assessed",
            target=locked,
            changes={"report": report.pk, "amounts": {str(y): [str(r), str(m)] for y, (r, m) in amounts.items()}},
        )
    return entry


@transaction.atomic
def ranking_submit(*, by: User, ranking: Ranking) -> Ranking:
    """The leader submits the ranking to the forum; it is locked from then on."""
    locked = _locked(ranking, None)
    if not can_submit_ranking(by, locked):
        raise PermissionDenied
    if not locked.entries.exists():
        raise ValidationError(_("Prioriteringen har ingen behovsmeldinger."))
    locked.status = RankingStatus.SUBMITTED
    locked.submitted_by, locked.submitted_at = by, timezone.now()
    locked.version += 1
    locked.save()
    record(actor=by, verb="ranking_submitted", target=locked)
    return locked


@transaction.atomic
def ranking_reopen(*, by: User, ranking: Ranking, reason: str) -> Ranking:
    """The office reopens a submitted ranking, saying why."""
    locked = _locked(ranking, None)
    if not can_reopen_ranking(by, locked):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor prioriteringen åpnes igjen.")})
    locked.status = RankingStatus.DRAFT
    locked.version += 1
    locked.save()
    record(actor=by, verb="ranking_reopened", target=locked, comment=reason.strip())
    return locked


@transaction.atomic
def member_comment_add(*, by: User, working_group: WorkingGroup, report: NeedsReport, text: str) -> MemberComment:
    """A member comments on a report the group ranks (never one they are recused from)."""
    if not can_comment(by, working_group):
        raise PermissionDenied
    _refuse_if_recused(by, report)
    if not text.strip():
        raise ValidationError({"text": _("Skriv en kommentar.")})
    comment = MemberComment.objects.create(report=report, working_group=working_group, author=by, text=text.strip())
    record(actor=by, verb="member_commented", target=report)
    return comment


@transaction.atomic
def report_reassign(*, by: User, report: NeedsReport, working_group: WorkingGroup, reason: str) -> Reassignment:
    """The caseworker moves a report to another working group of the same office, with a reason."""
    if not can_reassign(by, report):
        raise PermissionDenied
    errors = {}
    if working_group.region.office_id != report.round.office_id:
        errors["working_group"] = _("Arbeidsgruppen hører til et annet embete.")
    if not reason.strip():
        errors["reason"] = _("Skriv hvorfor behovsmeldingen flyttes.")
    if report.status != Status.CHECKED:
        errors["working_group"] = _("Bare formelt kontrollerte behovsmeldinger fordeles til arbeidsgruppene.")
    if errors:
        raise ValidationError(errors)
    moved = Reassignment.objects.create(report=report, working_group=working_group, reason=reason.strip(), moved_by=by)
    record(
        actor=by, verb="reassigned", target=report, changes={"working_group": working_group.pk}, comment=reason.strip()
    )
    return moved


@transaction.atomic
def interest_declare(*, by: User, organisation: Organisation, description: str = "") -> Interest:
    """A member declares a tie to an organisation (recused from every report naming it)."""
    interest, _created = Interest.objects.update_or_create(
        user=by, organisation=organisation, defaults={"description": description.strip()[:200]}
    )
    record(actor=by, verb="interest_declared", target=interest)
    return interest


@transaction.atomic
def recusal_declare(*, by: User, report: NeedsReport, reason: str) -> Recusal:
    """A member declares themself recused from one report."""
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor du er inhabil.")})
    recusal, _created = Recusal.objects.update_or_create(
        user=by, report=report, defaults={"reason": reason.strip()[:300]}
    )
    record(actor=by, verb="recusal_declared", target=report, comment=reason.strip())
    return recusal


# ---------------------------------------------------------------------------------------------- reminders

RANKING_REMINDER_DAYS = 7  # the working groups are reminded this many days before their deadline (or later)
RANKING_REMINDER = "ranking_deadline"


def ranking_reminders_send(*, today: date) -> int:
    """Remind the members and leader of every working group with reports still to rank of the round's deadline.

    From seven days before the deadline up to the day itself, once per person and round: the notice record
    (``notify.claim``, its own transaction per person) stops a second run, or two at once. A group that has sent its
    ranking is not reminded, nor anyone without an e-mail address. Returns how many were sent.
    """
    from .tasks import send_ranking_reminder

    rounds = Round.objects.filter(
        status__in=RANKING_ROUND_STATUSES,
        working_group_deadline__gte=today,
        working_group_deadline__lte=today + timedelta(days=RANKING_REMINDER_DAYS),
    ).order_by("working_group_deadline", "pk")
    seats = WorkingGroupMembership.objects.filter(role__in=RANKING_ROLES, user__is_active=True).select_related("user")
    sent = 0
    for round in rounds:
        days = (round.working_group_deadline - today).days
        ranked = Ranking.objects.filter(round=round, status=RankingStatus.SUBMITTED).values("working_group")
        already = notify.claimed(kind=RANKING_REMINDER, target=round)
        groups = (
            WorkingGroup.objects.filter(region__office=round.office_id)
            .exclude(pk__in=ranked)
            .prefetch_related(Prefetch("memberships", queryset=seats))
            .order_by("pk")
        )
        for group in groups:
            if not reports_for_working_group(round=round, working_group=group).exists():
                continue
            for seat in group.memberships.all():
                if seat.user_id in already or not seat.user.email:
                    continue
                with transaction.atomic():
                    notice = notify.claim(kind=RANKING_REMINDER, user=seat.user, target=round)
                    if notice is None:
                        continue  # another run sent it a moment ago
                    record(
                        actor=None,
                        verb="reminded_ranking_deadline",
                        target=round,
                        changes={"user": seat.user_id, "working_group": group.pk},
                    )
                    transaction.on_commit(partial(send_ranking_reminder.enqueue, notice.pk, group.pk, days))
                already.add(seat.user_id)
                sent += 1
    return sent
