"""Forms for payout batches, releasing held payouts and recording a bank account."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import DesignsystemetFormMixin
from dekomp.organisations.validators import clean_bank_account

from .models import RecipientKind


class BatchCreateForm(DesignsystemetFormMixin, forms.Form):
    """Budget year and kind of recipient for a new batch; the hidden token makes a double click harmless."""

    budget_year = forms.TypedChoiceField(
        label=_("Budsjettår"), coerce=int, error_messages={"required": _("Velg budsjettår.")}
    )
    recipient_kind = forms.ChoiceField(
        label=_("Mottakere"),
        choices=RecipientKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Eiere (med medeiere) og partnere betales i hver sin bunke."),
        error_messages={"required": _("Velg om bunken er for eiere eller for partnere.")},
    )
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget_year"].choices = [("", _("Velg år")), *((year, str(year)) for year in years)]


class ReleaseForm(DesignsystemetFormMixin, forms.Form):
    """Why a held payout may be paid after all."""

    reason = forms.CharField(
        label=_("Begrunnelse for å frigi utbetalingen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Skriv hvorfor utbetalingen frigis.")},
    )

    def __init__(self, *args: object, payout_pk: int, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"id_release_{payout_pk}_%s")
        self.payout_pk = payout_pk
        super().__init__(*args, **kwargs)


class VersionForm(forms.Form):
    """The batch version the page showed, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BankAccountForm(DesignsystemetFormMixin, forms.Form):
    """An 11-digit account number as typed (spaces and dots allowed), checked with mod 11."""

    bank_account = forms.CharField(
        label=_("Kontonummer"),
        max_length=20,
        help_text=_("11 sifre, for eksempel 1234 56 78903. Tilskudd utbetales til denne kontoen."),
        error_messages={"required": _("Skriv inn kontonummeret.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_bank_account(self) -> str:
        return clean_bank_account(self.cleaned_data["bank_account"])
