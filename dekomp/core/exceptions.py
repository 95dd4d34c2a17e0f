"""Domain exceptions: services raise these, views turn them into form errors or friendly pages."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A business rule refused the action; the message is shown to the user as it is."""


class PermissionDeniedError(DomainError):
    """The actor may not perform this action on this object."""
