"""Turn "the database went away" into a clear 503 page instead of a generic error."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from .views import database_unavailable

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached gets the 503 page, in the user's language.

    The page is rendered without touching the database. Every service writes in one transaction, so the failed
    action has rolled back: nothing is half-written. Failures before the view (loading the session, say) reach
    ``handler500``, which ``dekomp.core.views.server_error`` turns into the same page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.error("The database is unavailable: %s %s", request.method, request.path, exc_info=exception)
        return database_unavailable(request)
