"""Tags for the letters: the panel on the decision page and the office's button to send a round's letters."""

import uuid

from django import template

from dekomp.schemes.models import Round

from ..letters import LetterPanel, letter_panel_for
from ..models import Decision, DecisionStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_panel(context, decision: Decision) -> LetterPanel:
    """What the panel shows to the user of the request being rendered."""
    request = context.get("request")
    return letter_panel_for(decision, request.user if request else context.get("user"))


@register.inclusion_tag("decisions/letters_send_form.html", takes_context=True)
def letters_send_form(context, round: Round) -> dict:
    """``{% letters_send_form round %}``: the office's button to send the round's letters, with a fresh token."""
    pending = Decision.objects.filter(batch__round=round, status=DecisionStatus.DECIDED).count()
    return {"round": round, "pending": pending, "token": uuid.uuid4(), "csrf_token": context.get("csrf_token")}
