"""Shared by the concurrency and fault tests and scripts/fault-kill.py: test data, checks, and the results file.

``bench/results/reliability.json`` collects the figures of every run (per database); ``reliability.md`` is written
from it, so the two always agree.
"""

import json
import os
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
RESULTS_JSON = RESULTS / "reliability.json"
RESULTS_MD = RESULTS / "reliability.md"


# ---------------------------------------------------------------------------------------------- test data


def ready_reports(world, round, count: int) -> list:
    """``count`` DeKomp drafts of the world's owner in ``round``, every check passed, ready to submit.

    The first is written step by step through the services (``complete_draft``); the others are copies of it
    (``needs_report_copy``) with the anchoring confirmed and the partner's confirmation given.
    """
    from dekomp.needs import services
    from dekomp.needs.models import NeedsReport
    from dekomp.needs.tests.factories import complete_draft, confirm_partner

    first = complete_draft(world, round)
    confirm_partner(world, first)
    reports = [first]
    for _ in range(count - 1):
        copy = services.needs_report_copy(by=world.users["owner"], source=first, round=round)
        NeedsReport.objects.filter(pk=copy.pk).update(is_staff_involved=True, is_union_involved=True)
        copy.refresh_from_db()
        confirm_partner(world, copy)
        reports.append(copy)
    for report in reports:
        report.refresh_from_db()
        problems = services.submission_problems(report)
        assert not problems, [problem.message for problem in problems]
    return reports


def decision_round(world, name: str, count: int = 4):
    """A round with ``count`` checked reports (with egenandel) and an approved recommendation, ready to prepare."""
    from dekomp.assessment.tests.factories import checked_reports
    from dekomp.decisions.tests.factories import approved_recommendation
    from dekomp.needs.models import OwnContribution
    from dekomp.needs.tests.factories import open_round

    round, reports = checked_reports(world, count, open_round(world.office, name=name))
    for report in reports:  # DeKomp: the owner's egenandel, 30 % of what is asked for, every year
        totals: dict[int, Decimal] = {}
        for line in report.budget_lines.all():
            totals[line.budget_year] = totals.get(line.budget_year, Decimal(0)) + line.amount
        for year, total in totals.items():
            OwnContribution.objects.create(report=report, budget_year=year, amount=(total * Decimal("0.3")).quantize(1))
    return approved_recommendation(world, reports, round)


def prepared_batch(world, name: str, count: int = 4):
    """A round whose draft decisions are prepared (through ``decisions_prepare``): ready to set and decide."""
    from dekomp.decisions.services import decisions_prepare

    recommendation = decision_round(world, name, count)
    return decisions_prepare(by=world.users["caseworker"], recommendation=recommendation, token=uuid.uuid4())


# ---------------------------------------------------------------------------------------------- results


def database_label() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def write_results(section: str, figures: dict) -> None:
    """Store ``figures`` under ``section`` and this database in reliability.json, and rewrite reliability.md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS_JSON.read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault(section, {})[figures.get("database") or database_label()] = {
        **figures,
        "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    tmp = RESULTS_JSON.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    tmp.replace(RESULTS_JSON)
    RESULTS_MD.write_text(render_markdown(data))


def _row(label: str, runs: dict, key: str) -> str:
    cells = [str(runs.get(db, {}).get(key, "–")) for db in ("sqlite", "postgresql")]
    return f"| {label} | {' | '.join(cells)} |"


def render_markdown(data: dict) -> str:
    """The figures as tables, one per section, SQLite and PostgreSQL side by side."""
    lines = [
        "# Reliability: concurrent actions and injected faults",
        "",
        "Written by `tests/test_concurrency.py`, `tests/test_faults.py` and `scripts/fault-kill.py` on every run "
        "(the suite runs on SQLite and on PostgreSQL). On SQLite the concurrency scenario runs the same actions one "
        "after another (SQLite serialises writers); on PostgreSQL every action runs in its own thread and "
        "connection, released together.",
        "",
    ]
    concurrency = data.get("concurrency", {})
    if concurrency:
        lines += [
            "## Concurrent actions",
            "",
            "| figure | SQLite | PostgreSQL |",
            "|---|---|---|",
            _row("mode", concurrency, "mode"),
            _row("actions run", concurrency, "actions"),
            _row("largest burst (threads released together)", concurrency, "threads"),
            _row("actions that took effect", concurrency, "effective"),
            _row("idempotent repeats (same token, same answer)", concurrency, "idempotent_repeats"),
            _row("refused (stale version, already done)", concurrency, "refused"),
            _row("unexpected errors", concurrency, "errors"),
            _row("duplicates found", concurrency, "duplicates"),
            _row("lost updates found", concurrency, "lost_updates"),
            _row("events missing or extra", concurrency, "event_mismatches"),
            _row("seconds", concurrency, "seconds"),
            _row("recorded", concurrency, "recorded_at"),
            "",
        ]
    outbox = data.get("outbox", {})
    if outbox:
        lines += [
            "## E-mail outbox with the mail server down",
            "",
            "| figure | SQLite | PostgreSQL |",
            "|---|---|---|",
            _row("messages queued while the mail server was down", outbox, "queued"),
            _row("kept waiting (none lost)", outbox, "kept"),
            _row("sent once the mail server was back", outbox, "sent_later"),
            _row("senders run at once", outbox, "senders"),
            _row("sent twice", outbox, "duplicates"),
            _row("recorded", outbox, "recorded_at"),
            "",
        ]
    faults = data.get("faults", {})
    if faults:
        lines += [
            "## Server killed mid-batch (`scripts/fault-kill.py`)",
            "",
            "| figure | SQLite | PostgreSQL |",
            "|---|---|---|",
            _row(
                "faults injected (SIGKILL of server, SIGKILL of worker, database unreachable)",
                faults,
                "faults_injected",
            ),
            _row("submissions sent over HTTP", faults, "submissions_sent"),
            _row("… of them double clicks (same token twice)", faults, "double_clicks"),
            _row("… answered before the kill", faults, "submissions_answered"),
            _row("… in flight when the server was killed", faults, "in_flight_at_kill"),
            _row("reports fully submitted (checked after the kill)", faults, "submissions_complete"),
            _row("reports untouched (checked after the kill)", faults, "submissions_absent"),
            _row("unanswered submissions posted again after restart (same token)", faults, "retried_after_restart"),
            _row("reports submitted after the retry (one submission each)", faults, "submissions_complete_after_retry"),
            _row("receipt e-mails not queued", faults, "receipts_not_queued"),
            _row("decision batches in the killed worker", faults, "decide_batches"),
            _row("… fully decided (checked after the kill)", faults, "decide_complete"),
            _row("… untouched (checked after the kill)", faults, "decide_absent"),
            _row("… decided after the worker ran again (same tokens)", faults, "decide_complete_after_rerun"),
            _row("half-written actions", faults, "partial"),
            _row("duplicates found", faults, "duplicates"),
            _row("lost writes (answered OK but not stored)", faults, "lost_writes"),
            _row("database down: 503 page", faults, "database_down_page"),
            _row("seconds", faults, "seconds"),
            _row("recorded", faults, "recorded_at"),
            "",
        ]
    return "\n".join(lines)
