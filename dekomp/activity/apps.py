"""Activity: the one hub every service records its actions in (who, when, what, on which object)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "dekomp.activity"
    verbose_name = _("Aktivitet")
