"""Forms of the recipient's report and of the office's follow-up (approve, ask for more, settle unused money)."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dekomp.core.formatting import format_nok
from dekomp.core.forms import AmountField, DesignsystemetFormMixin, ModelMultipleChoiceField
from dekomp.organisations.models import Unit

from .models import RecipientReport, ReportStatus, SettlementKind
from .services import (
    MAX_PARTICIPANTS,
    MAX_TEXT,
    ReportInput,
    allowed_units,
    egenandel_required,
    requires_egenandel,
)

SAVE, SUBMIT = "lagre", "send_inn"


class ReportForm(DesignsystemetFormMixin, forms.Form):
    """The recipient's report; nothing is required to save a draft, the submission service says what is missing."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    activities = forms.CharField(
        label=_("Hva ble gjort?"),
        help_text=_("Aktivitetene dere gjennomførte i året: samlinger, nettverk, veiledning, utprøving og lignende."),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_TEXT,
    )
    units_reached = ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Skoler og barnehager som var med"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Enheten %(value)s hører ikke til eieren eller medeierne i tiltaket.")},
    )
    participants = forms.IntegerField(
        label=_("Antall deltakere"),
        help_text=_("Hvor mange ansatte som deltok."),
        required=False,
        validators=[
            MinValueValidator(0, _("Antallet kan ikke være negativt.")),
            MaxValueValidator(MAX_PARTICIPANTS, _("Antallet er urimelig stort.")),
        ],
    )
    goal_achievement = forms.CharField(
        label=_("Måloppnåelse"),
        help_text=_("I hvilken grad nådde dere målene i behovsmeldingen, og hvordan vet dere det?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_TEXT,
    )
    used = AmountField(label=_("Brukt beløp (kr)"), required=False, min_value=0)
    egenandel_documented = AmountField(label=_("Dokumentert egenandel (kr)"), required=False, min_value=0)

    def __init__(self, *args: object, report: RecipientReport, **kwargs: object) -> None:
        self.report = report
        kwargs.setdefault(
            "initial",
            {
                "version": report.version,
                "activities": report.activities,
                "units_reached": list(report.units_reached.all()),
                "participants": report.participants,
                "goal_achievement": report.goal_achievement,
                "used": format_nok(report.used, with_unit=False),
                "egenandel_documented": format_nok(report.egenandel_documented, with_unit=False),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["units_reached"].queryset = (
            allowed_units(report).select_related("municipality").order_by("name", "pk")
        )
        self.fields["units_reached"].label_from_instance = lambda unit: f"{unit.name} ({unit.municipality.name})"
        self.fields["used"].help_text = _("Det dere har brukt av tilskuddet i året, i hele kroner.")
        if requires_egenandel(report):
            scheme = report.line.decision.report.scheme
            help_text = _(
                "%(scheme)s krever egenandel fra eieren på minst %(share)s %% av brukt beløp, i penger eller betalt "
                "arbeidstid."
            ) % {"scheme": scheme.short_name, "share": scheme.egenandel_percent}
            if report.used is not None:
                # The saved amount used, through the same rule the submission checks.
                help_text += " " + _("For %(used)s brukt er det minst %(required)s.") % {
                    "used": format_nok(report.used),
                    "required": format_nok(egenandel_required(report, report.used)),
                }
            self.fields["egenandel_documented"].help_text = help_text
            # Set after the mixin looked for help texts: point the input at it here.
            self.fields["egenandel_documented"].widget.attrs["aria-describedby"] = (
                f"{self._field_id('egenandel_documented')}_help"
            )
        else:
            del self.fields["egenandel_documented"]

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            activities=data["activities"],
            units_reached=list(data["units_reached"]),
            participants=data["participants"],
            goal_achievement=data["goal_achievement"],
            used=data["used"],
            egenandel_documented=data.get("egenandel_documented"),
        )


class ApproveForm(DesignsystemetFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Merknad til mottakeren (valgfritt)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RequestMoreForm(DesignsystemetFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Hva må mottakeren utdype eller rette?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Skriv hva mottakeren må utdype eller rette.")},
    )


class SettleForm(DesignsystemetFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Hva skal skje med de ubrukte midlene?"),
        choices=SettlementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om pengene skal kreves tilbake eller overføres.")},
    )
    amount = AmountField(label=_("Beløp (kr)"), min_value=1)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        help_text=_("Står i vedtaket som sendes mottakeren."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Begrunn avgjørelsen.")},
    )
    due_date = forms.DateField(
        label=_("Betalingsfrist (ved tilbakebetaling)"),
        help_text=_("Står den tom, blir fristen 30 dager fra i dag."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, report: RecipientReport | None = None, **kwargs: object) -> None:
        if report is not None and report.status == ReportStatus.SUBMITTED and report.unused:
            kwargs.setdefault("initial", {"amount": format_nok(report.unused, with_unit=False)})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, capfirst(label)) for value, label in SettlementKind.choices]
