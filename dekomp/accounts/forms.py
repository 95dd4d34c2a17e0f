"""Login and password forms with Norwegian-first messages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from dekomp.core.forms import DesignsystemetFormMixin


class LoginForm(DesignsystemetFormMixin, AuthenticationForm):
    """Log in with e-mail address and password."""

    username = forms.EmailField(
        label=_("E-post"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Skriv inn e-postadressen din."),
            "invalid": _("Skriv inn en gyldig e-postadresse."),
        },
    )
    password = forms.CharField(
        label=_("Passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Skriv inn passordet ditt.")},
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    error_messages = {
        "invalid_login": _("Feil e-post eller passord. Sjekk at du har skrevet riktig, og prøv igjen."),
        "inactive": _("Denne brukeren er deaktivert. Kontakt Statsforvalteren."),
    }


class ResetRequestForm(DesignsystemetFormMixin, PasswordResetForm):
    """Ask for a password-reset link by e-mail."""

    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Skriv inn e-postadressen din."),
            "invalid": _("Skriv inn en gyldig e-postadresse."),
        },
    )


class NewPasswordForm(DesignsystemetFormMixin, SetPasswordForm):
    """Choose a new password after following the link."""


class TwoFactorCodeForm(DesignsystemetFormMixin, forms.Form):
    """The six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Kode fra appen"),
        help_text=_("Seks sifre. Koden skifter hvert 30. sekund."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": _("Skriv inn koden fra appen.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Koden har seks sifre. Skriv inn sifrene appen viser nå."))
        return code
