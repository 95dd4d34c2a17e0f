"""Payouts: the commitments ledger per office, scheme and budget year, and payout batches."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "dekomp.payouts"
    verbose_name = _("Tilsagn og utbetaling")

    def ready(self) -> None:
        # Earlier stages (the round set-up, the solver) read commitments through this hook, never by import.
        from dekomp.schemes.commitments import register

        from .ledger import committed_by_other_rounds

        register(committed_by_other_rounds)
