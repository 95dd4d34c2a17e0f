"""What django-axes counts failed logins by: the e-mail address as typed (normalised) and the client's address."""

from django.conf import settings
from django.http import HttpRequest


def username(request: HttpRequest, credentials: dict | None) -> str:
    """The e-mail address of a login attempt in lower case, as the login form compares it."""
    value = (credentials or {}).get("username") or request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return str(value).strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or behind trusted proxies the address the outermost one appended.

    ``DEKOMP_PROXY_COUNT`` proxies each append the address they received from to X-Forwarded-For, so the client
    is that many entries from the end; anything before it may have been written by the client and is ignored.
    """
    count = settings.DEKOMP_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
