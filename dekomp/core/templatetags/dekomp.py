"""Template filters loaded in every template: ``nok`` for money and ``orgnr`` for organisation numbers."""

from django import template

from dekomp.core.formatting import format_nok, format_orgnr

register = template.Library()


@register.filter
def nok(value: object) -> str:
    """Render an amount as ``1 234 567 kr``."""
    return format_nok(value)


@register.filter
def orgnr(value: object) -> str:
    """Render an organisasjonsnummer as ``123 456 789``."""
    return format_orgnr(value)
