"""Security plumbing on login: a new login must pass the second factor again, whatever the session held before."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import two_factor


@receiver(user_logged_in, dispatch_uid="dekomp_accounts_forget_second_factor")
def forget_second_factor(sender, request, user, **kwargs) -> None:
    # Django keeps the session's data when the same user logs in again; the second factor must not carry over.
    session = getattr(request, "session", None)
    if session is not None:
        for key in (
            two_factor.TWO_FACTOR_SESSION_KEY,
            two_factor.STAFF_VERIFIED_AT_KEY,
            two_factor.STAFF_LAST_SEEN_KEY,
        ):
            session.pop(key, None)
