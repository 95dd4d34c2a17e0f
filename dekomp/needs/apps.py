"""Needs reports (behovsmeldinger): written by owners with partners, confirmed, submitted and checked."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "dekomp.needs"
    verbose_name = _("Behovsmeldinger")
