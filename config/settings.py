"""Django settings, read from the environment (see .env.example for every setting)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dekomp.core",
    "dekomp.accounts",
    "dekomp.activity",
    "dekomp.organisations",
    "dekomp.schemes",
    "dekomp.needs",
    "dekomp.assessment",
    "dekomp.allocation",
    "dekomp.decisions",
    "dekomp.payouts",
    "dekomp.reporting",
    "dekomp.home",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dekomp.core.middleware.DatabaseUnavailableMiddleware",  # a 503 page when the database is down
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dekomp.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (they tell why), before the views: office staff's idle timeout, then their second factor.
    "dekomp.accounts.middleware.StaffIdleTimeoutMiddleware",
    "dekomp.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dekomp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dekomp.accounts.context_processors.roles",
            ],
            "builtins": ["dekomp.core.templatetags.dekomp"],
        },
    }
]

# SQLite by default (zero set-up); PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins and waits (busy_timeout) for another writer.
    # A deferred one took it at its first write and failed at once with "database is locked" when another request
    # was writing (scripts/fault-kill.py found it: most parallel submissions were refused).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out e-mail + IP address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Language: bokmål first, nynorsk and English complete.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("nn", _("Norsk nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dekomp" / "locale"]
LANGUAGE_COOKIE_NAME = "dekomp_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
# One date format per language (dekomp/formats/): English writes "2 December 2026" everywhere, not Django's US style.
FORMAT_MODULE_PATH = ["dekomp.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "dekomp" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# E-mail: in development one line per message on the console and the message as a file in DEKOMP_MAIL_DIR
# (dekomp.core.mail); SMTP in production (EMAIL_URL-style settings kept explicit).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "dekomp.core.mail.SummaryConsoleBackend")
DEKOMP_MAIL_DIR = os.environ.get("DEKOMP_MAIL_DIR", str(BASE_DIR / "tmp" / "mail"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "DeKomp <ikke-svar@dekomp.example>")
# The public address of the site, for links in e-mails (read outside the site), e.g. https://dekomp.example.
DEKOMP_SITE_URL = os.environ.get("DEKOMP_SITE_URL", "http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: the Django tasks API with its database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security (docs/deploy.md, "Security"). DJANGO_HTTPS says the site is reached over HTTPS (the default unless
# DJANGO_DEBUG; DJANGO_SECURE_COOKIES=false, as a plain-HTTP test server sets, also means plain HTTP): secure
# cookies, the redirect to HTTPS and HSTS follow it, and each can be set on its own.
HTTPS = env_bool("DJANGO_HTTPS", env_bool("DJANGO_SECURE_COOKIES", not DEBUG))

# Sessions and cookies. Everyone: 8 hours, and the session ends when the browser closes. Office staff (who see
# every organisation's reports): also logged out after 60 minutes without a request, and 8 hours after their
# second factor at the latest (dekomp.accounts.middleware.StaffIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
# The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and for the whole site.
SESSION_COOKIE_NAME = "__Host-dekomp_session" if SESSION_COOKIE_SECURE else "dekomp_session"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
# Not HttpOnly: the ranking board's script may read the token from the cookie (Django's own advice: no gain in it).
CSRF_COOKIE_HTTPONLY = False
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
DEKOMP_STAFF_IDLE_TIMEOUT = int(os.environ.get("DEKOMP_STAFF_IDLE_TIMEOUT", str(60 * 60)))
DEKOMP_STAFF_SESSION_MAX_AGE = int(os.environ.get("DEKOMP_STAFF_SESSION_MAX_AGE", str(60 * 60 * 8)))

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# HSTS (sent on HTTPS responses only): one year by default in production, subdomains included, preload on.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
# Turning preload off is a deliberate choice for a host that must not be preloaded: the deploy check then
# stays quiet about it instead of failing.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or not SECURE_HSTS_SECONDS else ["security.W021"]
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto, and (for the login lockout) the client address it
# appends to X-Forwarded-For. DJANGO_PROXY_COUNT is the number of proxies in front that append to that header.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DEKOMP_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1")) if BEHIND_PROXY else 0

# Content-Security-Policy (django-csp): scripts and style sheets from our own origin, plus inline ones that carry
# the request's nonce (`nonce="{{ request.csp_nonce }}"`); no inline style attributes, no eval, no frames, no
# plugins. Images also from data: URIs (Designsystemet's icons in its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", csp_constants.NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lockout (django-axes): 5 failed logins for one e-mail address from one IP address lock that pair for 15
# minutes; a later failure while locked starts the 15 minutes again. The lockout page is our login page with the
# reason in the user's language. A successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("DEKOMP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DEKOMP_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "dekomp.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "dekomp.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "dekomp.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor login (TOTP) for office staff and system administrators: after the password, a code from an
# authenticator app; 5 wrong codes lock the code page for 15 minutes.
DEKOMP_TWO_FACTOR_ISSUER = os.environ.get("DEKOMP_TWO_FACTOR_ISSUER", "DeKomp")
DEKOMP_TWO_FACTOR_FAILURE_LIMIT = int(os.environ.get("DEKOMP_TWO_FACTOR_FAILURE_LIMIT", "5"))
DEKOMP_TWO_FACTOR_LOCKOUT_MINUTES = int(os.environ.get("DEKOMP_TWO_FACTOR_LOCKOUT_MINUTES", "15"))

# Shown on the login page and the home pages when the demo data is loaded.
DEKOMP_SHOW_DEMO_LOGINS = env_bool("DEKOMP_SHOW_DEMO_LOGINS", DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every step of every PDF at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
