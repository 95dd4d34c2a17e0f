#!/usr/bin/env python3
"""Kill the server in the middle of a batch of submissions and decisions; check every action happened fully or not.

1. A fresh database (a SQLite file, or a new PostgreSQL database when ``DATABASE_URL`` points at PostgreSQL) is
   migrated and given the test personas, an open round with needs reports ready to submit, and rounds with draft
   decisions ready to decide.
2. gunicorn serves it (production settings, 2 workers × 4 threads, its own process group). Eight clients, logged in
   through the login form as the owner's submitter, post the submissions over HTTP, some twice with the same token
   (a double click). When a third have been answered, the whole server is SIGKILLed (master and workers at once).
3. Before restarting, every report is checked in the database: either submitted completely (status, version, one
   submission with its snapshot and token, one activity event) or untouched. A submission answered "OK" must be
   stored (else it is a lost write).
4. gunicorn is started again; each submission that got no answer is posted again with the same token, as the
   browser would: it must give the one submission, never a second.
5. A worker process deciding one batch of draft decisions after another (``decisions_decide``) is SIGKILLed
   mid-run; each batch must be decided completely (every decision, its version, events, expected reports) or not
   at all. The worker is run again with the same tokens and finishes the rest without deciding anything twice.
6. gunicorn is started against a database that does not answer: pages must give the 503 page in the user's
   language, and /healthz 503.

The figures go to bench/results/reliability.{json,md} (section "faults"). Exit code 0 only when no action was
half-written, duplicated or lost. Usage: ``.venv/bin/python scripts/fault-kill.py`` (``DATABASE_URL`` as for the
tests; ``--keep`` leaves the temporary folder). ``tests/test_faults.py`` runs it.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import Cookie, CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPORTS = 24  # submissions: every fourth is clicked twice
DECIDE_BATCHES = 8
CLIENTS = 8
PASSWORD = "fault-test-password"  # noqa: S105 - a throwaway user in a throwaway database
TOKEN_NAMESPACE = uuid.UUID("6f0c1f0e-4f7a-4d1a-9a52-7d1b0a0c0de5")

SETTINGS = '''"""Settings for the fault test: production settings, plain static storage (no collectstatic)."""
from config.settings import *  # noqa: F403

PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STORAGES = {**STORAGES, "staticfiles": PLAIN_STATIC}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
'''


def log(message: str) -> None:
    print(f"[fault-kill {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def decide_token(batch_id: int) -> uuid.UUID:
    return uuid.uuid5(TOKEN_NAMESPACE, f"decide-{batch_id}")


# ---------------------------------------------------------------------------------------------- environment


class Environment:
    """The temporary folder, database and settings module, and the processes started on them."""

    def __init__(self, base_url: str, keep: bool) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="dekomp-fault-"))
        self.keep = keep
        self.base_url = base_url
        self.is_postgres = base_url.startswith(("postgres://", "postgresql://"))
        self.database_name = f"dekomp_fault_{os.getpid()}"
        if self.is_postgres:
            self.database_url = self._postgres_database(create=True)
        else:
            self.database_url = f"sqlite:///{self.workdir / 'fault.sqlite3'}"
        (self.workdir / "fault_settings.py").write_text(SETTINGS)
        (self.workdir / "static").mkdir()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "fault_settings",
            "PYTHONPATH": os.pathsep.join([str(self.workdir), str(ROOT)]),
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "fault-test-secret-key-not-for-production",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HTTPS": "false",
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def _postgres_database(self, *, create: bool) -> str:
        import psycopg

        parsed = urllib.parse.urlparse(self.base_url)
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            if create:
                connection.execute(f'CREATE DATABASE "{self.database_name}"')
        return parsed._replace(path=f"/{self.database_name}").geturl()

    def setup_django(self) -> None:
        """Configure Django in this process for the fault database (for set-up and the checks)."""
        for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_HTTPS"):
            os.environ[name] = self.env[name]
        os.environ["DJANGO_SECURE_COOKIES"] = "false"
        sys.path.insert(0, str(self.workdir))
        import django

        django.setup()

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.is_postgres:
            self._postgres_database(create=False)
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)


class Server:
    """gunicorn in its own process group, so one SIGKILL takes the master and every worker."""

    def __init__(self, env: dict, workdir: Path, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--no-control-socket",  # the default socket is shared by every gunicorn of the user
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, *, expect: int = 200) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = None
            if status == expect:
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (healthz {status}): see {self.log_path}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the whole process group: no worker finishes its request, nothing is flushed or rolled back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


# ---------------------------------------------------------------------------------------------- data


def build_data() -> dict:
    """Personas, ``REPORTS`` drafts ready to submit, ``DECIDE_BATCHES`` prepared batches; returns their ids."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from dekomp.accounts.models import User
    from dekomp.needs.tests.factories import open_round
    from tests.personas import build_world
    from tests.reliability import prepared_batch, ready_reports

    call_command("migrate", "--no-input", verbosity=0)
    with transaction.atomic():
        world = build_world()
        User.objects.filter(pk=world.users["owner"].pk).update(password=make_password(PASSWORD))
        reports = ready_reports(world, open_round(world.office, name="Feilrunde"), REPORTS)
        batches = [prepared_batch(world, f"Vedtaksrunde {number}", count=2) for number in range(DECIDE_BATCHES)]
    return {
        "owner_email": world.users["owner"].email,
        "caseworker": world.users["caseworker"].pk,
        "reports": {report.pk: report.version for report in reports},
        "batches": {
            batch.pk: {decision.pk: decision.version for decision in batch.decisions.all()} for batch in batches
        },
    }


# ---------------------------------------------------------------------------------------------- HTTP clients


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


class Browser:
    """One logged-in session: a cookie jar, the CSRF token of the last form, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        self.csrf = ""

    def request(self, path: str, data: dict | None = None, *, timeout: float = 30) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def get_form(self, path: str) -> str:
        status, _location, page = self.request(path)
        match = CSRF_INPUT.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no form")
        self.csrf = match.group(1)
        return page

    def login(self, email: str, password: str, first_report: int) -> None:
        self.get_form("/konto/logg-inn/")
        status, _location, _page = self.request(
            "/konto/logg-inn/", {"csrfmiddlewaretoken": self.csrf, "username": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login failed: {status}")
        self.get_form(f"/behovsmeldinger/{first_report}/send-inn/")  # the token rotates at login

    def submit(self, report: int, token: str) -> tuple[int, str]:
        status, location, _page = self.request(
            f"/behovsmeldinger/{report}/send-inn/",
            {"csrfmiddlewaretoken": self.csrf, "token": token, "is_declared": "on"},
        )
        return status, location


def fire_submissions(server: Server, browsers: list[Browser], plan: list[tuple[int, str]]) -> list[dict]:
    """Post the plan from every browser at once; SIGKILL the server once a third is answered. Returns the attempts."""
    attempts = [{"report": report, "token": token, "result": "not_sent"} for report, token in plan]
    queue = list(range(len(attempts)))
    lock = threading.Lock()
    answered = threading.Semaphore(0)
    killed = threading.Event()
    in_flight: set[int] = set()

    def client(browser: Browser) -> None:
        while True:
            with lock:
                if not queue or killed.is_set():
                    return
                index = queue.pop(0)
                in_flight.add(index)
            attempt = attempts[index]
            try:
                status, location = browser.submit(attempt["report"], attempt["token"])
                attempt["result"] = status
                attempt["location"] = location
            except OSError as error:  # the server died under the request: no answer
                attempt["result"] = "no_answer"
                attempt["error"] = type(error).__name__
            with lock:
                in_flight.discard(index)
                if attempt["result"] not in ("no_answer",) and not killed.is_set():
                    answered.release()

    threads = [threading.Thread(target=client, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for _ in range(len(plan) // 3):
        answered.acquire(timeout=60)
    with lock:
        killed.set()
        flying = sorted(in_flight)
    server.kill()
    for thread in threads:
        thread.join(timeout=60)
    for index in flying:
        attempts[index]["in_flight_at_kill"] = True
    return attempts


# ---------------------------------------------------------------------------------------------- checks


def check_reports(data: dict, attempts: list[dict]) -> dict:
    """Classify each report as complete, absent or partial, and find duplicates and lost writes."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from dekomp.activity.models import Event
    from dekomp.needs.models import NeedsReport, Status, Submission

    connections.close_all()
    kind = ContentType.objects.get_for_model(NeedsReport)
    tokens = {attempt["report"]: attempt["token"] for attempt in attempts}
    receipts = {
        next(iter(task.args_kwargs["args"]))
        for task in DBTaskResult.objects.filter(task_path__endswith="send_submission_receipt")
    }
    result = {"complete": 0, "absent": 0, "partial": [], "duplicates": 0, "lost_writes": [], "receipts_missing": 0}
    for pk, version in data["reports"].items():
        report = NeedsReport.objects.get(pk=pk)
        submissions = list(Submission.objects.filter(report=report))
        events = Event.objects.filter(target_type=kind, target_id=pk, verb="submitted").count()
        result["duplicates"] += max(len(submissions) - 1, 0)
        if (
            report.status == Status.SUBMITTED
            and report.version == version + 1
            and len(submissions) == 1
            and submissions[0].snapshot
            and str(submissions[0].token) == tokens[pk]
            and events == 1
        ):
            result["complete"] += 1
            result["receipts_missing"] += submissions[0].pk not in receipts
        elif report.status == Status.DRAFT and report.version == version and not submissions and events == 0:
            result["absent"] += 1
        else:
            result["partial"].append(
                {"report": pk, "status": report.status, "submissions": len(submissions), "events": events}
            )
    for attempt in attempts:
        # Answered with a redirect: to the receipt, or (a double click's second request, after the first committed)
        # to the report, which is no longer editable. Either way the submission must be stored.
        if attempt["result"] == 302:
            report = NeedsReport.objects.get(pk=attempt["report"])
            if report.status != Status.SUBMITTED:
                result["lost_writes"].append(attempt["report"])
    return result


def check_batches(data: dict) -> dict:
    """Classify each decision batch as decided completely, untouched, or partial."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    from dekomp.activity.models import Event
    from dekomp.decisions.models import Decision, DecisionBatch, DecisionLine, DecisionStatus

    connections.close_all()
    expected_reports = apps.get_model("reporting", "RecipientReport")
    decision_kind = ContentType.objects.get_for_model(Decision)
    batch_kind = ContentType.objects.get_for_model(DecisionBatch)
    result = {"complete": 0, "absent": 0, "partial": [], "duplicates": 0}
    for pk, versions in data["batches"].items():
        batch = DecisionBatch.objects.get(pk=pk)
        decisions = list(Decision.objects.filter(batch=batch))
        ids = [decision.pk for decision in decisions]
        decided_events = Event.objects.filter(target_type=decision_kind, target_id__in=ids, verb="decision_decided")
        batch_events = Event.objects.filter(target_type=batch_kind, target_id=pk, verb="decisions_decided").count()
        money_lines = DecisionLine.objects.filter(decision__batch=batch, amount__gt=0).count()
        expected = expected_reports.objects.filter(line__decision__batch=batch).count()
        result["duplicates"] += max(batch_events - 1, 0) + max(decided_events.count() - len(ids), 0)
        result["duplicates"] += max(expected - money_lines, 0)
        if (
            batch.decided_at is not None
            and batch.decide_token == decide_token(pk)
            and all(d.status == DecisionStatus.DECIDED and d.version == versions[d.pk] + 1 for d in decisions)
            and decided_events.count() == len(ids)
            and batch_events == 1
            and expected == money_lines
        ):
            result["complete"] += 1
        elif (
            batch.decided_at is None
            and batch.decide_token is None
            and all(d.status == DecisionStatus.DRAFT and d.version == versions[d.pk] for d in decisions)
            and not decided_events.exists()
            and batch_events == 0
            and expected == 0
        ):
            result["absent"] += 1
        else:
            result["partial"].append({"batch": pk, "events": batch_events, "expected_reports": expected})
    return result


# ---------------------------------------------------------------------------------------------- decide worker


def decide_worker(batch_ids: list[int], user_id: int) -> None:
    """Decide the batches one by one (one transaction each), printing a line after each commit."""
    import django

    django.setup()
    from dekomp.accounts.models import User
    from dekomp.decisions.models import DecisionBatch
    from dekomp.decisions.services import decisions_decide

    user = User.objects.get(pk=user_id)
    print("ready", flush=True)
    for pk in batch_ids:
        decisions_decide(by=user, batch=DecisionBatch.objects.get(pk=pk), token=decide_token(pk))
        print(f"decided {pk}", flush=True)


def run_decide_worker(environment: Environment, data: dict, *, kill: bool) -> tuple[list[int], bool]:
    """Run the worker over every batch; with ``kill``, SIGKILL it at a random moment once a third is decided."""
    batch_ids = sorted(data["batches"])
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--decide-worker",
            ",".join(map(str, batch_ids)),
            "--user",
            str(data["caseworker"]),
        ],
        env=environment.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    done: list[int] = []
    assert worker.stdout is not None
    if worker.stdout.readline().strip() != "ready":
        raise RuntimeError("the decide worker did not start")
    started = time.monotonic()
    killed = False
    for line in worker.stdout:
        done.append(int(line.split()[1]))
        if kill and len(done) >= len(batch_ids) // 3:
            # Somewhere inside the next batch's transaction (a batch takes about this long).
            time.sleep(random.uniform(0, (time.monotonic() - started) / len(done)))
            os.killpg(worker.pid, signal.SIGKILL)
            killed = True
            break
    worker.wait(timeout=60)
    if not kill and worker.returncode != 0:
        raise RuntimeError(f"the decide worker failed ({worker.returncode})")
    return done, killed


# ---------------------------------------------------------------------------------------------- database down


def database_down(environment: Environment) -> dict:
    """Serve against a database that does not answer: the 503 page in the user's language, /healthz 503."""
    env = {**environment.env, "DATABASE_URL": f"postgres://dekomp@127.0.0.1:{free_port()}/gone"}
    server = Server(env, environment.workdir, "gunicorn-database-down")
    try:
        server.wait_ready(expect=503)
        pages = {}
        for language in ("nb", "nn", "en"):
            browser = Browser(server.url)
            for name in ("dekomp_session", "sessionid", "__Host-dekomp_session"):
                browser.cookies.set_cookie(_cookie(name, "no-database-behind-this-session"))
            browser.cookies.set_cookie(_cookie("dekomp_language", language))
            status, _location, page = browser.request("/")
            lang = re.search(r'<html lang="([a-z]+)"', page)
            pages[language] = {
                "status": status,
                "lang": lang.group(1) if lang else None,
                "heading": re.sub(r"\s+", " ", heading.group(1)).strip() if (heading := H1.search(page)) else "",
            }
        ok = all(page["status"] == 503 and page["lang"] == language for language, page in pages.items())
        ok = ok and pages["nb"]["heading"] == "Tjenesten er midlertidig utilgjengelig"
        return {"ok": ok, "pages": pages}
    finally:
        server.stop()


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {})


# ---------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, SQLite database)")
    parser.add_argument("--no-results", action="store_true", help="do not write bench/results/reliability.*")
    parser.add_argument("--decide-worker", help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.decide_worker:
        decide_worker([int(pk) for pk in args.decide_worker.split(",")], args.user)
        return 0

    started = time.monotonic()
    environment = Environment(os.environ.get("DATABASE_URL", ""), args.keep)
    servers: list[Server] = []
    try:
        environment.setup_django()
        from django.db import connection, connections

        log(f"database: {connection.vendor} ({environment.workdir})")
        data = build_data()
        connections.close_all()
        log(f"set up: {len(data['reports'])} reports to submit, {len(data['batches'])} batches to decide")

        # --- submissions over HTTP, server killed mid-batch
        server = Server(environment.env, environment.workdir, "gunicorn-1")
        servers.append(server)
        server.wait_ready()
        first = min(data["reports"])
        browsers = [Browser(server.url) for _ in range(CLIENTS)]
        for browser in browsers:
            browser.login(data["owner_email"], PASSWORD, first)
        plan: list[tuple[int, str]] = []
        for number, pk in enumerate(sorted(data["reports"])):
            token = str(uuid.uuid4())
            plan += [(pk, token)] * (2 if number % 4 == 0 else 1)
        attempts = fire_submissions(server, browsers, plan)
        answered = [a for a in attempts if isinstance(a["result"], int)]
        log(
            f"server killed: {len(answered)} of {len(plan)} answered, "
            f"{sum(1 for a in attempts if a.get('in_flight_at_kill'))} in flight"
        )
        after_kill = check_reports(data, attempts)
        log(
            f"after the kill: {after_kill['complete']} submitted, {after_kill['absent']} untouched, "
            f"{len(after_kill['partial'])} partial"
        )

        # --- restart, and post every unanswered submission again with its token
        server = Server(environment.env, environment.workdir, "gunicorn-2")
        servers.append(server)
        server.wait_ready()
        for browser in browsers:
            browser.base_url = server.url
        retry = [a for a in attempts if not isinstance(a["result"], int) or a["result"] >= 500]
        retried = len(retry)
        failures: list[str] = []

        def resubmit(browser: Browser, attempts_: list[dict]) -> None:
            for attempt in attempts_:
                status, location = browser.submit(attempt["report"], attempt["token"])
                if status != 302 or f"/behovsmeldinger/{attempt['report']}/" not in location:
                    failures.append(f"retry of report {attempt['report']} answered {status} {location}")

        threads = [
            threading.Thread(target=resubmit, args=(browser, retry[number :: len(browsers)]))
            for number, browser in enumerate(browsers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        if failures:
            raise RuntimeError("; ".join(failures))
        server.stop()
        after_retry = check_reports(data, attempts)
        log(
            f"after restart and retry ({retried}): {after_retry['complete']} submitted, "
            f"{len(after_retry['partial'])} partial, {after_retry['duplicates']} duplicates"
        )

        # --- a worker deciding batch after batch, killed mid-run, then run again
        decided_before_kill, worker_killed = run_decide_worker(environment, data, kill=True)
        after_decide_kill = check_batches(data)
        log(
            f"decide worker killed after {len(decided_before_kill)} batches: {after_decide_kill['complete']} "
            f"decided, {after_decide_kill['absent']} untouched, {len(after_decide_kill['partial'])} partial"
        )
        run_decide_worker(environment, data, kill=False)
        after_decide_rerun = check_batches(data)

        # --- the database going away
        down = database_down(environment)
        log(f"database down: {down}")

        partial = (
            len(after_kill["partial"])
            + len(after_retry["partial"])
            + len(after_decide_kill["partial"])
            + len(after_decide_rerun["partial"])
        )
        duplicates = sum(
            check["duplicates"] for check in (after_kill, after_retry, after_decide_kill, after_decide_rerun)
        )
        lost = len(after_kill["lost_writes"]) + len(after_retry["lost_writes"])
        figures = {
            "database": "postgresql" if environment.is_postgres else "sqlite",
            "faults_injected": 2 + (1 if worker_killed else 0),
            "submissions_sent": len(plan),
            "double_clicks": sum(1 for number in range(len(data["reports"])) if number % 4 == 0),
            "submissions_answered": len(answered),
            "submissions_answered_503": sum(1 for a in answered if a["result"] == 503),
            "in_flight_at_kill": sum(1 for a in attempts if a.get("in_flight_at_kill")),
            "submissions_complete": after_kill["complete"],
            "submissions_absent": after_kill["absent"],
            "retried_after_restart": retried,
            "submissions_complete_after_retry": after_retry["complete"],
            "receipts_not_queued": after_retry["receipts_missing"],
            "decide_batches": len(data["batches"]),
            "decide_complete": after_decide_kill["complete"],
            "decide_absent": after_decide_kill["absent"],
            "decide_complete_after_rerun": after_decide_rerun["complete"],
            "partial": partial,
            "duplicates": duplicates,
            "lost_writes": lost,
            "database_down_page": "503 nb/nn/en" if down["ok"] else f"FAILED {down['pages']}",
            "seconds": round(time.monotonic() - started, 1),
        }
        ok = (
            partial == 0
            and duplicates == 0
            and lost == 0
            and after_retry["complete"] == len(data["reports"])
            and after_decide_rerun["complete"] == len(data["batches"])
            and down["ok"]
        )
        details = {"after_kill": after_kill, "after_retry": after_retry, "decide": after_decide_kill}
        print(json.dumps({"ok": ok, "figures": figures, "details": details}, default=str), flush=True)
        if not args.no_results:
            from tests.reliability import write_results

            write_results("faults", figures)
        return 0 if ok else 1
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.stop()
        environment.close()


if __name__ == "__main__":
    sys.exit(main())
