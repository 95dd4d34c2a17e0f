"""Core: shared building blocks with no domain rules."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dekomp.core"
    verbose_name = _("Kjerne")
