"""The one write path for the activity record."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dekomp.accounts.models import User

from .models import Event


def record(
    *, actor: User | None, verb: str, target: models.Model, changes: dict | None = None, comment: str = ""
) -> Event:
    """Record that ``actor`` did ``verb`` to ``target``; call inside the service's transaction."""
    return Event.objects.create(
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        changes=changes or {},
        comment=comment,
    )


def events_for(target: models.Model):
    """The recorded actions on one object, oldest first, with their actors."""
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")
