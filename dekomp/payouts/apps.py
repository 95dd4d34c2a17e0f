"""Payouts: the commitments ledger per office, scheme and budget year, and payout batches."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "dekomp.payouts"
    verbose_name = _("Tilsagn og utbetaling")

    def ready(self) -> None:
        # Earlier stages (the round set-up, the solver, the frame checks) read the money through this hook, never by
        # import: ``schemes.commitments.money_for_office`` asks the ledger for commitments and payouts.
        from dekomp.schemes.commitments import register

        from .ledger import bindings

        register(bindings)
