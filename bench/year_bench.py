"""Benchmark of the year's heavy steps on the demo data: decision letters, deciding a batch, the ledger and a payout
export.

Run from the project folder::

    .venv/bin/python bench/year_bench.py

Migrates a fresh SQLite database in a temporary folder, loads the demo with last year's round stopped after the
recommendation (``demo --until innstilling``), then times with ``time.perf_counter``: preparing and deciding the 15
decisions, making one letter PDF (median of every letter, both målformer), sending all the letters, the ledger of
the office, and creating and exporting a payout batch. Writes ``bench/results/year.json`` and
``bench/results/year.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
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
    return result, (time.perf_counter() - started) * 1000


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="dekomp-bench-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_HTTPS="false",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    call_command("demo", until="innstilling", verbosity=0)

    from dekomp.accounts.models import User
    from dekomp.allocation.models import RecommendationStatus
    from dekomp.decisions import letters
    from dekomp.decisions import services as decisions
    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.payouts import services as payouts
    from dekomp.payouts.ledger import ledger
    from dekomp.payouts.models import RecipientKind
    from dekomp.schemes.models import Round

    round = Round.objects.get(name="Tilskuddsrunde 2026")
    caseworker = User.objects.get(email="saksbehandler@demo.no")
    recommendation = round.recommendations.get(status=RecommendationStatus.APPROVED)
    batch, prepare_ms = _timed(
        lambda: decisions.decisions_prepare(by=caseworker, recommendation=recommendation, token=uuid.uuid4())
    )
    made, decide_ms = _timed(lambda: decisions.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4()))
    pdf_ms = {}
    for language in ("nb", "nn"):
        pdf_ms[language] = [
            _timed(lambda d=d, language=language: letters.letter_pdf(d, language=language))[1] for d in made
        ]
    _sent, send_ms = _timed(lambda: letters.letters_send(by=caseworker, batch=batch, token=uuid.uuid4()))
    for decision in Decision.objects.filter(batch=batch, status=DecisionStatus.SENT).exclude(outcome="avslatt"):
        owner_submitter = decision.report.owner.memberships.filter(role="innsender").first().user
        letters.decision_accept(by=owner_submitter, decision=decision)
    from dekomp.home.demo.year import bank_account_for

    for decision in made:
        for line in decision.lines.all():
            if not line.recipient.bank_account:
                line.recipient.bank_account = bank_account_for(line.recipient)
                line.recipient.save(update_fields=["bank_account"])
    rows, ledger_ms = _timed(lambda: ledger(round.office))
    payout_batch, create_ms = _timed(
        lambda: payouts.payout_batch_create(
            by=caseworker,
            office=round.office,
            budget_year=round.first_budget_year,
            recipient_kind=RecipientKind.OWNER,
            token=uuid.uuid4(),
        )
    )
    export, export_ms = _timed(lambda: payouts.payout_batch_export(by=caseworker, batch=payout_batch, fmt="xlsx"))

    results = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": "sqlite",
        "decisions": len(made),
        "ms": {
            "decisions_prepare": round_ms(prepare_ms),
            "decisions_decide": round_ms(decide_ms),
            "letter_pdf_median_nb": round_ms(statistics.median(pdf_ms["nb"])),
            "letter_pdf_max_nb": round_ms(max(pdf_ms["nb"])),
            "letter_pdf_median_nn": round_ms(statistics.median(pdf_ms["nn"])),
            "letters_send_all": round_ms(send_ms),
            "ledger": round_ms(ledger_ms),
            "payout_batch_create": round_ms(create_ms),
            "payout_batch_export": round_ms(export_ms),
        },
        "ledger_rows": len(rows),
        "payouts_exported": len(export),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "year.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# The year's heavy steps on the demo data",
        "",
        f"Run {results['run_at']} on Python {results['python']}, {results['platform']}, {results['cpus']} CPUs, "
        "SQLite. "
        f"{results['decisions']} decisions (last year's demo round); one run each, wall-clock milliseconds.",
        "",
        "| step | ms |",
        "|---|---:|",
        *[f"| `{name}` | {value} |" for name, value in results["ms"].items()],
        "",
        f"Ledger rows: {results['ledger_rows']}; payouts in the exported batch: {results['payouts_exported']}.",
    ]
    (RESULTS / "year.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def round_ms(value: float) -> float:
    return round(value, 1)


if __name__ == "__main__":
    main()
