"""Validation of organisasjonsnummer (mod-11) with python-stdnum, with messages in the user's language."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.no import kontonr as stdnum_kontonr
from stdnum.no import orgnr as stdnum_orgnr

# Weights of the mod-11 check, the check digit itself weighted 1: a valid number sums to a multiple of 11.
ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2, 1)
# The same for an 11-digit bank account number (kontonummer).
KONTONR_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def clean_orgnr(value: str) -> str:
    """Return the organisasjonsnummer as nine digits, or raise ValidationError with a clear message.

    Spaces, dashes and dots between the digits are allowed when typed (``974 760 673``) and removed.
    """
    compact = "".join(ch for ch in str(value or "") if ch not in " -.\u00a0")
    if not compact:
        raise ValidationError(_("Skriv inn organisasjonsnummeret."), code="required")
    if not compact.isdigit():
        raise ValidationError(_("Organisasjonsnummeret må bestå av sifre."), code="orgnr_format")
    if len(compact) != 9:
        raise ValidationError(_("Organisasjonsnummeret må ha nøyaktig 9 sifre."), code="orgnr_length")
    try:
        return stdnum_orgnr.validate(compact)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("Organisasjonsnummeret %(value)s er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="orgnr_checksum",
            params={"value": compact},
        ) from None


def validate_orgnr(value: str) -> None:
    """Model-field validator: the value must already be a valid nine-digit organisasjonsnummer."""
    if clean_orgnr(value) != value:
        raise ValidationError(_("Organisasjonsnummeret må lagres som 9 sifre uten mellomrom."), code="orgnr_compact")


def orgnr_check_digit(first_eight: str) -> int | None:
    """Return the mod-11 check digit for eight digits, or None when no valid check digit exists."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS[:8], strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def synthetic_orgnrs(start: int):
    """Yield checksum-valid organisasjonsnummer from an eight-digit base upwards (for demo and test data)."""
    base = start
    while True:
        check = orgnr_check_digit(f"{base:08d}")
        if check is not None:
            yield f"{base:08d}{check}"
        base += 1


def clean_bank_account(value: str) -> str:
    """Return the bank account number as 11 digits, or raise ValidationError with a clear message.

    The usual groupings (``1234 56 78903``, ``1234.56.78903``) are allowed when typed and removed.
    """
    compact = "".join(ch for ch in str(value or "") if ch not in " -.\u00a0")
    if not compact:
        raise ValidationError(_("Skriv inn kontonummeret."), code="required")
    if not compact.isdigit() or len(compact) != 11:
        raise ValidationError(_("Kontonummeret må ha nøyaktig 11 sifre."), code="kontonr_length")
    try:
        return stdnum_kontonr.validate(compact)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("Kontonummeret %(value)s er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="kontonr_checksum",
            params={"value": compact},
        ) from None


def validate_bank_account(value: str) -> None:
    """Model-field validator: blank, or a valid 11-digit account number stored without spaces."""
    if value and clean_bank_account(value) != value:
        raise ValidationError(_("Kontonummeret må lagres som 11 sifre uten mellomrom."), code="kontonr_compact")
