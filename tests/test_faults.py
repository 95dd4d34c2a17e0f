"""Faults: the database going away gives the 503 page and no half-written record; a killed server loses nothing.

The last test runs scripts/fault-kill.py (gunicorn SIGKILLed mid-batch, a deciding worker SIGKILLed, a server
without its database) on the suite's database engine, so CI runs it on SQLite and on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from dekomp.activity.models import Event
from dekomp.needs.models import Status, Submission
from dekomp.needs.tests.factories import open_round
from tests.reliability import ready_reports

ROOT = Path(__file__).resolve().parents[1]
HEADING = "Tjenesten er midlertidig utilgjengelig"
MESSAGE = "Vi får ikke kontakt med databasen akkurat nå. Det du sendte, er ikke lagret – heller ikke halvveis."


def _fail_when(predicate, error=OperationalError):
    """A database wrapper that lets queries through until ``predicate(sql)``, then fails as a lost connection."""

    def wrapper(execute, sql, params, many, context):
        if predicate(sql):
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def _expected(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_lost_in_the_middle_of_a_submission_gives_503_and_writes_nothing(world, language, error):
    """The connection dies at the last write of the submission (its activity event): everything before it is undone."""
    report = ready_reports(world, open_round(world.office), 1)[0]
    version = report.version
    events = Event.objects.count()
    client = Client(raise_request_exception=False)
    client.force_login(world.users["owner"])
    client.cookies["dekomp_language"] = language
    url = f"/behovsmeldinger/{report.pk}/send-inn/"
    failing_insert = _fail_when(lambda sql: sql.startswith("INSERT") and "activity_event" in sql, error)
    with connection.execute_wrapper(failing_insert):
        response = client.post(url, {"token": str(uuid.uuid4()), "is_declared": "on"})
    assert response.status_code == 503
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert _expected(HEADING, language) in page and _expected(MESSAGE, language) in page
    assert response["Retry-After"] and "no-store" in response["Cache-Control"]
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.version == version, "the report is as it was"
    assert not Submission.objects.filter(report=report).exists(), "no submission without its event"
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_database_down_before_any_view_runs_gives_503_without_touching_it(world):
    """Every query fails (the session cannot even be loaded): the page still comes, and says what happened."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["owner"])
    queries = []

    def down(execute, sql, params, many, context):
        queries.append(sql)
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(down):
        response = client.get("/")
    assert response.status_code == 503
    assert HEADING in response.content.decode()
    assert len(queries) == 1, "the error page itself asks the database nothing"


def test_the_server_killed_mid_batch_leaves_every_action_complete_or_absent(tmp_path):
    """scripts/fault-kill.py on this run's database engine; it fails on any half-written, duplicated or lost action."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    env = {**os.environ}
    if database["ENGINE"].endswith("postgresql"):
        # The script makes (and drops) its own database next to the test database, on the same server.
        user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/postgres"
    else:
        env["DATABASE_URL"] = ""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fault-kill.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result from the script:\n{result.stdout}\n{result.stderr}"
    outcome = json.loads(lines[-1])
    figures = outcome["figures"]
    assert result.returncode == 0 and outcome["ok"], json.dumps(outcome, indent=2)
    assert figures["partial"] == 0 and figures["duplicates"] == 0 and figures["lost_writes"] == 0
    assert figures["faults_injected"] >= 2
    assert (
        figures["submissions_complete"] + figures["submissions_absent"] == figures["submissions_complete_after_retry"]
    )
    assert figures["decide_complete"] + figures["decide_absent"] == figures["decide_batches"]
    assert figures["database_down_page"] == "503 nb/nn/en"
