"""Forms for the envelopes page and the forum's workspace: key, solver mode, amounts, meeting, vote, approval, plan."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from dekomp.accounts.models import ForumMembership
from dekomp.core.forms import AmountField, DesignsystemetFormMixin
from dekomp.organisations.models import Region

from .models import ApportionmentMethod, KeyKind, Meeting, VoteChoice

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
CONSENSUS, VOTE = "konsensus", "votering"


class EnvelopeKeyForm(DesignsystemetFormMixin, forms.Form):
    """How the frame is split between the regions; for typed envelopes, one amount per region and year."""

    kind = forms.ChoiceField(
        label=_("Fordelingsnøkkel"),
        choices=[(value, capfirst(label)) for value, label in KeyKind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg en fordelingsnøkkel.")},
    )
    method = forms.ChoiceField(
        label=_("Metode for avrunding til hele kroner"),
        choices=[(value, capfirst(label)) for value, label in ApportionmentMethod.choices],
    )
    source = forms.CharField(
        label=_("Datakilde"),
        required=False,
        max_length=200,
        help_text=_("Påkrevd for nøkler etter antall ansatte eller elever, for eksempel «Udir, Skoleporten»."),
    )
    source_year = forms.IntegerField(
        label=_("År for dataene"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Skriv året med fire sifre.")},
    )

    def __init__(self, *args: object, regions: list[Region], years: list[int], **kwargs: object) -> None:
        self.regions, self.years = regions, years
        super().__init__(*args, **kwargs)
        for region in regions:
            for year in years:
                self.fields[f"typed_{region.pk}_{year}"] = AmountField(
                    label=_("%(region)s, %(year)s") % {"region": region.name, "year": year},
                    required=False,
                    min_value=0,
                )
        for name, field in self.fields.items():
            if name.startswith("typed_"):  # added after the mixin styled the others
                field.widget.attrs["class"] = "ds-input"

    def grid(self) -> list[tuple[Region, list]]:
        """The typed amounts as rows of bound fields: one row per region, one column per year."""
        return [(region, [self[f"typed_{region.pk}_{year}"] for year in self.years]) for region in self.regions]

    def typed(self) -> dict[tuple[int, int], Decimal]:
        """(region id, year) → the amount typed (empty counts as 0)."""
        return {
            (region.pk, year): self.cleaned_data.get(f"typed_{region.pk}_{year}") or Decimal(0)
            for region in self.regions
            for year in self.years
        }


class ProposeForm(DesignsystemetFormMixin, forms.Form):
    """How the solver treats what does not fit."""

    mode = forms.ChoiceField(
        label=_("Beregningsmåte"),
        choices=[
            ("rank_order", _("I rangert rekkefølge")),
            ("partial_marginal", _("Med delvis finansiering av den siste")),
            ("pool", _("Med felles pott for det som blir til overs")),
        ],
        initial="rank_order",
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan forslaget skal beregnes.")},
    )


class LineForm(DesignsystemetFormMixin, forms.Form):
    """The forum's amounts for one report, per budget year, and why they differ from the proposal."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    justification = forms.CharField(
        label=_("Begrunnelse for endringen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Påkrevd når beløpet avviker fra forslaget."),
    )

    def __init__(self, *args: object, report_pk: int, years: list[int], **kwargs: object) -> None:
        kwargs.setdefault("prefix", f"r{report_pk}")
        self.report_pk, self.years = report_pk, years
        super().__init__(*args, **kwargs)
        amounts = {}
        for year in years:
            amounts[f"amount_{year}"] = AmountField(label=_("Innstilt %(year)s (kr)") % {"year": year}, min_value=0)
            amounts[f"amount_{year}"].widget.attrs["class"] = "ds-input"
        self.fields = {**amounts, **self.fields}
        self._describe()

    def _describe(self) -> None:
        """Point aria-describedby at the prefixed ids the templates give the help and error texts."""
        for name, field in self.fields.items():
            described = []
            if self._errors and name in self._errors:
                described.append(f"{self[name].auto_id}_error")
            if field.help_text:
                described.append(f"{self[name].auto_id}_help")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def amount_fields(self) -> list:
        return [self[f"amount_{year}"] for year in self.years]

    def amounts(self) -> dict[int, Decimal]:
        return {year: self.cleaned_data[f"amount_{year}"] for year in self.years}


class MeetingForm(DesignsystemetFormMixin, forms.Form):
    """A forum meeting: when, who was there, how the forum decided, and the minutes."""

    held_at = forms.DateTimeField(
        label=_("Tidspunkt for møtet"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"required": _("Oppgi når møtet ble holdt."), "invalid": _("Oppgi dato og klokkeslett.")},
    )
    present = forms.MultipleChoiceField(label=_("Til stede"), required=False, widget=forms.CheckboxSelectMultiple)
    decision = forms.ChoiceField(
        label=_("Hvordan forumet kom fram til innstillingen"),
        choices=[(CONSENSUS, _("Konsensus")), (VOTE, _("Avstemning"))],
        initial=CONSENSUS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg konsensus eller avstemning.")},
    )
    minutes = forms.CharField(label=_("Referat"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: object, seats: list[ForumMembership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.seats = {str(seat.user_id): seat for seat in seats}
        self.fields["present"].choices = [
            (str(seat.user_id), f"{seat.user.full_name} ({seat.get_role_display()})") for seat in seats
        ]

    def present_users(self) -> list:
        return [self.seats[pk].user for pk in self.cleaned_data["present"]]

    @property
    def is_consensus(self) -> bool:
        return self.cleaned_data["decision"] == CONSENSUS


class VoteForm(DesignsystemetFormMixin, forms.Form):
    """A member's vote on the whole recommendation."""

    choice = forms.ChoiceField(
        label=_("Din stemme over hele innstillingen"),
        choices=[(value, capfirst(label)) for value, label in VoteChoice.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg for, mot eller avstår.")},
    )


class ApproveForm(DesignsystemetFormMixin, forms.Form):
    """The meeting at which the forum approved the recommendation."""

    meeting = forms.TypedChoiceField(
        label=_("Møtet der forumet vedtok innstillingen"),
        coerce=int,
        error_messages={"required": _("Velg møtet."), "invalid_choice": _("Velg et av forumets møter.")},
    )

    def __init__(self, *args: object, meetings: list[Meeting], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {meeting.pk: meeting for meeting in meetings}
        self.fields["meeting"].choices = [
            (meeting.pk, date_format(localtime(meeting.held_at), "DATETIME_FORMAT")) for meeting in meetings
        ]

    def chosen(self) -> Meeting:
        return self.meetings[self.cleaned_data["meeting"]]


class PlanForm(DesignsystemetFormMixin, forms.Form):
    """The forum's long-term plan for the round."""

    file = forms.FileField(
        label=_("Langsiktig plan"),
        help_text=_("PDF, Word, Excel, PowerPoint eller OpenDocument, høyst 10 MB."),
        error_messages={"required": _("Velg en fil å laste opp."), "empty": _("Filen er tom.")},
    )
