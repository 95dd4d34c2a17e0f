"""Test settings shared by the whole suite: plain static storage, in-memory e-mail, the persona world, the test
client's login shortcuts counted as two-factor logins, and the login lockout off unless a test asks. (Plain HTTP is
set before the settings are read: config/settings_test.py.)"""

import pytest
from django.test import Client
from django.utils import translation

pytest_plugins = ["tests.personas"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-axes needs the request in authenticate(), which Client.login() does not pass: the lockout is off here
    # and on in its own tests (dekomp/accounts/tests/test_security.py, the `axes_on` fixture).
    settings.AXES_ENABLED = False
    # A request in an earlier test may have left another language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _test_client_logins_pass_the_second_factor(request, monkeypatch):
    """``Client.force_login`` and ``Client.login`` skip the login pages, so they skip the second factor too.

    Office staff logged in this way get a session marked as verified (what the code page does after a correct code),
    so the permission matrix and other view tests can log in as any persona. The two-factor tests themselves log in
    through the login page with ``client.post``, or mark a test ``@pytest.mark.real_two_factor`` to turn this off.
    """
    if request.node.get_closest_marker("real_two_factor"):
        return
    from dekomp.accounts.two_factor import TWO_FACTOR_SESSION_KEY

    force_login, login = Client.force_login, Client.login

    def _mark_verified(client: Client) -> None:
        session = client.session
        session[TWO_FACTOR_SESSION_KEY] = True
        session.save()

    def verified_force_login(self, user, backend=None):
        force_login(self, user, backend)
        _mark_verified(self)

    def verified_login(self, **credentials):
        logged_in = login(self, **credentials)
        if logged_in:
            _mark_verified(self)
        return logged_in

    monkeypatch.setattr(Client, "force_login", verified_force_login)
    monkeypatch.setattr(Client, "login", verified_login)


def pytest_terminal_summary(terminalreporter):
    from tests.test_permission_matrix import CASES_RUN, MATRIX

    if CASES_RUN["count"]:
        terminalreporter.write_line(
            f"Permission matrix: {CASES_RUN['count']} persona × view × method cases run, "
            f"{CASES_RUN['leaks']} leaks, {CASES_RUN['mismatches']} other mismatches"
        )
    if CASES_RUN["views"] == len(MATRIX):  # the whole matrix ran: record it beside the other reliability figures
        _write_permission_figures(CASES_RUN, views=len(MATRIX))


def _write_permission_figures(cases: dict, *, views: int) -> None:
    """bench/results/permissions.{json,md}: one entry per database, merged with the other database's last run."""
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from django.db import connection

    from tests.personas import PERSONA_NAMES

    folder = Path(__file__).resolve().parent / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "permissions.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results[connection.vendor] = {
        "cases": cases["count"],
        "views": views,
        "personas": len(PERSONA_NAMES),
        "leaks": cases["leaks"],
        "mismatches": cases["mismatches"],
        "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Permission matrix",
        "",
        "Written by `tests/test_permission_matrix.py` (through `conftest.py`) after a run of the whole matrix: every",
        "view × method × persona of the URL configuration, with the expected answer. A leak is a 2xx where the",
        "matrix expects a refusal.",
        "",
        "| database | views | personas | cases run | leaks | other mismatches | recorded |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for vendor, row in sorted(results.items()):
        lines.append(
            f"| {vendor} | {row['views']} | {row['personas']} | {row['cases']} | {row['leaks']} | "
            f"{row['mismatches']} | {row['recorded']} |"
        )
    (folder / "permissions.md").write_text("\n".join(lines) + "\n")
