"""Writes to users and memberships, and to the second factor of office staff."""

import logging
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import two_factor
from .models import TwoFactorDevice, User
from .permissions import can_use_admin

security_log = logging.getLogger("dekomp.security")


@transaction.atomic
def user_set_language(*, user: User, language: str, by: User) -> User:
    """Save a user's preferred interface language (the user themself, or an admin)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Ukjent språk: %(language)s") % {"language": language})
    if by.pk != user.pk and not by.is_superuser:
        raise ValidationError(_("Du kan bare endre ditt eget språkvalg."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def two_factor_enrol(*, user: User, by: User) -> TwoFactorDevice:
    """The user's authenticator device, with a new random secret the first time (not in use until confirmed)."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Bare brukeren selv kan sette opp sin egen tofaktorinnlogging."))
    device, _created = TwoFactorDevice.objects.get_or_create(user=user, defaults={"secret": two_factor.new_secret()})
    return device


class _Outcome(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"


@transaction.atomic
def _two_factor_attempt(user: User, code: str) -> tuple[_Outcome, TwoFactorDevice]:
    # One transaction that always commits: a wrong code must be counted even though the caller then refuses it.
    device = TwoFactorDevice.objects.select_for_update().get(user=user)
    now = timezone.now()
    if device.locked_until and device.locked_until > now:
        return _Outcome.LOCKED, device
    step = two_factor.matching_step(device.secret, code, after=device.last_used_step)
    if step is None:
        device.failed_attempts += 1
        outcome = _Outcome.WRONG
        if device.failed_attempts >= settings.DEKOMP_TWO_FACTOR_FAILURE_LIMIT:
            device.locked_until = now + timedelta(minutes=settings.DEKOMP_TWO_FACTOR_LOCKOUT_MINUTES)
            device.failed_attempts = 0
            outcome = _Outcome.LOCKED
            security_log.warning("Two-factor codes locked for user %s after too many wrong codes", user.pk)
        device.save(update_fields=["failed_attempts", "locked_until", "updated_at"])
        return outcome, device
    device.last_used_step = step
    device.failed_attempts = 0
    device.locked_until = None
    if device.confirmed_at is None:
        device.confirmed_at = now
    device.save(update_fields=["last_used_step", "failed_attempts", "locked_until", "confirmed_at", "updated_at"])
    return _Outcome.ACCEPTED, device


def two_factor_verify(*, user: User, code: str, by: User) -> TwoFactorDevice:
    """Check a code from the user's authenticator app; the first correct code also puts a new device in use.

    Wrong codes are counted; after ``DEKOMP_TWO_FACTOR_FAILURE_LIMIT`` of them no code is accepted for
    ``DEKOMP_TWO_FACTOR_LOCKOUT_MINUTES``. A code is never accepted twice.
    """
    if by.pk != user.pk:
        raise PermissionDenied(_("Bare brukeren selv kan skrive inn sin egen kode."))
    outcome, device = _two_factor_attempt(user, code.replace(" ", ""))
    if outcome is _Outcome.LOCKED:
        minutes = settings.DEKOMP_TWO_FACTOR_LOCKOUT_MINUTES
        raise ValidationError(
            ngettext(
                "For mange feil koder. Av sikkerhetshensyn kan du ikke prøve igjen før om %(minutes)s minutt.",
                "For mange feil koder. Av sikkerhetshensyn kan du ikke prøve igjen før om %(minutes)s minutter.",
                minutes,
            )
            % {"minutes": minutes},
            code="locked",
        )
    if outcome is _Outcome.WRONG:
        raise ValidationError(
            _("Koden stemmer ikke. Skriv inn koden appen viser nå, og sjekk at klokka på telefonen går riktig."),
            code="wrong",
        )
    return device


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None) -> bool:
    """Remove a user's authenticator device (a lost phone): they set up a new one at their next login.

    ``by`` is an office admin or system administrator (through the admin), or None from ``manage.py
    reset_two_factor`` (whoever can run that already controls the server).
    """
    if by is not None and not can_use_admin(by):
        raise PermissionDenied(_("Bare administratorer kan nullstille tofaktorinnlogging."))
    deleted, _rows = TwoFactorDevice.objects.filter(user=user).delete()
    security_log.warning("Two-factor device reset for user %s by %s", user.pk, by.pk if by else "the command line")
    return bool(deleted)
