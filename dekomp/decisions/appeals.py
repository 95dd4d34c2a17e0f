"""Appeals (klager) against decisions: registered by the office, forwarded to Udir, their outcome recorded.

Forvaltningsloven: the appeal deadline is three weeks from when the letter reached the party (§ 29; here counted
from the day the letter was sent, moved to the Monday when it ends on a weekend, as domstolloven § 148 counts it);
a late appeal is still registered and shown as late, since the office may consider it anyway (§ 31). The office
may reverse its own decision when it finds the appeal justified (§ 33 second paragraph), so an appeal can be decided
in the appellant's favour before it is forwarded; an appeal that is not upheld goes to Udir first.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record

from .models import Appeal, AppealOutcome, AppealStatus, Decision
from .permissions import can_handle_appeal

APPEAL_PERIOD = timedelta(weeks=3)
# The appeal's workflow; RECEIVED → DECIDED only when the office itself upholds the appeal (fvl. § 33).
APPEAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AppealStatus.RECEIVED: (AppealStatus.FORWARDED, AppealStatus.DECIDED),
    AppealStatus.FORWARDED: (AppealStatus.DECIDED,),
    AppealStatus.DECIDED: (),
}
OFFICE_MAY_DECIDE = (AppealOutcome.UPHELD, AppealOutcome.PARTLY)


def appeal_deadline(decision: Decision) -> date | None:
    """The last day to appeal: three weeks after the letter was sent (None while no letter has been sent)."""
    if decision.letter_sent_at is None:
        return None
    last = timezone.localdate(decision.letter_sent_at) + APPEAL_PERIOD
    while last.weekday() >= 5:  # Saturday or Sunday: the deadline runs to the next working day
        last += timedelta(days=1)
    return last


def is_within_deadline(decision: Decision, received_at: date) -> bool:
    """Received on or before the last day; before any letter is sent the deadline has not started running."""
    deadline = appeal_deadline(decision)
    return deadline is None or received_at <= deadline


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _not_in_future(value: date, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("%(label)s kan ikke være fram i tid.") % {"label": label}})


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__report__round__office")
        .get(pk=appeal.pk)
    )


@transaction.atomic
def appeal_register(*, by: User, decision: Decision, received_at: date, grounds: str) -> Appeal:
    """Register an appeal received against a binding decision, noting whether it came within three weeks."""
    decision = Decision.objects.select_related("report__round__office").get(pk=decision.pk)
    if not can_handle_appeal(by, decision):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere registrerer klager."))
    if not decision.is_binding:
        raise ValidationError(_("Vedtaket er ikke fattet ennå, og det kan ikke klages på et utkast."))
    grounds = grounds.strip()
    if not grounds:
        raise ValidationError({"grounds": _("Skriv hva klagen gjelder.")})
    _not_in_future(received_at, "received_at", _("Datoen klagen kom inn"))
    if decision.decided_at and received_at < timezone.localdate(decision.decided_at):
        raise ValidationError(
            {
                "received_at": _("Klagen kan ikke ha kommet inn før vedtaket ble fattet (%(date)s).")
                % {"date": _day(timezone.localdate(decision.decided_at))}
            }
        )
    appeal = Appeal.objects.create(decision=decision, received_at=received_at, grounds=grounds, registered_by=by)
    deadline = appeal_deadline(decision)
    record(
        actor=by,
        verb="appeal_registered",
        target=appeal,
        changes={
            "decision": decision.pk,
            "received_at": received_at.isoformat(),
            "deadline": deadline.isoformat() if deadline else None,
            "within_deadline": is_within_deadline(decision, received_at),
        },
    )
    record(actor=by, verb="appeal_registered", target=decision, changes={"appeal": appeal.pk})
    return appeal


@transaction.atomic
def appeal_forward(*, by: User, appeal: Appeal, forwarded_at: date, comment: str = "") -> Appeal:
    """Send a received appeal with the office's assessment to Utdanningsdirektoratet."""
    locked = _locked(appeal)
    if not can_handle_appeal(by, locked.decision):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere sender klager videre."))
    if locked.status == AppealStatus.FORWARDED:
        raise ValidationError(
            _("Klagen er allerede oversendt Utdanningsdirektoratet (%(date)s).") % {"date": _day(locked.forwarded_at)}
        )
    if AppealStatus.FORWARDED not in APPEAL_TRANSITIONS[locked.status]:
        raise ValidationError(_("Klagen er avgjort og kan ikke sendes videre."))
    _not_in_future(forwarded_at, "forwarded_at", _("Datoen klagen ble oversendt"))
    if forwarded_at < locked.received_at:
        raise ValidationError(
            {
                "forwarded_at": _("Klagen kan ikke oversendes før den kom inn (%(date)s).")
                % {"date": _day(locked.received_at)}
            }
        )
    locked.status = AppealStatus.FORWARDED
    locked.forwarded_at = forwarded_at
    locked.forward_comment = comment.strip()
    locked.save(update_fields=["status", "forwarded_at", "forward_comment", "updated_at"])
    record(
        actor=by,
        verb="appeal_forwarded",
        target=locked,
        changes={"status": [AppealStatus.RECEIVED, AppealStatus.FORWARDED], "forwarded_at": forwarded_at.isoformat()},
        comment=locked.forward_comment,
    )
    return locked


@transaction.atomic
def appeal_decide(*, by: User, appeal: Appeal, outcome: str, outcome_at: date, comment: str = "") -> Appeal:
    """Record the outcome of an appeal: Udir's decision, or the office upholding it before forwarding."""
    locked = _locked(appeal)
    if not can_handle_appeal(by, locked.decision):
        raise PermissionDenied(_("Bare Statsforvalterens saksbehandlere registrerer utfallet av klager."))
    if locked.status == AppealStatus.DECIDED:
        raise ValidationError(
            _("Klagen er allerede avgjort (%(date)s): %(outcome)s.")
            % {"date": _day(locked.outcome_at), "outcome": locked.get_outcome_display()}
        )
    if outcome not in AppealOutcome.values:
        raise ValidationError({"outcome": _("Velg utfallet av klagen.")})
    if locked.status == AppealStatus.RECEIVED and outcome not in OFFICE_MAY_DECIDE:
        raise ValidationError(
            {
                "outcome": _(
                    "En klage som ikke gis medhold, må oversendes Utdanningsdirektoratet før utfallet registreres."
                )
            }
        )
    _not_in_future(outcome_at, "outcome_at", _("Datoen klagen ble avgjort"))
    earliest = locked.forwarded_at or locked.received_at
    if outcome_at < earliest:
        raise ValidationError(
            {"outcome_at": _("Klagen kan ikke være avgjort før %(date)s.") % {"date": _day(earliest)}}
        )
    before = locked.status
    locked.status = AppealStatus.DECIDED
    locked.outcome = outcome
    locked.outcome_at = outcome_at
    locked.outcome_comment = comment.strip()
    locked.save(update_fields=["status", "outcome", "outcome_at", "outcome_comment", "updated_at"])
    record(
        actor=by,
        verb="appeal_decided",
        target=locked,
        changes={"status": [before, AppealStatus.DECIDED], "outcome": outcome, "outcome_at": outcome_at.isoformat()},
        comment=locked.outcome_comment,
    )
    return locked


@dataclass
class AppealRow:
    """An appeal as the office's pages show it: on time or late, and which next steps are open."""

    appeal: Appeal
    is_within_deadline: bool
    can_forward: bool
    can_decide: bool


def appeal_rows(decision: Decision) -> list[AppealRow]:
    """The decision's appeals, newest first, with their deadline note and next steps (one query)."""
    rows = []
    for appeal in decision.appeals.select_related("registered_by").order_by("-received_at", "-pk"):
        allowed = APPEAL_TRANSITIONS[appeal.status]
        rows.append(
            AppealRow(
                appeal=appeal,
                is_within_deadline=is_within_deadline(decision, appeal.received_at),
                can_forward=AppealStatus.FORWARDED in allowed,
                can_decide=AppealStatus.DECIDED in allowed,
            )
        )
    return rows
