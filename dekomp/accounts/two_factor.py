"""Two-factor login for office staff: who needs it, the session flags, and TOTP codes (RFC 6238) via pyotp.

A session counts as verified when it carries ``TWO_FACTOR_SESSION_KEY``. Only ``services.two_factor_verify`` (after
a correct code) sets it in the running site; the test suite's root ``conftest.py`` also sets it when a test logs in
with ``Client.force_login``/``Client.login``, which skip the login pages altogether.
"""

import hmac
import time

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from .access import access_for
from .models import User

TWO_FACTOR_SESSION_KEY = "dekomp_two_factor_verified"
# Set when office staff pass their second factor: when it happened and when they were last seen (epoch seconds).
STAFF_VERIFIED_AT_KEY = "dekomp_staff_verified_at"
STAFF_LAST_SEEN_KEY = "dekomp_staff_last_seen"
STEP_SECONDS = 30
DIGITS = 6
# A code from the step before or after the current one is accepted too (a phone clock a little off).
VALID_WINDOW = 1


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Office staff (caseworkers, office admins) and system administrators log in with a second factor."""
    access = access_for(user)
    return bool(access and (user.is_superuser or access.offices))


def is_verified(session) -> bool:
    return bool(session.get(TWO_FACTOR_SESSION_KEY))


def mark_verified(session) -> None:
    """Record in the session that its user passed the second factor, and start the staff session's clocks."""
    now = int(time.time())
    session[TWO_FACTOR_SESSION_KEY] = True
    session[STAFF_VERIFIED_AT_KEY] = now
    session[STAFF_LAST_SEEN_KEY] = now


def new_secret() -> str:
    """A random 160-bit secret in base32 (32 characters), as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    """The code the authenticator app shows during the given time step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, *, after: int | None, now: float | None = None) -> int | None:
    """The time step (near now, later than ``after``) whose code is ``code``; None when no step matches."""
    # Fuzzing found this: str.isdigit() in the form accepts other scripts' digits ("١٢٣٤٥٦"), and
    # hmac.compare_digest raises TypeError on non-ASCII text (a 500 at login). Such a code is simply wrong.
    if not (code.isascii() and code.isdigit()):
        return None
    step = current_step(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if after is not None and candidate <= after:
            continue
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, user: User) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    return totp.provisioning_uri(name=user.email, issuer_name=settings.DEKOMP_TWO_FACTOR_ISSUER)


def qr_svg(uri: str, *, title: str) -> str:
    """The URI as an inline SVG QR code (attributes only, so the Content-Security-Policy allows it)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title=title, svgclass="app-qr", light="#fff")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four characters, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
