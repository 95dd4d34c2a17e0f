"""Forms rendered with Designsystemet markup: inputs carry ds classes, errors are linked for screen readers."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DesignsystemetFormMixin:
    """Add Designsystemet classes to widgets and mark invalid fields with aria-invalid/aria-describedby."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            # Designsystemet styles text inputs, selects, checkboxes and radios alike through .ds-input.
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} ds-input".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self._field_id(name)}_help"

    def _field_id(self, name: str) -> str:
        """The id Django gives the field's input (with the form's prefix, if any)."""
        return self.auto_id % self.add_prefix(name)

    def _update_errors(self, errors) -> None:
        # A field that already failed (say, an unknown kommunenummer) keeps its own precise message instead of
        # getting the model's more general one ("a kommune needs a kommunenummer") added on top.
        if hasattr(errors, "error_dict"):
            errors.error_dict = {k: v for k, v in errors.error_dict.items() if k not in self._errors}
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [f"{self._field_id(name)}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self._field_id(name)}_help")
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = " ".join(described)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id too large for the database is an invalid choice, not a server error.

    Fuzzing found this: on SQLite a posted id such as 99999999999999999999 made the ``pk__in`` query raise
    OverflowError ("Python int too large to convert to SQLite INTEGER"), a 500. Django guards exact lookups, not ``in``.
    """

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": value[0]}
            ) from None


def add_domain_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: keyed messages on their fields, the rest at the top."""
    # The ValidationErrors themselves, not their messages, so each keeps its code (tests and pages can read it).
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


SPACES = (" ", "\u00a0", "\u202f")


class AmountField(forms.DecimalField):
    """Whole kroner; spaces between the thousands ("150 000") are allowed."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 0)
        kwargs["error_messages"] = {
            "required": _("Skriv et beløp."),
            "invalid": _("Skriv beløpet som et helt tall i kroner."),
            "min_value": _("Beløpet kan ikke være negativt."),
            "max_digits": _("Beløpet er for stort."),
            "max_decimal_places": _("Skriv beløpet i hele kroner."),
            "max_whole_digits": _("Beløpet er for stort."),
            **(kwargs.get("error_messages") or {}),
        }
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "class": "ds-input"}))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> Decimal | None:
        """Drop the spaces people type between thousands before reading the number."""
        if isinstance(value, str):
            for space in SPACES:
                value = value.replace(space, "")
        return super().to_python(value)
