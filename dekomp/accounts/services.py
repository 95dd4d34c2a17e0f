"""Writes to users and memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User


@transaction.atomic
def user_set_language(*, user: User, language: str, by: User) -> User:
    """Save a user's preferred interface language (the user themself, or an admin)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Ukjent språk: %(language)s") % {"language": language})
    if by.pk != user.pk and not by.is_superuser:
        raise ValidationError(_("Du kan bare endre ditt eget språkvalg."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
