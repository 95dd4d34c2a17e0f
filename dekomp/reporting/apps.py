"""Reporting: recipients' reports, the office's follow-up of unused money, the public list and the dashboard."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "dekomp.reporting"
    verbose_name = _("Rapportering og åpne data")

    def ready(self) -> None:
        # Decisions (an earlier stage) announce what they decide through this hook, never by importing reporting.
        from dekomp.decisions.hooks import on_decided

        from .services import reports_expect_for_decisions

        on_decided(reports_expect_for_decisions)
