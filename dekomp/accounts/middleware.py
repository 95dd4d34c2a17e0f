"""Per-request account handling: the user's language, office staff's idle timeout and their second factor."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import ngettext

from . import two_factor
from .models import TwoFactorDevice


class UserLanguageMiddleware:
    """After login, a user without a language cookie gets their saved language (and the cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = None
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            language = user.language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The language switch sets its own cookie on this response: that choice wins.
        if language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; an htmx request gets HX-Redirect instead, so the whole page goes rather than a fragment."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _next_param(request: HttpRequest) -> str:
    """``?next=<this page>`` for a GET (where to come back to); nothing for a form post, which cannot be replayed."""
    if request.method != "GET":
        return ""
    return "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})


class StaffIdleTimeoutMiddleware:
    """Log office staff out after DEKOMP_STAFF_IDLE_TIMEOUT seconds without a request, and after
    DEKOMP_STAFF_SESSION_MAX_AGE seconds since their second factor, whatever they did.

    The clocks start when the second factor is passed (``two_factor.mark_verified``), so this applies to every
    session that went through it. The last-seen time is written at most once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated and two_factor.STAFF_LAST_SEEN_KEY in session:
            now = int(time.time())
            idle = now - session[two_factor.STAFF_LAST_SEEN_KEY]
            age = now - session.get(two_factor.STAFF_VERIFIED_AT_KEY, now)
            if idle > settings.DEKOMP_STAFF_IDLE_TIMEOUT or age > settings.DEKOMP_STAFF_SESSION_MAX_AGE:
                logout(request)
                if idle > settings.DEKOMP_STAFF_IDLE_TIMEOUT:
                    minutes = settings.DEKOMP_STAFF_IDLE_TIMEOUT // 60
                    message = ngettext(
                        "Du er logget ut fordi du ikke har gjort noe på %(minutes)s minutt. Logg inn igjen.",
                        "Du er logget ut fordi du ikke har gjort noe på %(minutes)s minutter. Logg inn igjen.",
                        minutes,
                    ) % {"minutes": minutes}
                else:
                    hours = settings.DEKOMP_STAFF_SESSION_MAX_AGE // 3600
                    message = ngettext(
                        "Du er logget ut fordi du har vært logget inn i %(hours)s time. Logg inn igjen.",
                        "Du er logget ut fordi du har vært logget inn i %(hours)s timer. Logg inn igjen.",
                        hours,
                    ) % {"hours": hours}
                messages.info(request, message)
                return _redirect(request, resolve_url(settings.LOGIN_URL) + _next_param(request))
            if idle >= 60:
                session[two_factor.STAFF_LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages an office user who has given the password but not yet the code may still open.
TWO_FACTOR_OPEN_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "set_language",
    "javascript-catalog",
    "healthz",
}


class TwoFactorMiddleware:
    """Office staff and system administrators must give a code from their authenticator app after the password
    before any page but the code pages, logout and the language switch; others pass through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not two_factor.is_verified(request.session)
            and two_factor.requires_two_factor(user)
            and _view_name(request) not in TWO_FACTOR_OPEN_VIEWS
        ):
            has_device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
            target = reverse("accounts:two_factor_verify" if has_device else "accounts:two_factor_setup")
            return _redirect(request, target + _next_param(request))
        return self.get_response(request)


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
