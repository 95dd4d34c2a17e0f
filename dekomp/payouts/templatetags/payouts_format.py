"""Template filters for the payouts pages: account numbers grouped as people read them, bar widths."""

from django import template

from dekomp.core.formatting import NBSP

register = template.Library()


@register.filter
def kontonr(value: object) -> str:
    """Group an 11-digit bank account number as ``1234 56 78903``; anything else is shown as it is."""
    text = "" if value is None else str(value)
    if len(text) == 11 and text.isdigit():
        return f"{text[:4]}{NBSP}{text[4:6]}{NBSP}{text[6:]}"
    return text
