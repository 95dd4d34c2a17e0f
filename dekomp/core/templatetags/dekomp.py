"""Template filters loaded in every template: ``nok`` for money, ``number`` for counts and weights, and ``orgnr``
for organisation numbers."""

from django import template

from dekomp.core.formatting import format_nok, format_number, format_orgnr

register = template.Library()


@register.filter
def nok(value: object) -> str:
    """Render an amount as ``1 234 567 kr``."""
    return format_nok(value)


@register.filter
def number(value: object, places: int | None = None) -> str:
    """Render a count or weight as ``24 771`` (``|number:2``: at most two decimals, ``0,35``)."""
    return format_number(value, places)


@register.filter
def orgnr(value: object) -> str:
    """Render an organisasjonsnummer as ``123 456 789``."""
    return format_orgnr(value)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """Look up ``key`` in a dict (for data such as snapshots whose keys come from a list)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def as_lines(value: object) -> str:
    """A list as one item per line, booleans as ja/nei, empty as a dash."""
    from django.utils.translation import gettext

    if value is True:
        return gettext("ja")
    if value is False:
        return gettext("nei")
    if value in (None, "", []):
        return "–"
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)
