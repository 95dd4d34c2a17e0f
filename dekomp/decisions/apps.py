"""Decisions: the office's vedtak per needs report, decision letters, acceptance of terms and appeals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "dekomp.decisions"
    verbose_name = _("Vedtak")
