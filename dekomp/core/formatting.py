"""Norwegian formatting of money, counts and organisation numbers, used by templates, PDFs and exports alike."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"
MINUS = "\u2212"


def format_nok(value: object, *, with_unit: bool = True) -> str:
    """Format an amount in whole kroner the Norwegian way: ``1 234 567 kr`` (non-breaking spaces).

    Øre are rounded half up to whole kroner; ``None`` and empty strings give an empty string.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = MINUS if amount < 0 else ""
    digits = f"{abs(int(amount)):,}".replace(",", NBSP)
    text = f"{sign}{digits}"
    return f"{text}{NBSP}kr" if with_unit else text


def format_number(value: object, places: int | None = None) -> str:
    """A count or weight the Norwegian way, ``24 771`` (non-breaking spaces; decimals with a comma, ``1,5``).

    ``places`` rounds to at most that many decimals (half up; trailing zeros dropped). ``None`` and empty strings
    give an empty string; anything that is not a number is returned as text.
    """
    if value is None or value == "" or isinstance(value, bool):
        return "" if value in (None, "") else str(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = MINUS if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    digits = f"{int(whole):,}".replace(",", NBSP)
    fraction = fraction.rstrip("0")
    return f"{sign}{digits},{fraction}" if fraction else f"{sign}{digits}"


def format_orgnr(value: object) -> str:
    """Group a nine-digit organisasjonsnummer as ``123 456 789`` for reading."""
    text = "" if value is None else str(value)
    if len(text) == 9 and text.isdigit():
        return f"{text[:3]}{NBSP}{text[3:6]}{NBSP}{text[6:]}"
    return text
