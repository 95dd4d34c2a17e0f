"""What later stages do when decisions are made, without this stage importing them.

Reporting expects a report for each year a decision grants money; it registers itself here when it starts (the same
pattern as ``dekomp.schemes.commitments``). Hooks run inside the deciding transaction: if one fails, no decision is
made.
"""

from collections.abc import Callable

from .models import Decision

DecidedHook = Callable[..., None]
_decided: list[DecidedHook] = []


def on_decided(hook: DecidedHook) -> None:
    """Register ``hook(decisions=[...])``, called with the decisions a batch has just made (once per hook)."""
    if hook not in _decided:
        _decided.append(hook)


def decided(decisions: list[Decision]) -> None:
    """Run every registered hook on the decisions just made."""
    for hook in _decided:
        hook(decisions=decisions)
