"""Writes to rounds: workflow transitions and reopening for one owner."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.organisations.models import Organisation

from . import workflow
from .models import ROUND_TRANSITIONS, DeadlineExtension, Round, RoundStatus
from .permissions import can_manage_round, can_reopen_for_owner


@transaction.atomic
def round_transition(*, by: User, round: Round, to: str, reason: str = "", is_confirmed: bool = False) -> Round:
    """Move a round to its next status (office admins only, along the workflow).

    What the move leaves undone (``workflow.outstanding``) must have been shown and confirmed (``is_confirmed``);
    closing a round before its last deadline needs a reason. Both are recorded with the move.
    """
    if not can_manage_round(by, round):
        raise PermissionDenied
    round = Round.objects.select_for_update().get(pk=round.pk)
    if to not in ROUND_TRANSITIONS[round.status]:
        raise ValidationError(
            _("Runden kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": round.get_status_display(), "to": RoundStatus(to).label if to in RoundStatus.values else to},
            code="transition",
        )
    reason = (reason or "").strip()
    if workflow.closes_early(round, to) is not None and not reason:
        message = _("Runden lukkes før den siste fristen. Skriv hvorfor, så det blir registrert.")
        raise ValidationError({"reason": ValidationError(message, code="reason_required")})
    undone = workflow.outstanding(round=round, to=to)
    if undone and not is_confirmed:
        raise ValidationError(
            _("Se gjennom det som ikke er gjort, og bekreft at runden skal flyttes likevel."), code="unconfirmed"
        )
    before = round.status
    round.status = to
    round.save(update_fields=["status", "updated_at"])
    record(
        actor=by,
        verb="round_status",
        target=round,
        changes={"status": [before, to], **({"outstanding": [item.code for item in undone]} if undone else {})},
        comment=reason,
    )
    return round


def round_advance(*, by: User, round: Round, to: str) -> bool:
    """Move the round on to ``to`` because the work of that stage has been done (deciding moves it to «vedtak»).

    Called by the later stages' services inside their own transaction; a round already there or past it is left
    alone. Returns whether it moved.
    """
    order = list(RoundStatus.values)
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if order.index(locked.status) >= order.index(to):
        return False
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    record(actor=by, verb="round_status", target=locked, changes={"status": [before, to], "automatic": True})
    round.status = to
    return True


@transaction.atomic
def deadline_reopen(
    *, by: User, round: Round, owner: Organisation, deadline: datetime, reason: str
) -> DeadlineExtension:
    """Give one owner a new deadline after the ordinary one, with a reason (kept and shown)."""
    if not can_reopen_for_owner(by, round):
        raise PermissionDenied
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Skriv hvorfor fristen åpnes igjen for denne eieren.")
    if deadline <= timezone.now():
        errors["deadline"] = _("Den nye fristen må være fram i tid.")
    if not owner.is_owner:
        errors["owner"] = _("Fristen kan bare åpnes for en skoleeier eller barnehageeier.")
    elif not Organisation.objects.filter(pk=owner.pk).in_office(round.office).exists():
        errors["owner"] = _("%(owner)s hører ikke til embetet som har runden.") % {"owner": owner.name}
    if errors:
        raise ValidationError(errors)
    extension, _created = DeadlineExtension.objects.update_or_create(
        round=round, owner=owner, defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": by}
    )
    record(
        actor=by,
        verb="deadline_reopened",
        target=round,
        changes={"owner": owner.pk, "deadline": deadline.isoformat()},
        comment=reason.strip(),
    )
    return extension
