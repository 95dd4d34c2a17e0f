"""Forms for organisations and units, used by the admin and by the services' callers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import DesignsystemetFormMixin

from .models import County, Municipality, Organisation, Unit
from .validators import clean_orgnr


class MunicipalityNumberField(forms.CharField):
    """A kommune typed as its four-digit kommunenummer; an unknown number is refused with a clear message."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 4)
        kwargs.setdefault("help_text", _("Fire sifre, for eksempel 3107 for Fredrikstad."))
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Municipality):
            return value.number
        if isinstance(value, int):
            return Municipality.objects.filter(pk=value).values_list("number", flat=True).first() or value
        return value

    def clean(self, value: object) -> Municipality | None:
        number = (super().clean(value) or "").strip()
        if not number:
            return None
        if not (len(number) == 4 and number.isdigit()):
            raise forms.ValidationError(_("Kommunenummeret må ha 4 sifre."), code="municipality_format")
        try:
            return Municipality.objects.get(number=number)
        except Municipality.DoesNotExist:
            raise forms.ValidationError(
                _("Kommunenummeret %(number)s finnes ikke."), code="municipality_unknown", params={"number": number}
            ) from None


class OrgnrField(forms.CharField):
    """An organisasjonsnummer as typed (spaces and dashes allowed), cleaned to nine digits with a mod-11 check."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Organisasjonsnummer"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": _("Skriv inn organisasjonsnummeret.")})
        super().__init__(**kwargs)

    def clean(self, value: object) -> str:
        return clean_orgnr(super().clean(value))


class OrganisationForm(DesignsystemetFormMixin, forms.ModelForm):
    """Register or correct an organisation."""

    orgnr = OrgnrField()

    municipality = MunicipalityNumberField(label=_("Kommunenummer"), required=False)
    county = forms.ModelChoiceField(queryset=County.objects.all(), label=_("Fylke"), required=False)

    class Meta:
        model = Organisation
        fields = [
            "orgnr",
            "name",
            "kind",
            "malform",
            "municipality",
            "county",
            "street_address",
            "postal_code",
            "postal_place",
            "email",
        ]


class UnitForm(DesignsystemetFormMixin, forms.ModelForm):
    """Register or correct a school or kindergarten."""

    orgnr = OrgnrField()
    municipality = MunicipalityNumberField(label=_("Kommunenummer"))
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.owners(),
        label=_("Eier"),
        error_messages={
            "required": _("Velg eieren av enheten. En skole eller barnehage må ha en eier."),
            "invalid_choice": _("Eieren finnes ikke, eller er ikke en skoleeier eller barnehageeier."),
        },
    )

    class Meta:
        model = Unit
        fields = ["orgnr", "name", "kind", "owner", "municipality", "staff_count", "pupil_count"]
