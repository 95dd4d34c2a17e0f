"""Forms for sending decision letters, accepting the terms and handling appeals."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import DesignsystemetFormMixin

from .models import AppealOutcome


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"required": _("Skriv en dato."), "invalid": _("Skriv datoen som dd.mm.åååå.")},
    )


class LettersSendForm(forms.Form):
    """Send the round's letters; the hidden token makes a double click send them once."""

    token = forms.UUIDField(widget=forms.HiddenInput)


class AcceptForm(DesignsystemetFormMixin, forms.Form):
    """The owner's submitter confirms, for the owner, that it accepts the terms."""

    confirm = forms.BooleanField(
        label=_("Jeg bekrefter på vegne av eieren at vi har lest vedtaket og aksepterer vilkårene."),
        error_messages={"required": _("Kryss av for å bekrefte at dere aksepterer vilkårene.")},
    )


class AppealRegisterForm(DesignsystemetFormMixin, forms.Form):
    """An appeal received by the office: when it came in and what it is about."""

    received_at = date_field(_("Mottatt"))
    grounds = forms.CharField(
        label=_("Hva klagen gjelder"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        help_text=_("Et kort sammendrag av klagen. Legg selve klagen i arkivet."),
        error_messages={"required": _("Skriv hva klagen gjelder.")},
    )


class AppealForwardForm(DesignsystemetFormMixin, forms.Form):
    """The office forwards the appeal to Udir with its assessment."""

    forwarded_at = date_field(_("Oversendt Utdanningsdirektoratet"))
    comment = forms.CharField(
        label=_("Statsforvalterens vurdering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
    )


class AppealDecideForm(DesignsystemetFormMixin, forms.Form):
    """The outcome of an appeal, when it was decided and why."""

    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=[(value, capfirst(label)) for value, label in AppealOutcome.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg utfallet av klagen.")},
    )
    outcome_at = date_field(_("Avgjort"))
    comment = forms.CharField(
        label=_("Begrunnelse for utfallet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
    )
