"""Test settings shared by the whole suite: plain static storage, in-memory e-mail, the persona world."""

import pytest
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
    # A request in an earlier test may have left another language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def pytest_terminal_summary(terminalreporter):
    from tests.test_permission_matrix import CASES_RUN

    if CASES_RUN["count"]:
        terminalreporter.write_line(f"Permission matrix: {CASES_RUN['count']} persona × view × method cases run")
