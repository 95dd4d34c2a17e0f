"""Allocation: regional envelopes, the allocation solver and the forum's recommendation (innstilling)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "dekomp.allocation"
    verbose_name = _("Fordeling og innstilling")

    def ready(self) -> None:
        # The round's workflow asks each stage what a move leaves undone (dekomp.schemes.workflow).
        from dekomp.schemes.workflow import register

        from .selectors import round_outstanding

        register(round_outstanding)

        from dekomp.activity.verbs import register_value_labels

        from .forms import ProposeForm
        from .models import ApportionmentMethod, KeyKind

        # The envelopes and the solver's runs are recorded on the round: the log shows their codes by name.
        register_value_labels("kind", KeyKind.choices)
        register_value_labels("method", ApportionmentMethod.choices)
        register_value_labels("mode", ProposeForm.base_fields["mode"].choices)
