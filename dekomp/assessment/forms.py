"""Forms of the ranking board (move, order, assessment, comment, reopen, reassign) and the interests page."""

from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import AmountField, DesignsystemetFormMixin
from dekomp.needs.models import NeedsReport
from dekomp.organisations.models import Organisation


class MoveForm(DesignsystemetFormMixin, forms.Form):
    """Move one report to a place: "Flytt opp", "Flytt ned" and "Flytt til plass" all post this."""

    report = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(
        label=_("Ny plass"),
        min_value=1,
        error_messages={
            "required": _("Skriv inn plassen du vil flytte behovsmeldingen til."),
            "invalid": _("Plassen må være et helt tall."),
            "min_value": _("Plassen må være 1 eller høyere."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OrderForm(DesignsystemetFormMixin, forms.Form):
    """A whole order from drag and drop: report ids best first, separated by commas."""

    order = forms.CharField(error_messages={"required": _("Rekkefølgen mangler.")})
    version = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_order(self) -> list[int]:
        """The ids as integers, in order."""
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Rekkefølgen kunne ikke leses.")) from None


class EntryForm(DesignsystemetFormMixin, forms.Form):
    """The group's assessment of one report: a comment and, per budget year, the recommended and minimum amounts."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Arbeidsgruppens vurdering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, years: list[int], disabled: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"recommended_{year}"] = AmountField(label=_("Anbefalt beløp %(year)s (kr)") % {"year": year})
            self.fields[f"minimum_{year}"] = AmountField(
                label=_("Minste beløp som gir mening %(year)s (kr)") % {"year": year}
            )
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def year_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """Per budget year: the year and its two bound fields, for the template."""
        return [(year, self[f"recommended_{year}"], self[f"minimum_{year}"]) for year in self.years]

    def amounts(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Budget year → (recommended, minimum), for the service."""
        data = self.cleaned_data
        return {year: (data[f"recommended_{year}"], data[f"minimum_{year}"]) for year in self.years}


class CommentForm(DesignsystemetFormMixin, forms.Form):
    """A member's comment on one report."""

    text = forms.CharField(
        label=_("Din kommentar"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv en kommentar.")},
    )

    def __init__(self, *args: object, disabled: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].disabled = disabled


class ReopenForm(DesignsystemetFormMixin, forms.Form):
    """The office reopens a submitted ranking and says why."""

    reason = forms.CharField(
        label=_("Hvorfor åpnes prioriteringen igjen?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvorfor prioriteringen åpnes igjen.")},
    )


class ReassignForm(DesignsystemetFormMixin, forms.Form):
    """The caseworker moves a report to another of the office's working groups, with a reason."""

    working_group = forms.TypedChoiceField(
        label=_("Ny arbeidsgruppe"),
        coerce=int,
        error_messages={"required": _("Velg arbeidsgruppe."), "invalid_choice": _("Velg en arbeidsgruppe i listen.")},
    )
    reason = forms.CharField(
        label=_("Hvorfor flyttes den?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvorfor behovsmeldingen flyttes.")},
    )

    def __init__(self, *args: object, groups: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [("", _("Velg arbeidsgruppe")), *((g.pk, g.name) for g in groups)]


class InterestForm(DesignsystemetFormMixin, forms.Form):
    """A tie to an organisation: recused from every report naming it."""

    organisation = forms.ModelChoiceField(
        label=_("Virksomhet"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Velg virksomhet"),
        error_messages={"required": _("Velg virksomhet.")},
    )
    description = forms.CharField(
        label=_("Hva er tilknytningen? (valgfritt)"),
        max_length=200,
        required=False,
        help_text=_("For eksempel: «Styremedlem» eller «Ektefellen min er rektor der»."),
    )


class RecusalForm(DesignsystemetFormMixin, forms.Form):
    """Recused from one report, with a reason."""

    report = forms.ModelChoiceField(
        label=_("Behovsmelding"),
        queryset=NeedsReport.objects.none(),
        empty_label=_("Velg behovsmelding"),
        error_messages={
            "required": _("Velg behovsmelding."),
            "invalid_choice": _("Velg en behovsmelding i listen."),
        },
    )
    reason = forms.CharField(
        label=_("Hvorfor er du inhabil?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvorfor du er inhabil.")},
    )

    def __init__(self, *args: object, reports: QuerySet[NeedsReport], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports
        self.fields["report"].label_from_instance = lambda r: f"{r.reference} {r.title} ({r.owner.name})"
