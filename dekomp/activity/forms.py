"""The round log's filters: what was done, and by whom."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dekomp.accounts.models import User
from dekomp.core.forms import DesignsystemetFormMixin


class LogFilterForm(DesignsystemetFormMixin, forms.Form):
    """Filter a log by verb and by actor; the choices are those that occur in the log."""

    handling = forms.ChoiceField(label=_("Handling"), required=False)
    utfort_av = forms.TypedChoiceField(label=_("Utført av"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, verbs: list[tuple[str, str]], actors: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling"].choices = [("", _("Alle handlinger")), *verbs]
        self.fields["utfort_av"].choices = [
            ("", _("Alle")),
            *((user.pk, f"{user.full_name} ({user.email})" if user.full_name else user.email) for user in actors),
        ]

    def filters(self) -> dict[str, object]:
        """The chosen verb and actor (a choice that is not in the log is ignored)."""
        if not self.is_valid():
            return {"verb": "", "actor_id": None}
        return {"verb": self.cleaned_data["handling"], "actor_id": self.cleaned_data["utfort_av"]}


class JobTokenForm(forms.Form):
    """Start a background job; the hidden token makes a double click start it once."""

    token = forms.UUIDField(widget=forms.HiddenInput)
