"""Writes to recipients' reports: expected from decisions, written and sent in by the recipient, approved, sent back
for more or settled (unused money claimed back or carried over) by the office, and reminded about by a daily run.

Every service checks permission, writes in one transaction and records what it did; e-mails go through the task
queue once the transaction has committed. Validation errors are keyed by form field so the pages show them in place.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.core.formatting import format_nok
from dekomp.decisions.letters import reporting_deadline
from dekomp.decisions.models import BINDING_STATUSES, Decision, DecisionLine
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import Organisation, Unit
from dekomp.organisations.selectors import organisation_addresses
from dekomp.schemes.models import Round

from .models import (
    EDITABLE_STATUSES,
    REPORT_TRANSITIONS,
    RecipientReport,
    Reminder,
    ReminderKind,
    ReportStatus,
    Settlement,
    SettlementKind,
)
from .permissions import can_follow_up_report, can_write_report

REMINDER_DAYS_BEFORE = 14  # the "before" reminder goes out this many days before the deadline (or later)
CLAIM_DUE_DAYS = 30  # default time to pay back claimed money
MAX_PARTICIPANTS = 1_000_000
MAX_TEXT = 20_000


class StaleVersionError(ValidationError):
    """Someone saved the report after this user opened it."""


@dataclass(frozen=True)
class ReportInput:
    """What the recipient writes in a report."""

    activities: str = ""
    units_reached: Iterable[Unit] = field(default_factory=tuple)
    participants: int | None = None
    goal_achievement: str = ""
    used: Decimal | None = None
    egenandel_documented: Decimal | None = None


# ---------------------------------------------------------------------------------------------- helpers


def _input(data: ReportInput | Mapping) -> ReportInput:
    return data if isinstance(data, ReportInput) else ReportInput(**data)


def _kr(amount: Decimal) -> str:
    return format_nok(amount)


def report_deadline(*, round: Round, budget_year: int) -> date:
    """When the report for a budget year is due: the date the decision letter states."""
    return reporting_deadline(round, budget_year)


def requires_egenandel(report: RecipientReport) -> bool:
    """The scheme asks for egenandel and the recipient is a school or kindergarten owner (the one who contributes)."""
    return report.line.decision.report.scheme.has_egenandel and report.recipient.is_owner


def egenandel_required(report: RecipientReport, used: Decimal) -> Decimal:
    """The egenandel the recipient must document for the money it used (the scheme's one rule, rounded up)."""
    return report.line.decision.report.scheme.required_egenandel(used)


def allowed_units(report: RecipientReport):
    """Units a report may say it reached: the needs report's units, and those of its owner and co-owners."""
    needs: NeedsReport = report.line.decision.report
    owners = [needs.owner_id, *needs.co_owner_links.values_list("organisation_id", flat=True)]
    return Unit.objects.filter(Q(owner_id__in=owners) | Q(needs_reports=needs)).distinct()


def _locked(report: RecipientReport) -> RecipientReport:
    return (
        RecipientReport.objects.select_for_update(of=("self",))
        .select_related("line__decision__report__scheme", "line__decision__report__round__office", "recipient")
        .get(pk=report.pk)
    )


def _check_version(locked: RecipientReport, version: int) -> None:
    if locked.version != version:
        raise StaleVersionError(
            _(
                "Rapporten er lagret av noen andre etter at du åpnet den. Det du skrev her er ikke lagret: "
                "kopier teksten din, last siden på nytt og legg inn endringene igjen."
            ),
            code="stale",
        )


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _next_line(line: DecisionLine) -> DecisionLine | None:
    """The same decision's money for the same recipient the year after (following change decisions), if any."""
    following = (
        DecisionLine.objects.filter(
            decision=line.decision, recipient_id=line.recipient_id, budget_year=line.budget_year + 1, amount__gt=0
        )
        .select_related("decision__report__round")
        .first()
    )
    seen = set()
    while following is not None and following.superseded_by_id is not None and following.pk not in seen:
        seen.add(following.pk)
        following = DecisionLine.objects.select_related("decision__report__round").get(pk=following.superseded_by_id)
    if following is None or following.amount <= 0 or following.decision.status not in BINDING_STATUSES:
        return None
    return following


# ---------------------------------------------------------------------------------------------- expectation


def _expect_line(line: DecisionLine) -> RecipientReport:
    report, created = RecipientReport.objects.get_or_create(
        line=line,
        defaults={
            "recipient_id": line.recipient_id,
            "budget_year": line.budget_year,
            "deadline": report_deadline(round=line.decision.report.round, budget_year=line.budget_year),
        },
    )
    if created:
        record(actor=None, verb="expected", target=report, changes={"deadline": report.deadline.isoformat()})
    return report


@transaction.atomic
def reports_expect(*, decision: Decision) -> list[RecipientReport]:
    """Expect a report from each recipient for each year a binding decision grants money (idempotent)."""
    if decision.status not in BINDING_STATUSES:
        return []
    lines = (
        DecisionLine.objects.filter(decision=decision, amount__gt=0, superseded_by__isnull=True)
        .select_related("decision__report__round")
        .order_by("budget_year", "recipient__name", "pk")
    )
    return [_expect_line(line) for line in lines]


def reports_expect_for_decisions(*, decisions: list[Decision]) -> list[RecipientReport]:
    """Expect the reports of decisions just made; a change decision's superseded years need no report of their own.

    Reports not yet started for a superseded line are removed (the new line's report replaces them); one already
    written is kept for the office to follow up.
    """
    RecipientReport.objects.filter(
        line__superseded_by__decision__in=[d.pk for d in decisions], status=ReportStatus.EXPECTED
    ).delete()
    reports: list[RecipientReport] = []
    for decision in decisions:
        reports += reports_expect(decision=decision)
    return reports


@transaction.atomic
def reports_expect_for_round(round: Round) -> list[RecipientReport]:
    """Expect the reports of every binding decision in the round (idempotent; for a management path)."""
    reports: list[RecipientReport] = []
    for decision in Decision.objects.filter(report__round=round, status__in=BINDING_STATUSES).select_related(
        "report__round"
    ):
        reports += reports_expect(decision=decision)
    return reports


# ---------------------------------------------------------------------------------------------- the recipient


def _problems(report: RecipientReport, data: ReportInput, units: list[Unit], *, submitting: bool) -> dict:
    """What is wrong with the input, keyed by field; on submission also what is missing."""
    errors: dict[str, str | ValidationError] = {}
    if data.participants is not None and not 0 <= data.participants <= MAX_PARTICIPANTS:
        errors["participants"] = _("Antall deltakere må være et tall mellom 0 og %(max)s.") % {"max": MAX_PARTICIPANTS}
    for name, text in (("activities", data.activities), ("goal_achievement", data.goal_achievement)):
        if len(text or "") > MAX_TEXT:
            errors[name] = _("Teksten er for lang (høyst %(max)s tegn).") % {"max": MAX_TEXT}
    for name, value in (("used", data.used), ("egenandel_documented", data.egenandel_documented)):
        if value is not None and value < 0:
            errors[name] = _("Beløpet kan ikke være negativt.")
    granted = report.granted
    if data.used is not None and "used" not in errors and data.used > granted:
        errors["used"] = _("Brukt beløp (%(used)s) kan ikke være høyere enn tildelt (%(granted)s).") % {
            "used": _kr(data.used),
            "granted": _kr(granted),
        }
    allowed = set(allowed_units(report).values_list("pk", flat=True))
    strangers = [unit for unit in units if unit.pk not in allowed]
    if strangers:
        errors["units_reached"] = _("%(units)s hører ikke til eieren eller medeierne i tiltaket.") % {
            "units": ", ".join(unit.name for unit in strangers)
        }
    if not submitting:
        return errors
    if not (data.activities or "").strip():
        errors.setdefault("activities", _("Beskriv hva som ble gjort."))
    if data.participants is None:
        errors.setdefault("participants", _("Oppgi antall deltakere."))
    if not (data.goal_achievement or "").strip():
        errors.setdefault("goal_achievement", _("Beskriv i hvilken grad målene ble nådd."))
    if data.used is None:
        errors.setdefault("used", _("Oppgi hvor mye av tilskuddet som ble brukt."))
    if requires_egenandel(report) and "used" not in errors and "egenandel_documented" not in errors:
        scheme = report.line.decision.report.scheme
        required = egenandel_required(report, data.used)
        if data.egenandel_documented is None:
            errors["egenandel_documented"] = ValidationError(
                _("%(scheme)s krever egenandel: oppgi dokumentert egenandel.") % {"scheme": scheme.short_name},
                code="egenandel_missing",
            )
        elif data.egenandel_documented < required:
            errors["egenandel_documented"] = ValidationError(
                _(
                    "%(scheme)s krever egenandel på minst %(share)s %% av brukt beløp: minst %(required)s av "
                    "%(used)s, men dere har dokumentert %(documented)s."
                )
                % {
                    "scheme": scheme.short_name,
                    "share": scheme.egenandel_percent,
                    "required": _kr(required),
                    "used": _kr(data.used),
                    "documented": _kr(data.egenandel_documented),
                },
                code="egenandel_too_low",
            )
    return errors


def _write(*, by: User, report: RecipientReport, version: int, data: ReportInput | Mapping, submit: bool):
    """The one way a report's content changes: permission, lock, version, status, checks, apply, bump, record."""
    data = _input(data)
    units = list(data.units_reached)
    with transaction.atomic():
        locked = _locked(report)
        if not can_write_report(by, locked):
            raise PermissionDenied(_("Bare innsendere for %(org)s kan skrive rapporten.") % {"org": locked.recipient})
        _check_version(locked, version)
        if submit and ReportStatus.SUBMITTED not in REPORT_TRANSITIONS[locked.status]:
            raise ValidationError(
                _("Rapporten kan ikke sendes inn når den har status «%(status)s».")
                % {"status": locked.get_status_display()}
            )
        if not locked.is_editable:
            raise ValidationError(
                _("Rapporten har status «%(status)s» og kan ikke endres.") % {"status": locked.get_status_display()}
            )
        errors = _problems(locked, data, units, submitting=submit)
        if errors:
            raise ValidationError(errors)
        egenandel = data.egenandel_documented if requires_egenandel(locked) else None
        values = {
            "activities": (data.activities or "").strip(),
            "participants": data.participants,
            "goal_achievement": (data.goal_achievement or "").strip(),
            "used": data.used,
            "egenandel_documented": egenandel,
        }
        changes = {}
        for name, value in values.items():
            old = getattr(locked, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(locked, name, value)
        new_units, old_units = {u.pk for u in units}, set(locked.units_reached.values_list("pk", flat=True))
        if new_units != old_units:
            locked.units_reached.set(units)
            changes["units_reached"] = [sorted(old_units), sorted(new_units)]
        before = locked.status
        if submit:
            locked.status = ReportStatus.SUBMITTED
            locked.submitted_at, locked.submitted_by = timezone.now(), by
            verb = "resubmitted" if before == ReportStatus.MORE_REQUESTED else "submitted"
        else:
            if before == ReportStatus.EXPECTED:
                locked.status = ReportStatus.DRAFT
            verb = "saved"
        if locked.status != before:
            changes["status"] = [before, locked.status]
        locked.version += 1
        locked.save()
        record(actor=by, verb=verb, target=locked, changes=changes)
    report.refresh_from_db()
    return report


def report_save(*, by: User, report: RecipientReport, version: int, data: ReportInput | Mapping) -> RecipientReport:
    """Save what the recipient has written so far as a draft (nothing is required yet, but nothing may be wrong)."""
    return _write(by=by, report=report, version=version, data=data, submit=False)


def report_submit(*, by: User, report: RecipientReport, version: int, data: ReportInput | Mapping) -> RecipientReport:
    """Send the report in: every required field, money used within the granted, egenandel documented for DeKomp."""
    return _write(by=by, report=report, version=version, data=data, submit=True)


# ---------------------------------------------------------------------------------------------- the office


def _office_locked(by: User, report: RecipientReport, to: str) -> RecipientReport:
    locked = _locked(report)
    if not can_follow_up_report(by, locked):
        raise PermissionDenied(_("Bare Statsforvalteren som fattet vedtaket, følger opp rapporten."))
    if to not in REPORT_TRANSITIONS[locked.status]:
        raise ValidationError(
            _("Rapporten kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": locked.get_status_display(), "to": ReportStatus(to).label}
        )
    return locked


def _approve(by: User, locked: RecipientReport, comment: str) -> dict:
    before = locked.status
    locked.status = ReportStatus.APPROVED
    locked.approved_at, locked.approved_by = timezone.now(), by
    if comment:
        locked.office_comment = comment
    locked.version += 1
    locked.save()
    return {"status": [before, locked.status]}


def report_approve(*, by: User, report: RecipientReport, comment: str = "") -> RecipientReport:
    """The office approves a submitted report (unused money left unsettled stays with the recipient)."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _office_locked(by, report, ReportStatus.APPROVED)
        changes = _approve(by, locked, comment)
        record(actor=by, verb="approved", target=locked, changes=changes, comment=comment)
    report.refresh_from_db()
    return report


def report_request_more(*, by: User, report: RecipientReport, comment: str) -> RecipientReport:
    """The office sends a submitted report back, saying what it needs; the recipient is told by e-mail."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv hva mottakeren må utdype eller rette.")})
    with transaction.atomic():
        locked = _office_locked(by, report, ReportStatus.MORE_REQUESTED)
        before = locked.status
        locked.status = ReportStatus.MORE_REQUESTED
        locked.office_comment = comment
        locked.version += 1
        locked.save()
        event = record(
            actor=by, verb="more_requested", target=locked, changes={"status": [before, locked.status]}, comment=comment
        )
        from .tasks import send_more_requested

        report_id, event_id = locked.pk, event.pk
        transaction.on_commit(lambda: send_more_requested.enqueue(report_id, event_id))
    report.refresh_from_db()
    return report


def report_settle(
    *,
    by: User,
    report: RecipientReport,
    kind: str,
    amount: Decimal | None,
    reason: str,
    due_date: date | None = None,
) -> Settlement:
    """Decide on a submitted report's unused money, and approve the report in the same transaction.

    CLAIM_BACK is a repayment decision (with a payment deadline, by default in 30 days); CARRY_OVER adds the amount to
    what the recipient may use the next year the same decision grants money. Either way the recipient gets a notice by
    e-mail. Settling approves, so the office settles instead of approving; approving without settling leaves the
    money with the recipient.
    """
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(report)
        if not can_follow_up_report(by, locked):
            raise PermissionDenied(_("Bare Statsforvalteren som fattet vedtaket, avgjør ubrukte midler."))
        earlier = Settlement.objects.filter(report=locked).first()
        if earlier is not None:
            raise ValidationError(
                _("De ubrukte midlene i rapporten er allerede avgjort: %(kind)s, %(amount)s.")
                % {"kind": earlier.get_kind_display(), "amount": _kr(earlier.amount)}
            )
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError(
                _("Ubrukte midler avgjøres når rapporten er sendt inn; den har status «%(status)s».")
                % {"status": locked.get_status_display()}
            )
        unused = locked.unused or Decimal(0)
        if unused <= 0:
            raise ValidationError(_("Rapporten har ingen ubrukte midler å avgjøre."))
        errors: dict[str, str] = {}
        if kind not in SettlementKind.values:
            errors["kind"] = _("Velg om pengene skal kreves tilbake eller overføres.")
        if amount is None or amount <= 0:
            errors["amount"] = _("Skriv et beløp større enn 0.")
        # Fuzzing found this: 0.01 kr passed the check above and was stored as 0 kr (whole kroner), breaking the
        # settlement's "amount > 0" constraint. The form takes whole kroner only; so does the service now.
        elif amount != amount.to_integral_value():
            errors["amount"] = _("Skriv beløpet i hele kroner.")
        elif amount > unused:
            errors["amount"] = _("Beløpet (%(amount)s) kan ikke være høyere enn de ubrukte midlene (%(unused)s).") % {
                "amount": _kr(amount),
                "unused": _kr(unused),
            }
        if not reason:
            errors["reason"] = _("Begrunn avgjørelsen.")
        carried_to = None
        if kind == SettlementKind.CLAIM_BACK:
            due_date = due_date or today + timedelta(days=CLAIM_DUE_DAYS)
            if due_date < today:
                errors["due_date"] = _("Betalingsfristen kan ikke være passert.")
        elif kind == SettlementKind.CARRY_OVER:
            due_date = None
            following = _next_line(locked.line)
            if following is None:
                errors["kind"] = _(
                    "Vedtaket gir ikke %(recipient)s penger for %(year)s, så ubrukte midler kan ikke overføres. "
                    "Krev dem tilbake i stedet."
                ) % {"recipient": locked.recipient.name, "year": locked.budget_year + 1}
            else:
                carried_to = _locked(_expect_line(following))
                if not carried_to.is_editable:
                    errors["kind"] = _(
                        "Rapporten for %(year)s er allerede sendt inn, så pengene kan ikke overføres dit."
                    ) % {"year": carried_to.budget_year}
        if errors:
            raise ValidationError(errors)
        settlement = Settlement.objects.create(
            report=locked,
            kind=kind,
            amount=amount,
            reason=reason,
            due_date=due_date,
            carried_to=carried_to,
            decided_by=by,
        )
        changes = _approve(by, locked, reason)
        changes |= {"settlement": [kind, str(amount)]}
        record(actor=by, verb=f"settled_{kind}", target=locked, changes=changes, comment=reason)
        if carried_to is not None:
            record(
                actor=by,
                verb="carried_in",
                target=carried_to,
                changes={"carried_in": str(amount), "from_year": locked.budget_year},
                comment=reason,
            )
        from .tasks import send_settlement_notice

        settlement_id = settlement.pk
        transaction.on_commit(lambda: send_settlement_notice.enqueue(settlement_id))
    report.refresh_from_db()
    return settlement


# ---------------------------------------------------------------------------------------------- reminders


def reminder_addresses(organisations: Iterable[Organisation]) -> dict[int, list[str]]:
    """Organisation id → its own e-mail address and those of its active submitters (one query)."""
    return organisation_addresses(organisations)


def reminders_send(*, today: date) -> int:
    """Remind the recipients of unsent reports: once within 14 days before the deadline, once when it has passed.

    Each reminder is its own transaction, and the unique (report, kind) constraint makes a second run (or two runs at
    once) send nothing twice. A recipient without any e-mail address is left for a later run. Returns how many were
    sent.
    """
    reports = list(
        RecipientReport.objects.filter(
            status__in=EDITABLE_STATUSES, deadline__lte=today + timedelta(days=REMINDER_DAYS_BEFORE)
        )
        .select_related("recipient")
        .prefetch_related("reminders")
        .order_by("deadline", "pk")
    )
    addresses = reminder_addresses({report.recipient for report in reports})
    from .tasks import send_report_reminder

    sent = 0
    for report in reports:
        kind = ReminderKind.OVERDUE if report.deadline < today else ReminderKind.BEFORE
        if any(reminder.kind == kind for reminder in report.reminders.all()):
            continue
        recipients = addresses.get(report.recipient_id) or []
        if not recipients:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(report=report, kind=kind, recipients=recipients)
                record(actor=None, verb=f"reminded_{kind}", target=report, changes={"recipients": recipients})
                reminder_id = reminder.pk
                transaction.on_commit(lambda reminder_id=reminder_id: send_report_reminder.enqueue(reminder_id))
        except IntegrityError:
            continue  # another run sent this reminder at the same moment
        sent += 1
    return sent
