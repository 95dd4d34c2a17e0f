"""Decisions: the office's vedtak per needs report, decision letters, acceptance of terms and appeals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "dekomp.decisions"
    verbose_name = _("Vedtak")

    def ready(self) -> None:
        # The round's workflow asks each stage what a move leaves undone (dekomp.schemes.workflow).
        from dekomp.schemes.workflow import register

        from .selectors import round_outstanding

        register(round_outstanding)
