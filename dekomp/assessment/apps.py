"""Assessment: working groups receive their region's checked reports, declare interests and rank."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "dekomp.assessment"
    verbose_name = _("Prioritering")

    def ready(self) -> None:
        # The round's workflow asks each stage what a move leaves undone (dekomp.schemes.workflow).
        from dekomp.schemes.workflow import register

        from .selectors import round_outstanding

        register(round_outstanding)
