"""Assessment: working groups receive their region's checked reports, declare interests and rank."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "dekomp.assessment"
    verbose_name = _("Prioritering")
