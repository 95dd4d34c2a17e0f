"""Hardening: the deploy check, security headers and the Content-Security-Policy, the login lockout (django-axes),
two-factor login for office staff, and office staff's idle timeout.

The two-factor tests log in through the login page (``client.post``), as a person does; the module is marked
``real_two_factor`` so that the root conftest's ``force_login`` shortcut does not mark sessions as verified here.
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from dekomp.accounts import two_factor
from dekomp.accounts.lockout import client_ip, username
from dekomp.accounts.models import TwoFactorDevice, User
from dekomp.accounts.services import two_factor_reset

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-production-like-secret-key-with-many-different-characters-0123456789",
    "DJANGO_ALLOWED_HOSTS": "dekomp.statsforvalteren.example",
}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given DJANGO_* settings (nothing inherited from this one)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEKOMP_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, *args], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


# ------------------------------------------------------------------------------------------- deploy check


def test_deploy_check_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_is_clean_behind_a_proxy_without_preload():
    env = {**PRODUCTION_ENV, "DJANGO_BEHIND_PROXY": "true", "DJANGO_SECURE_HSTS_PRELOAD": "false"}
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_over_plain_http():
    """The check does catch something: with insecure cookies and no HTTPS it fails."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV, DJANGO_SECURE_COOKIES="false"
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


def test_production_settings():
    script = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'X_FRAME_OPTIONS',"
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'SESSION_COOKIE_NAME', 'DEBUG']}))"
    )
    import json

    production = json.loads(_run(["-c", script], **PRODUCTION_ENV).stdout)
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["DEBUG"] is False

    # The e2e server: production settings over plain HTTP.
    plain = json.loads(_run(["-c", script], **PRODUCTION_ENV, DJANGO_SECURE_COOKIES="false").stdout)
    assert plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert not plain["SESSION_COOKIE_NAME"].startswith("__Host-")


# ------------------------------------------------------------------------------------------- headers and CSP


def test_security_headers_with_production_settings():
    """The login page over HTTPS and over HTTP, served with the production settings in a fresh process."""
    script = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from django.conf import settings;"  # no collectstatic here: plain static storage, headers unchanged
        "settings.STORAGES = {**settings.STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}};"
        "from django.test import Client; c = Client(HTTP_HOST='dekomp.statsforvalteren.example');"
        "r = c.get('/konto/logg-inn/', secure=True); plain = c.get('/konto/logg-inn/');"
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers), 'cookies': r.cookies.output(),"
        "'plain': [plain.status_code, plain.get('Location')]}))"
    )
    import json

    result = _run(["-c", script], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]
    assert answer["status"] == 200, result.stderr
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert re.search(r"csrftoken=\S+;.*SameSite=Lax; Secure", answer["cookies"])
    assert answer["plain"] == [301, "https://dekomp.statsforvalteren.example/konto/logg-inn/"]


def test_security_headers_on_a_page(client, world):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP here (config/settings_test.py)


def test_content_security_policy_has_a_fresh_nonce_that_the_page_scripts_carry(client, world):
    first = client.get(reverse("accounts:login"))
    policy = first["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    body = first.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    second = client.get(reverse("accounts:login"))
    assert nonce not in second["Content-Security-Policy"]


TEMPLATE_DIRS = [ROOT / "dekomp" / "templates", *sorted((ROOT / "dekomp").glob("*/templates"))]


def _page_templates() -> list[Path]:
    # PDF templates are rendered by WeasyPrint on the server, never served to a browser.
    return [
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        if not path.name.endswith("_pdf.html") and "email" not in path.parts
    ]


def test_templates_have_nothing_inline_the_policy_would_block():
    """No style attributes, no inline event handlers, no <style>, and every inline <script> carries the nonce."""
    problems = []
    for path in _page_templates():
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for match in re.finditer(r"<(script|style)\b([^>]*)>", text):
            tag, attributes = match.groups()
            if tag == "style" or ("src=" not in attributes and "request.csp_nonce" not in attributes):
                problems.append(f"{path}: inline <{tag}> without the nonce")
        if re.search(r"""\sstyle\s*=\s*["']""", text):
            problems.append(f"{path}: style attribute")
        if re.search(r"""<[^>]*\son[a-z]+\s*=\s*["']""", text):
            problems.append(f"{path}: inline event handler")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------- login lockout


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


def _login(client: Client, email: str, password: str, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def _lockout_message() -> str:
    minutes = 15
    return ngettext(
        "For mange mislykkede innlogginger. Av sikkerhetshensyn kan du ikke logge inn med denne e-postadressen "
        "før om %(minutes)s minutt. Har du glemt passordet, kan du lage et nytt.",
        "For mange mislykkede innlogginger. Av sikkerhetshensyn kan du ikke logge inn med denne e-postadressen "
        "før om %(minutes)s minutter. Har du glemt passordet, kan du lage et nytt.",
        minutes,
    ) % {"minutes": minutes}


def test_five_wrong_passwords_lock_the_email_and_address_for_15_minutes(client, world, axes_on):
    for attempt in range(4):
        response = _login(client, "owner@test.example", f"feil-{attempt}")
        assert response.status_code == 200
        assert "Feil e-post eller passord." in response.content.decode()
    # The fifth failure locks; the typed address counts however it is written.
    response = _login(client, "  OWNER@test.example ", "feil-4")
    assert response.status_code == 429
    # Locked: even the right password is refused, with the reason and the time, and the e-mail is kept.
    response = _login(client, "owner@test.example", "pw")
    body = response.content.decode()
    assert response.status_code == 429
    assert "For mange mislykkede innlogginger" in body and "15 minutter" in body
    assert "ds-error-summary" in body and 'value="owner@test.example"' in body
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="owner@test.example")
    assert attempt.failures_since_start >= 5

    # Another address, or another e-mail from this address, is not locked.
    other_ip = Client(REMOTE_ADDR="10.1.2.3")
    assert _login(other_ip, "owner@test.example", "pw").status_code == 302
    assert _login(Client(), "co_owner@test.example", "pw").status_code == 302

    # After the 15 minutes, the right password works again and clears the count.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "owner@test.example", "pw").status_code == 302
    assert not AccessAttempt.objects.filter(username="owner@test.example").exists()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_lockout_message_is_in_the_users_language(client, world, axes_on, language):
    client.cookies["dekomp_language"] = language
    for attempt in range(5):
        _login(client, "owner@test.example", f"feil-{attempt}")
    response = _login(client, "owner@test.example", "pw")
    body = response.content.decode()
    assert response.status_code == 429
    assert f'lang="{language}"' in body
    with translation.override(language):
        assert _lockout_message() in body


def test_a_successful_login_clears_earlier_failures(client, world, axes_on):
    for attempt in range(4):
        _login(client, "owner@test.example", f"feil-{attempt}")
    assert _login(client, "owner@test.example", "pw").status_code == 302
    client.post(reverse("accounts:logout"))
    for attempt in range(4):
        assert _login(client, "owner@test.example", f"feil-{attempt}").status_code == 200


def test_lockout_counts_by_normalised_email_and_the_proxys_client_address(rf, settings):
    request = rf.post("/", {"username": " Sara@Example.NO "})
    assert username(request, None) == "sara@example.no"
    assert username(request, {"username": "EVA@example.no"}) == "eva@example.no"
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.DEKOMP_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"  # not behind a proxy: the header is the client's own and ignored
    settings.DEKOMP_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the address our proxy appended, not what the client wrote
    settings.DEKOMP_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


# ------------------------------------------------------------------------------------------- two-factor login


def _code(user: User, *, offset: int = 0) -> str:
    device = TwoFactorDevice.objects.get(user=user)
    return two_factor.code_at(device.secret, two_factor.current_step() + offset)


def _password_login(client: Client, user: User, next_url: str = ""):
    data = {"username": user.email, "password": "pw"}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def _enrolled(user: User) -> TwoFactorDevice:
    return TwoFactorDevice.objects.create(user=user, secret=pyotp.random_base32(32), confirmed_at=timezone.now())


def test_first_login_of_a_caseworker_sets_up_the_authenticator_app(client, world):
    caseworker = world.users["caseworker"]
    office_home = reverse("home:office", args=[world.office.slug])
    response = _password_login(client, caseworker)
    setup_url = reverse("accounts:two_factor_setup")
    assert response.status_code == 302 and response["Location"].startswith(setup_url)

    # Until the code is given, every other page sends them back to the code page, keeping where they wanted to go.
    response = client.get(office_home)
    assert response.status_code == 302
    assert response["Location"] == f"{setup_url}?next={office_home.replace('/', '%2F')}"
    assert client.post(reverse("organisations:list", args=[world.office.slug])).status_code == 302

    page = client.get(setup_url)
    body = page.content.decode()
    device = TwoFactorDevice.objects.get(user=caseworker)
    assert device.confirmed_at is None
    assert two_factor.grouped(device.secret) in body
    assert "otpauth://totp/DeKomp:caseworker%40test.example?secret=" + device.secret in body
    assert '<svg role="img"' in body and "<title>" in body  # the QR code, with an accessible name
    assert client.get(setup_url).content.decode().count(two_factor.grouped(device.secret)) == 1  # same secret

    response = client.post(setup_url, {"code": "000000" if _code(caseworker) != "000000" else "111111"})
    assert response.status_code == 200
    assert "Koden stemmer ikke" in response.content.decode()
    assert 'href="#id_code"' in response.content.decode()
    response = client.post(setup_url, {"code": "12 34"})
    assert "Koden har seks sifre" in response.content.decode()

    response = client.post(setup_url, {"code": _code(caseworker), "next": office_home})
    assert response.status_code == 302 and response["Location"] == office_home
    device.refresh_from_db()
    assert device.confirmed_at is not None and device.failed_attempts == 0
    response = client.get(office_home)
    assert response.status_code == 200
    assert world.office.name in response.content.decode()


def test_later_logins_ask_for_the_code_and_refuse_a_used_one(client, world):
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    response = _password_login(client, caseworker)
    verify_url = reverse("accounts:two_factor_verify")
    assert response["Location"].startswith(verify_url)
    assert client.get(reverse("accounts:two_factor_setup"))["Location"].startswith(verify_url)
    assert client.get(reverse("home:index"))["Location"].startswith(verify_url)

    code = _code(caseworker)
    assert client.post(verify_url, {"code": code})["Location"] == reverse("home:index")
    assert client.get(reverse("home:office", args=[world.office.slug])).status_code == 200

    # Log in again: the second factor is asked again, and the code just used is not accepted twice.
    client.post(reverse("accounts:logout"))
    _password_login(client, caseworker)
    response = client.post(verify_url, {"code": code})
    assert response.status_code == 200 and "Koden stemmer ikke" in response.content.decode()
    assert client.post(verify_url, {"code": _code(caseworker, offset=1)}).status_code == 302


def test_wrong_codes_are_rate_limited(client, world, settings):
    caseworker = world.users["caseworker"]
    device = _enrolled(caseworker)
    _password_login(client, caseworker)
    verify_url = reverse("accounts:two_factor_verify")
    right = _code(caseworker)
    wrong = next(
        c
        for c in ("000000", "111111", "222222", "333333")
        if c not in {_code(caseworker, offset=o) for o in (-1, 0, 1)}
    )
    for _attempt in range(4):
        assert "Koden stemmer ikke" in client.post(verify_url, {"code": wrong}).content.decode()
    response = client.post(verify_url, {"code": wrong})
    assert "For mange feil koder" in response.content.decode() and "15 minutter" in response.content.decode()
    # Locked: the right code is refused too, and nothing opens.
    response = client.post(verify_url, {"code": right})
    assert "For mange feil koder" in response.content.decode()
    assert client.get(reverse("home:index")).status_code == 302
    device.refresh_from_db()
    assert device.locked_until > timezone.now() + timedelta(minutes=14)

    # When the 15 minutes have passed, the right code works.
    TwoFactorDevice.objects.filter(pk=device.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert client.post(verify_url, {"code": _code(caseworker)})["Location"] == reverse("home:index")


def test_owners_are_not_asked_for_a_code(client, world):
    owner = world.users["owner"]
    response = _password_login(client, owner)
    assert response["Location"] == reverse("home:index")
    assert client.get(reverse("home:owner", args=[world.owner_org.pk])).status_code == 200
    # The code pages just send them on.
    assert client.get(reverse("accounts:two_factor_verify"))["Location"] == reverse("home:index")
    assert not TwoFactorDevice.objects.filter(user=owner).exists()


@pytest.mark.parametrize("persona", ["office_admin", "secretariat", "other_caseworker"])
def test_every_office_role_needs_the_code(client, world, persona):
    _password_login(client, world.users[persona])
    assert client.get(reverse("home:index"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_system_administrators_need_the_code(client, world):
    admin = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    _password_login(client, admin)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_before_the_code_staff_can_log_out_and_switch_language(client, world):
    _password_login(client, world.users["caseworker"])
    assert client.post(reverse("set_language"), {"language": "nn", "next": "/"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_before_the_code_redirects_the_whole_page(client, world):
    _password_login(client, world.users["caseworker"])
    response = client.get(reverse("home:index"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor_setup"))


def test_the_code_page_does_not_redirect_off_site(client, world):
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    _password_login(client, caseworker)
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": _code(caseworker), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home:index")


def test_a_session_without_the_flag_is_not_let_through(client, world):
    """force_login without the test shortcut (this module turns it off): logged in, but not past the code."""
    client.force_login(world.users["caseworker"])
    assert client.get(reverse("home:index")).status_code == 302
    session = client.session
    session[two_factor.TWO_FACTOR_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("home:index")).status_code == 302  # home:index sends on to the office home
    assert client.get(reverse("home:office", args=[world.office.slug])).status_code == 200


def test_a_new_password_login_forgets_the_earlier_code(client, world):
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    _password_login(client, caseworker)
    client.post(reverse("accounts:two_factor_verify"), {"code": _code(caseworker)})
    assert client.get(reverse("home:office", args=[world.office.slug])).status_code == 200
    client.get(reverse("accounts:login"))  # a logged-in user is sent on; log in again in the same session:
    session = client.session
    session.pop("_auth_user_id")
    session.save()
    _password_login(client, caseworker)
    assert client.get(reverse("home:office", args=[world.office.slug])).status_code == 302


def test_reset_two_factor_makes_the_user_set_up_again(client, world):
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    call_command("reset_two_factor", "CASEWORKER@test.example", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not TwoFactorDevice.objects.filter(user=caseworker).exists()
    assert _password_login(client, caseworker)["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_only_admins_reset_someone_elses_second_factor(world):
    from django.core.exceptions import PermissionDenied

    _enrolled(world.users["caseworker"])
    with pytest.raises(PermissionDenied):
        two_factor_reset(user=world.users["caseworker"], by=world.users["owner"])
    assert two_factor_reset(user=world.users["caseworker"], by=world.users["office_admin"]) is True


# ------------------------------------------------------------------------------------------- idle timeout


def _verified_caseworker(client: Client, world) -> User:
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    _password_login(client, caseworker)
    client.post(reverse("accounts:two_factor_verify"), {"code": _code(caseworker)})
    return caseworker


def _age_session(client: Client, *, idle: int, since: int) -> None:
    session = client.session
    now = int(time.time())
    session[two_factor.STAFF_LAST_SEEN_KEY] = now - idle
    session[two_factor.STAFF_VERIFIED_AT_KEY] = now - since
    session.save()


def test_office_staff_are_logged_out_after_60_idle_minutes(client, world):
    _verified_caseworker(client, world)
    office_home = reverse("home:office", args=[world.office.slug])
    _age_session(client, idle=59 * 60, since=2 * 3600)
    assert client.get(office_home).status_code == 200
    assert client.session[two_factor.STAFF_LAST_SEEN_KEY] >= int(time.time()) - 5  # seen again: the clock restarts

    _age_session(client, idle=61 * 60, since=2 * 3600)
    response = client.get(office_home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "Du er logget ut fordi du ikke har gjort noe på 60 minutter." in page.content.decode()


def test_office_staff_are_logged_out_8_hours_after_the_code(client, world):
    _verified_caseworker(client, world)
    _age_session(client, idle=60, since=8 * 3600 + 60)
    response = client.get(reverse("home:office", args=[world.office.slug]))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "8 timer" in client.get(response["Location"]).content.decode()


def test_owners_have_no_idle_timeout(client, world):
    _password_login(client, world.users["owner"])
    assert two_factor.STAFF_LAST_SEEN_KEY not in client.session
    assert client.get(reverse("home:owner", args=[world.owner_org.pk])).status_code == 200


def test_session_settings():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.DEKOMP_STAFF_IDLE_TIMEOUT == 3600
    assert django_settings.DEKOMP_STAFF_SESSION_MAX_AGE == 8 * 3600


def test_office_admin_resets_a_caseworkers_second_factor_in_the_admin(client, world):
    caseworker = world.users["caseworker"]
    _enrolled(caseworker)
    client.force_login(world.users["office_admin"])
    session = client.session
    session[two_factor.TWO_FACTOR_SESSION_KEY] = True
    session.save()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [caseworker.pk]},
        follow=True,
    )
    assert "1 bruker må sette opp tofaktorinnlogging på nytt" in response.content.decode()
    assert not TwoFactorDevice.objects.filter(user=caseworker).exists()
