"""Forms for a round's page: reopening the deadline for one owner."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import DesignsystemetFormMixin
from dekomp.organisations.models import Office, Organisation

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ReopenForm(DesignsystemetFormMixin, forms.Form):
    """One owner in the office's fylker, a new deadline (Europe/Oslo time) and why."""

    owner = forms.ModelChoiceField(
        label=_("Eier"),
        queryset=Organisation.objects.none(),
        empty_label=_("Velg eier"),
        error_messages={"required": _("Velg eieren som skal få ny frist.")},
    )
    deadline = forms.DateTimeField(
        label=_("Ny frist"),
        help_text=_("Dato og klokkeslett, norsk tid."),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={
            "required": _("Oppgi den nye fristen."),
            "invalid": _("Oppgi fristen som dato og klokkeslett."),
        },
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        help_text=_("Begrunnelsen lagres og vises på rundens side."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvorfor fristen åpnes igjen for denne eieren.")},
    )

    def __init__(self, *args: object, office: Office, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.owners().in_office(office).order_by("name")


class RoundTransitionForm(DesignsystemetFormMixin, forms.Form):
    """The office admin's confirmation of a round's move: where to, and why (required when it closes early)."""

    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        help_text=_("Lagres i rundens historikk. Må fylles ut når runden lukkes før den siste fristen."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
