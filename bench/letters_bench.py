"""Benchmark of sending a whole round's decision letters: the send action's own request, then the task worker.

Run from the project folder::

    .venv/bin/python bench/letters_bench.py

Migrates a fresh SQLite database in a temporary folder and loads the demo. Every needs report of the demo's open
round (*Tilskuddsrunde 2027*, 235 reports) that has a budget is given a decided decision granting what it asks,
written straight to the database (this bench times the letters, not the deciding). Then, through Django's test
client as the caseworker, with the database task backend (as in production): the confirmation page (GET) and the
confirmed send (POST), each timed on its own — the POST only starts the job. Then ``manage.py db_worker --batch``
runs the job and the letters' e-mail tasks to the end, timed as a whole, and the job's progress is read back.
E-mail goes to Django's in-memory backend. Writes ``bench/results/letters.json`` and ``bench/results/letters.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def _decide_everything(round, caseworker) -> int:
    """A decided decision for every report of the round with a budget, granting what it asks (bench data only)."""
    from django.utils import timezone

    from dekomp.allocation.models import Recommendation, RecommendationStatus
    from dekomp.decisions.models import Decision, DecisionBatch, DecisionLine, DecisionStatus, Outcome
    from dekomp.needs.models import NeedsReport
    from dekomp.organisations.models import Forum

    now = timezone.now()
    forum = Forum.objects.filter(office=round.office).first()
    recommendation = Recommendation.objects.create(
        round=round,
        forum=forum,
        number=99,
        status=RecommendationStatus.APPROVED,
        approved_at=now,
        approved_by=caseworker,
    )
    batch = DecisionBatch.objects.create(
        round=round, recommendation=recommendation, created_by=caseworker, decided_at=now, decided_by=caseworker
    )
    reports = NeedsReport.objects.filter(round=round, budget_lines__isnull=False).distinct().order_by("number")
    count = 0
    for number, report in enumerate(reports.prefetch_related("budget_lines"), start=1):
        decision = Decision.objects.create(
            batch=batch,
            report=report,
            number=number,
            outcome=Outcome.GRANTED,
            status=DecisionStatus.DECIDED,
            decided_at=now,
            decided_by=caseworker,
        )
        totals: dict[tuple[int, int], object] = {}
        for line in report.budget_lines.all():
            key = (line.recipient_id, line.budget_year)
            totals[key] = totals.get(key, 0) + line.amount
        DecisionLine.objects.bulk_create(
            DecisionLine(
                decision=decision, recipient_id=recipient, budget_year=year, requested=a, recommended=a, amount=a
            )
            for (recipient, year), a in totals.items()
        )
        count += 1
    return count


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="dekomp-bench-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # the in-memory e-mail backend and a test client that may log in
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)

    from dekomp.accounts.models import User
    from dekomp.accounts.two_factor import TWO_FACTOR_SESSION_KEY
    from dekomp.activity.models import Job
    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.schemes.models import Round

    round = Round.objects.get(name="Tilskuddsrunde 2027")
    caseworker = User.objects.get(email="saksbehandler@demo.no")
    decisions = _decide_everything(round, caseworker)
    client = Client()
    client.force_login(caseworker)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    url = reverse("decisions:letters_send", args=[round.pk])
    confirm, confirm_s = _timed(lambda: client.get(url))
    assert confirm.status_code == 200, confirm.status_code
    token = str(uuid.uuid4())
    started, send_s = _timed(lambda: client.post(url, {"token": token}))
    assert started.status_code == 302, started.status_code
    job = Job.objects.get(token=token)
    assert job.done == 0 and job.total == decisions, (job.done, job.total)
    _done, worker_s = _timed(lambda: call_command("db_worker", batch=True, verbosity=0, startup_delay=False))
    job.refresh_from_db()
    sent = Decision.objects.filter(batch__round=round, status=DecisionStatus.SENT).count()
    results = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": "sqlite",
        "decisions": decisions,
        "letters_sent": sent,
        "emails": len(mail.outbox),
        "job": {"status": job.status, "done": job.done, "total": job.total, "failures": len(job.failures)},
        "seconds": {
            "confirmation_page_request": round_s(confirm_s),
            "send_request": round_s(send_s),
            "worker_all_letters_and_emails": round_s(worker_s),
            "worker_per_letter": round_s(worker_s / max(sent, 1)),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "letters.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Sending a whole round's decision letters",
        "",
        f"Run {results['run_at']} on Python {results['python']}, {results['platform']}, {results['cpus']} CPUs, "
        f"SQLite. {decisions} decided decisions in the demo's open round; one run, wall-clock seconds.",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| `{name}` | {value} |" for name, value in results["seconds"].items()],
        "",
        f"Letters sent: {sent} of {decisions}; e-mails: {results['emails']}; the job: {job.status}, "
        f"{job.done} of {job.total} done, {len(job.failures)} failed.",
    ]
    (RESULTS / "letters.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def round_s(value: float) -> float:
    return round(value, 3)


if __name__ == "__main__":
    main()
