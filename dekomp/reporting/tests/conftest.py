"""Fixtures of the reporting tests: tasks run at once; `expected`: a round with decided decisions and their reports."""

import pytest

from dekomp.reporting.tests.factories import expected_reports


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def expected(world):
    return expected_reports(world)
