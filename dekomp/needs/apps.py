"""Needs reports (behovsmeldinger): written by owners with partners, confirmed, submitted and checked."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "dekomp.needs"
    verbose_name = _("Behovsmeldinger")

    def ready(self) -> None:
        # The round's workflow asks each stage what a move leaves undone (dekomp.schemes.workflow).
        from dekomp.schemes.workflow import register

        from .selectors import round_outstanding

        register(round_outstanding)
