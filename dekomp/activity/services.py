"""The one write path for the activity record (the audit trail), and the helpers services use to fill it.

Every service that writes calls ``record()`` inside its own transaction, so the event and the change it describes
are committed together or not at all. ``snapshot()`` and ``diff()`` (from ``changes.py``) give the field-level
``changes``: ``{"field": [old, new]}``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dekomp.accounts.models import User

from .changes import diff, json_value, snapshot
from .models import Event

__all__ = ["diff", "events_for", "record", "snapshot"]


def record(
    *, actor: User | None, verb: str, target: models.Model, changes: dict | None = None, comment: str = ""
) -> Event:
    """Record that ``actor`` (None: the system) did ``verb`` to ``target``; call inside the service's transaction.

    ``changes`` is stored as JSON: Decimals, dates and model instances in it are made JSON-safe (see
    ``changes.json_value``). The event cannot be changed or deleted afterwards.
    """
    return Event.objects.create(
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        changes=json_value(changes or {}),
        comment=comment,
    )


def events_for(target: models.Model):
    """The recorded actions on one object, oldest first, with their actors."""
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")
