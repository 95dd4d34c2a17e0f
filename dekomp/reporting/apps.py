"""Reporting: recipients' reports, the office's follow-up of unused money, the public list and the dashboard."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "dekomp.reporting"
    verbose_name = _("Rapportering og åpne data")
