"""Tags for the letters: the panel on the decision page."""

from django import template

from ..letters import LetterPanel, letter_panel_for
from ..models import Decision

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_panel(context, decision: Decision) -> LetterPanel:
    """What the panel shows to the user of the request being rendered."""
    request = context.get("request")
    return letter_panel_for(decision, request.user if request else context.get("user"))
