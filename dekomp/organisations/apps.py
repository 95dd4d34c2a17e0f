"""Organisations: offices, fylker and kommuner, organisations, units and regions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "dekomp.organisations"
    verbose_name = _("Aktører og steder")
