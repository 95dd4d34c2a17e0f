"""Home: each role lands on its own page with what it must do next; depends on every other app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "dekomp.home"
    verbose_name = _("Forsider")
