"""Allocation: regional envelopes, the allocation solver and the forum's recommendation (innstilling)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "dekomp.allocation"
    verbose_name = _("Fordeling og innstilling")

    def ready(self) -> None:
        # The round's workflow asks each stage what a move leaves undone (dekomp.schemes.workflow).
        from dekomp.schemes.workflow import register

        from .selectors import round_outstanding

        register(round_outstanding)
