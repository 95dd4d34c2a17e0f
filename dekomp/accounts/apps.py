"""Accounts: users, and the memberships that say who acts for which organisation, body and office."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dekomp.accounts"
    verbose_name = _("Brukere og roller")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login receiver
