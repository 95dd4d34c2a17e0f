"""Schemes and their rules, rounds with frames, deadlines, themes and activity types."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "dekomp.schemes"
    verbose_name = _("Ordninger og runder")
