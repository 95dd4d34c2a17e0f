"""Forms for decisions: prepare and decide (tokens), one decision's outcome and amounts, a change request."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dekomp.core.formatting import format_nok
from dekomp.core.forms import AmountField, DesignsystemetFormMixin
from dekomp.needs.models import ReportKind
from dekomp.schemes.models import Round

from .models import Decision, DecisionLine, Outcome
from .services import amount_field


class PrepareForm(forms.Form):
    """Prepare draft decisions from one approved recommendation; the token stops a double click making two."""

    recommendation = forms.IntegerField(widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput)


class DecideForm(forms.Form):
    """Make every draft decision in a batch; the token stops a double click deciding twice."""

    token = forms.UUIDField(widget=forms.HiddenInput)


class DecisionForm(DesignsystemetFormMixin, forms.Form):
    """One draft decision: outcome, an amount per recipient and budget year, considerations and deviation reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=[
            (Outcome.GRANTED, capfirst(Outcome.GRANTED.label)),
            (Outcome.PARTLY, capfirst(Outcome.PARTLY.label)),
            (Outcome.REJECTED, _("Avslått (alle beløpene settes til 0)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg utfall.")},
    )
    considerations = forms.CharField(
        label=_("Hovedhensyn"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De viktigste hensynene bak vedtaket. Står i vedtaksbrevet."),
    )
    deviation_reason = forms.CharField(
        label=_("Begrunnelse for avvik fra innstillingen"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Påkrevd når et beløp avviker fra det samarbeidsforumet innstilte."),
    )

    def __init__(self, *args: object, decision: Decision, lines: list[DecisionLine], **kwargs: object) -> None:
        self.decision, self.lines = decision, lines
        super().__init__(*args, **kwargs)
        self.years = sorted({line.budget_year for line in lines})
        for line in lines:
            name = amount_field(line.recipient_id, line.budget_year)
            self.fields[name] = AmountField(
                label=_("%(recipient)s, %(year)s (kr)") % {"recipient": line.recipient.name, "year": line.budget_year},
                min_value=0,
                help_text=_("Søkt %(requested)s, innstilt %(recommended)s")
                % {"requested": format_nok(line.requested), "recommended": format_nok(line.recommended)},
            )
            self.fields[name].widget.attrs.update(
                {"class": "ds-input", "aria-describedby": f"{self._field_id(name)}_help"}
            )
        self.order_fields(["version", "outcome", *self.amount_names(), "considerations", "deviation_reason"])

    @classmethod
    def initial_for(cls, decision: Decision, lines: list[DecisionLine]) -> dict:
        initial = {
            "version": decision.version,
            "outcome": decision.outcome,
            "considerations": decision.considerations,
            "deviation_reason": decision.deviation_reason,
        }
        initial |= {amount_field(line.recipient_id, line.budget_year): line.amount for line in lines}
        return initial

    def amount_names(self) -> list[str]:
        return [amount_field(line.recipient_id, line.budget_year) for line in self.lines]

    def grid(self) -> list[tuple]:
        """Rows of (recipient, [bound field or None per year]) for the amounts table."""
        by_recipient: dict[int, dict[int, str]] = {}
        recipients = {}
        for line in self.lines:
            by_recipient.setdefault(line.recipient_id, {})[line.budget_year] = amount_field(
                line.recipient_id, line.budget_year
            )
            recipients[line.recipient_id] = line.recipient
        return [
            (
                recipients[pk],
                [self[by_recipient[pk][year]] if year in by_recipient[pk] else None for year in self.years],
            )
            for pk in recipients
        ]

    def amounts(self) -> dict[tuple[int, int], Decimal]:
        """(recipient id, budget year) → the amount typed."""
        return {
            (line.recipient_id, line.budget_year): self.cleaned_data[amount_field(line.recipient_id, line.budget_year)]
            for line in self.lines
        }


class ChangeRequestForm(DesignsystemetFormMixin, forms.Form):
    """What the owner asks for (a change of year 2 or 3, or a supplement) and in which open round."""

    kind = forms.ChoiceField(
        label=_("Hva vil dere søke om?"),
        choices=[
            (ReportKind.CHANGE, _("Endring av år 2 eller 3 (erstatter beløpene som er vedtatt for de årene)")),
            (ReportKind.SUPPLEMENT, _("Supplering av tiltaket (kommer i tillegg til det som er vedtatt)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg endring eller supplering.")},
    )
    round = forms.ModelChoiceField(
        label=_("Runde"),
        queryset=Round.objects.none(),
        empty_label=_("Velg runde"),
        help_text=_("Endringen behandles som en behovsmelding i denne runden: prioritering, innstilling og vedtak."),
        error_messages={"required": _("Velg runden endringen skal behandles i.")},
    )

    def __init__(self, *args: object, rounds, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
