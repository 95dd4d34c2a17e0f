"""Login (password, then a code for office staff), logout, password reset and language choice."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from . import two_factor
from .forms import LoginForm, NewPasswordForm, ResetRequestForm, TwoFactorCodeForm
from .models import TwoFactorDevice
from .services import two_factor_enrol, two_factor_verify, user_set_language


class LoginView(auth_views.LoginView):
    """The front door; a logged-in user goes straight to their home, office staff by way of the code page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if two_factor.requires_two_factor(user):
            has_device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
            target = reverse("accounts:two_factor_verify" if has_device else "accounts:two_factor_setup")
            return HttpResponseRedirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: self.get_success_url()})}")
        return response


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """django-axes' lockout page: the login form again, saying why and for how long, in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Bound, so the typed e-mail stays, but never cleaned: cleaning would try the password again (and count it).
    form = LoginForm(request, data=request.POST or None)
    form._errors, form.cleaned_data = ErrorDict(), {}
    form.add_error(
        None,
        ngettext(
            "For mange mislykkede innlogginger. Av sikkerhetshensyn kan du ikke logge inn med denne e-postadressen "
            "før om %(minutes)s minutt. Har du glemt passordet, kan du lage et nytt.",
            "For mange mislykkede innlogginger. Av sikkerhetshensyn kan du ikke logge inn med denne e-postadressen "
            "før om %(minutes)s minutter. Har du glemt passordet, kan du lage et nytt.",
            minutes,
        )
        % {"minutes": minutes},
    )
    context = {"form": form, REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, ""), "is_locked_out": True}
    return render(request, "accounts/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _next_url(request: HttpRequest) -> str:
    """Where to go after the code: the ``next`` asked for, when it is on this site, else the user's home."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _code_page(request: HttpRequest, *, setup: bool) -> HttpResponse:
    user = request.user
    if not two_factor.requires_two_factor(user) or two_factor.is_verified(request.session):
        return redirect(_next_url(request))
    device = two_factor_enrol(user=user, by=user)
    if device.is_confirmed and setup:
        return redirect(reverse("accounts:two_factor_verify") + _query(request))
    if not device.is_confirmed and not setup:
        return redirect(reverse("accounts:two_factor_setup") + _query(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_verify(user=user, code=form.cleaned_data["code"], by=user)
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            # A new session key for the stronger session, so one seen before the code is worth nothing.
            request.session.cycle_key()
            two_factor.mark_verified(request.session)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "setup": setup}
    if setup:
        uri = two_factor.provisioning_uri(device.secret, user)
        context |= {
            "secret": two_factor.grouped(device.secret),
            "otpauth_uri": uri,
            "qr_svg": two_factor.qr_svg(uri, title=_("QR-kode for å legge til DeKomp i autentiseringsappen")),
        }
    template = "accounts/two_factor_setup.html" if setup else "accounts/two_factor_verify.html"
    return render(request, template, context)


def _query(request: HttpRequest) -> str:
    candidate = request.GET.get(REDIRECT_FIELD_NAME)
    return f"?{urlencode({REDIRECT_FIELD_NAME: candidate})}" if candidate else ""


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_page(request: HttpRequest) -> HttpResponse:
    """First login of office staff: the secret (QR code and text) for their authenticator app, and its first code."""
    return _code_page(request, setup=True)


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_page(request: HttpRequest) -> HttpResponse:
    """Later logins of office staff: the code from their authenticator app after the password."""
    return _code_page(request, setup=False)


class LogoutView(auth_views.LogoutView):
    """Log out (POST only) and return to the login page."""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in user's choice is saved for next time."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language, by=request.user)
    return response
