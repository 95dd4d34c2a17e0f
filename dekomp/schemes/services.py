"""Writes to rounds: workflow transitions and reopening for one owner."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dekomp.accounts.models import User
from dekomp.activity.services import record
from dekomp.organisations.models import Organisation

from .models import ROUND_TRANSITIONS, DeadlineExtension, Round, RoundStatus
from .permissions import can_manage_round, can_reopen_for_owner


@transaction.atomic
def round_transition(*, by: User, round: Round, to: str) -> Round:
    """Move a round to its next status (office admins only, along the workflow)."""
    if not can_manage_round(by, round):
        raise PermissionDenied
    round = Round.objects.select_for_update().get(pk=round.pk)
    if to not in ROUND_TRANSITIONS[round.status]:
        raise ValidationError(
            _("Runden kan ikke gå fra «%(from)s» til «%(to)s».")
            % {"from": round.get_status_display(), "to": RoundStatus(to).label if to in RoundStatus.values else to}
        )
    before = round.status
    round.status = to
    round.save(update_fields=["status", "updated_at"])
    record(actor=by, verb="round_status", target=round, changes={"status": [before, to]})
    return round


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
