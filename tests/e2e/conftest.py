"""A real server (gunicorn, production settings, the demo data) and a real browser (Debian's Chromium)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DEKOMP_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in this thread; the tests here never touch the ORM themselves.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database(url: str, name: str, *, create: bool) -> str:
    """Create (or drop) a separate PostgreSQL database for the server; returns its URL."""
    import psycopg

    parsed = urlparse(url)
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


@contextmanager
def _demo_server(workdir: Path, name: str):
    """Migrate a fresh database, load the demo, collect static files and serve with gunicorn (and the worker)."""
    base_url = os.environ.get("DATABASE_URL", "")
    is_postgres = base_url.startswith(("postgres://", "postgresql://"))
    database_name = f"dekomp_e2e_{os.getpid()}_{name}"
    database_url = (
        _postgres_database(base_url, database_name, create=True) if is_postgres else f"sqlite:///{workdir}/e2e.sqlite3"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "e2e-test-secret-key-not-for-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DEKOMP_SHOW_DEMO_LOGINS": "true",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input", "-v0"], ["demo", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True)
    port = _free_port()
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The task worker beside the server, as in production: letters and batch decisions are made by it.
    worker = subprocess.Popen(
        [*manage, "db_worker", "--interval", "0.5", "--no-startup-delay", "--no-reload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The test server did not start: see {workdir / 'server.log'}") from None
            time.sleep(0.2)
    yield url
    worker.terminate()
    server.terminate()
    worker.wait(timeout=20)
    server.wait(timeout=20)
    log.close()
    if is_postgres:
        _postgres_database(base_url, database_name, create=False)


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory):
    """The server the e2e tests share: each changes only what no other test depends on."""
    with _demo_server(tmp_path_factory.mktemp("e2e"), "shared") as url:
        yield url


@pytest.fixture(scope="module")
def own_live_server_url(tmp_path_factory):
    """A server on a demo of its own, for a module that takes the open round through its year (which the shared
    server's tests read as open)."""
    with _demo_server(tmp_path_factory.mktemp("e2e-own"), "own") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server_url):
    context = browser.new_context(base_url=live_server_url, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# The demo's office staff log in with a code from the published demo TOTP secret after the password. The server
# never accepts a code twice, so the same person logging in twice within 30 seconds needs the next step's code
# (accepted one step early): remember the last step used per e-mail, and wait when two steps ahead would be needed.
_LAST_STEP: dict[str, int] = {}


def two_factor_code(email: str) -> str:
    """The next code the e2e server will accept for this demo user (waits up to 30 s when it must)."""
    import pyotp

    from dekomp.home.demo.personas import DEMO_TOTP_SECRET

    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    now = int(time.time() // totp.interval)
    step = max(now, _LAST_STEP.get(email, now - 1) + 1)
    while step > int(time.time() // totp.interval) + 1:
        time.sleep(1)
    _LAST_STEP[email] = step
    return totp.generate_otp(step)


def skip_two_factor_step(email: str) -> None:
    """After a refused code: the next one must come from a step after the current one."""
    _LAST_STEP[email] = int(time.time() // 30) + 1


CSP_WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ` +
                              `(${event.sourceFile}:${event.lineNumber})`);
});
"""


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy violations (events and console errors) of every page opened from now."""
    found: list[str] = []
    page.add_init_script(CSP_WATCH_SCRIPT)
    page.on(
        "console",
        lambda message: found.append(f"console: {message.text}") if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def csp_violations(page, found: list[str]) -> list[str]:
    """What ``watch_csp`` saw, plus the current page's securitypolicyviolation events."""
    return [*found, *page.evaluate("window.__cspViolations || []")]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations."""
    # Not through a <script> tag: the Content-Security-Policy refuses inline scripts without the page's nonce.
    # Code run through the DevTools protocol is the browser's own, not the page's, so the policy does not apply.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE_SCRIPT.read_text(encoding='utf-8')}\n; window.axe = axe; }}")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return result["violations"]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[node['target'] for node in v['nodes']][:5]}" for v in violations
    ]
    assert not violations, f"axe-core found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(described)
