"""Writes to organisations and units: validated by the forms' rules, checked by permission, one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dekomp.accounts.models import User

from .forms import OrganisationForm, UnitForm
from .models import Organisation, Unit
from .permissions import can_change_organisation, can_register_organisations


def _save(form_class, *, data: dict, instance=None):
    form = form_class(data=data, instance=instance)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError as error:
        # A concurrent write won the race for a unique value after the form had checked it.
        raise ValidationError(_("Noen andre lagret det samme samtidig. Last siden på nytt og prøv igjen.")) from error


def organisation_register(*, by: User, data: dict) -> Organisation:
    """Register a new organisation (an office admin of the fylke it lies in, or a system administrator)."""
    if not can_register_organisations(by):
        raise PermissionDenied
    return _save(OrganisationForm, data=data)


def organisation_update(*, by: User, organisation: Organisation, data: dict) -> Organisation:
    """Correct an organisation's register data."""
    if not can_change_organisation(by, organisation):
        raise PermissionDenied
    return _save(OrganisationForm, data=data, instance=organisation)


def unit_register(*, by: User, data: dict) -> Unit:
    """Register a school or kindergarten under its owner."""
    if not can_register_organisations(by):
        raise PermissionDenied
    return _save(UnitForm, data=data)
