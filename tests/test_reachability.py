"""No dead ends: every view can be reached by clicking from a demo persona's home, and every to-do leads to its action.

The demo is loaded once for the module. Each demo persona (and an anonymous visitor) starts on ``/`` and follows the
links it is shown (``<a href>``, GET only), collecting every link and every form's ``action`` and method without
submitting a form. Each URL pattern is visited a few times per persona (with different arguments; per round and
per step of a form), so the crawl stays fast with the demo's 235 reports. The demo's day has no example of some
states (an appeal, a held payout, a draft recommendation): ``add_what_the_demo_day_does_not_show`` adds them with
the services, and ``replay_last_spring`` crawls last year's round again at two earlier moments. A summary goes to
``bench/results/reachability.md``.
"""

import re
import time
import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from dekomp.accounts.models import User
from dekomp.accounts.two_factor import mark_verified
from dekomp.home.demo.personas import PERSONAS

# Patterns no click reaches, each with why.
ALLOWED_UNREACHED = {
    "healthz": "for the load balancer and monitoring, not for people",
    "javascript-catalog": "loaded by scripts, not a page",
    "accounts:two_factor_verify": "shown after the password to office staff; the crawl's sessions are verified",
    "accounts:two_factor_setup": "shown after the password to office staff without a device",
    "accounts:password_reset_done": "the page after the reset form is sent",
    "accounts:password_reset_confirm": "reached by the link in the reset e-mail",
    "accounts:password_reset_complete": "the page after a new password is set",
}
# Links the crawl records but never fetches: a GET that writes, or leaves the session.
NEVER_FETCH = {
    "payouts:export",  # a file for the finance system (a draft batch's link leads to its confirmation page)
    "accounts:logout",
}
# Files: fetched once in the whole crawl (slow to make, and the same for every persona).
FILES = {
    "needs:receipt_pdf",
    "needs:attachment",
    "allocation:pdf",
    "allocation:xlsx",
    "decisions:letter",
    "activity:round_csv",
    "public:round_csv",
    "public:round_json",
    "home:my_data_download",
}
pytestmark = pytest.mark.django_db

VISITS_PER_PATTERN = 3
# Per kind of to-do: the page its link must land on, and the forms (POST) or links (GET) there that do it. An empty
# set: the line only tells (a deadline, a count), and its page must open.
TODO_ACTIONS: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "confirm_co_owner": ("needs:detail", {("needs:co_owner_answer", "POST")}),
    "fix_returned": ("needs:detail", {("needs:edit", "GET")}),
    "partner_declined": ("needs:edit", set()),  # straight to the step where the partners are changed
    "co_owner_declined": ("needs:edit", set()),
    "waiting_for_partner": ("needs:detail", {("needs:edit", "GET")}),
    "finish_draft": ("needs:detail", {("needs:edit", "GET")}),
    "confirm_partner": ("needs:detail", {("needs:partner_answer", "POST")}),
    "rank": ("assessment:board", {("assessment:move", "POST")}),
    "ranking_under_way": ("assessment:board", set()),
    "ranking_sent": ("assessment:board", set()),
    "ranking_deadline": ("assessment:board", {("assessment:move", "POST")}),
    "forum_meeting": ("allocation:workspace", set()),
    "rankings_received": ("allocation:workspace", set()),
    "recommendation_approved": ("allocation:workspace", set()),
    "move_round": ("schemes:round_detail", {("schemes:round_transition", "GET")}),
    "pay_out": ("payouts:index", {("payouts:create", "POST")}),
    "finish_batch": ("payouts:batch", {("payouts:export_confirm", "GET"), ("payouts:mark_paid", "GET")}),
    "check_reports": ("needs:round_list", {("needs:round_list", "POST"), ("needs:check", "POST")}),
    "follow_the_money": ("reporting:dashboard", set()),
    "accept_terms": ("decisions:accept", {("decisions:accept", "POST")}),
    "report_overdue": ("reporting:edit", {("reporting:edit", "POST")}),
    "report_due": ("reporting:edit", {("reporting:edit", "POST")}),
    "bank_account": ("payouts:bank_account", {("payouts:bank_account", "POST")}),
    "prepare_decisions": ("decisions:round", {("decisions:prepare", "POST")}),
    "decide": ("decisions:round", {("decisions:decide", "GET")}),
    "send_letters": ("decisions:letters_send", {("decisions:letters_send", "POST")}),
    "follow_up_reports": ("reporting:list", {("reporting:detail", "GET")}),
}
ANONYMOUS = "anonym"


def view_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern outside the Django admin."""
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


class PageParser(HTMLParser):
    """The links, forms and to-do links of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str]] = []
        self.todo: list[tuple[str, str]] = []
        self.endpoints: list[str] = []
        self.text: list[str] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
            if "data-todo" in values:
                self.todo.append((values["data-todo"] or "", values["href"]))
        for name, value in attrs:
            if value and ((name.startswith("data-") and name.endswith("-url")) or name in ("hx-get", "hx-post")):
                self.endpoints.append(value)
        if tag == "form":
            self.forms.append((values.get("action") or "", (values.get("method") or "get").upper()))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def unformatted_numbers(self) -> list[str]:
        """Numbers of five digits or more written without grouping (``24771``), with a little of their text."""
        text = ACCOUNT_NUMBER.sub("", " ".join(" ".join(self.text).split()))
        return [
            text[max(0, m.start() - 30) : m.end() + 10] for m in UNGROUPED.finditer(text) if not _is_code(m.group())
        ]


# Five digits or more in a row, not part of a longer token (an e-mail, a file name, a reference with a dash) and not
# a number written as an identifier (``#12242``: PostgreSQL's ids reach five digits in a long test run).
ACCOUNT_NUMBER = re.compile(r"\b\d{4}\s\d{2}\s\d{5}\b")  # a code, grouped as account numbers are: 1500 00 02108
UNGROUPED = re.compile(r"(?<![\w.@/#-])\d{5,}(?![\w@/-]|[.,]\d)")


def _is_code(digits: str) -> bool:
    """Numbers that are codes, not amounts: an 11-digit account number, a 9-digit orgnr is grouped by its filter."""
    return len(digits) == 11


@dataclass
class TodoCheck:
    """One to-do link on a home, and the page it leads to."""

    persona: str
    kind: str
    url: str
    status: int
    view_name: str | None
    actions: set[tuple[str, str]]  # (view name, "POST"/"GET") of the page's forms and links


@dataclass
class Crawl:
    """What one persona saw."""

    seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # view name -> where it was seen
    visited: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # 500s and broken links
    refused: list[str] = field(default_factory=list)  # links shown that answer 403 or 404
    unformatted: dict[str, list[str]] = field(default_factory=dict)  # view name -> numbers shown without grouping
    todo: list[TodoCheck] = field(default_factory=list)


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith(("#", "mailto:", "tel:"))


def _client(email: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(User.objects.get(email=email))
        session = client.session
        mark_verified(session)  # office staff: as after a correct code
        session.save()
    return client


def _targets(url: str, parser: PageParser) -> tuple[list[str], set[tuple[str, str]], list[str]]:
    """The page's links to follow, its (view name, method) actions, and what points nowhere."""
    links, actions, broken = [], set(), []
    for action, method in parser.forms:
        target = urljoin(url, action) if action else url
        name = _view_name(target)
        if name is None:
            broken.append(f"form on {url} posts to {target}, which is no page")
        else:
            actions.add((name, method))
    for href in parser.links:
        if not _is_local(href):
            continue
        target = urljoin(url, href).split("#")[0]
        if urlsplit(target).path.startswith(("/admin/", "/static/")):
            continue
        name = _view_name(target)
        if name is None:
            broken.append(f"link on {url} to {target}, which is no page")
        else:
            links.append(target)
            actions.add((name, "GET"))
    for endpoint in parser.endpoints:  # data-*-url and hx-* attributes: what the page's scripts post to
        name = _view_name(urljoin(url, endpoint))
        if name is None:
            broken.append(f"script endpoint on {url}: {endpoint}, which is no page")
        else:
            actions.add((name, "POST"))
    return links, actions, broken


def _visit_key(url: str) -> tuple:
    """What the visit cap counts: the pattern, per round and per named step (a report's form, an export format);
    every home is visited."""
    match = resolve(urlsplit(url).path)
    if match.namespace == "home":
        return (url,)
    parts = tuple(sorted((k, v) for k, v in match.kwargs.items() if not isinstance(v, int) or k.startswith("round")))
    return (match.view_name, parts)


def _check_todo(client: Client, persona: str, kind: str, url: str) -> TodoCheck:
    response = client.get(url, follow=True)
    actions: set[tuple[str, str]] = set()
    final = response.request["PATH_INFO"]
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        parser = PageParser()
        parser.feed(response.content.decode())
        actions = _targets(final, parser)[1]
    return TodoCheck(persona, kind, url, response.status_code, _view_name(final), actions)


def crawl(email: str | None, files_fetched: set[str], visits_per_pattern: int = VISITS_PER_PATTERN) -> Crawl:
    """Follow every link from ``/`` as this persona, each URL pattern a few times; submit nothing."""
    client, result = _client(email), Crawl()
    queue, queued, visits, checked = deque(["/"]), {"/"}, Counter(), set()
    while queue:
        url = queue.popleft()
        name = _view_name(url)
        if name in NEVER_FETCH or (name in FILES and name in files_fetched):
            continue
        if name in FILES:
            files_fetched.add(name)
        elif name is not None:
            key = _visit_key(url)
            if visits[key] >= visits_per_pattern:
                continue
            visits[key] += 1
        response = client.get(url)
        result.visited += 1
        result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            result.errors.append(f"{url}: {response.status_code}")
            continue
        if response.status_code in (403, 404):
            result.refused.append(f"{url}: {response.status_code}")
            continue
        links: list[str] = []
        if response.status_code in (301, 302, 303):
            links = [urljoin(url, response["Location"])]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            parser = PageParser()
            parser.feed(response.content.decode())
            links, actions, broken = _targets(url, parser)
            if numbers := parser.unformatted_numbers():
                result.unformatted.setdefault(name or url, numbers)
            result.errors += broken
            for action_name, _method in actions:
                result.seen[action_name].add(url)
            if name and name.startswith("home:"):
                for kind, href in parser.todo:
                    target = urljoin(url, href)
                    if target not in checked:
                        checked.add(target)
                        check = _check_todo(client, email or ANONYMOUS, kind, target)
                        result.todo.append(check)
                        for action_name, _method in check.actions:
                            result.seen[action_name].add(target)
        for target in links:
            result.seen.setdefault(_view_name(target) or "", set()).add(url)
            if target not in queued:
                queued.add(target)
                queue.append(target)
    result.seen.pop("", None)
    return result


# ------------------------------------------------------------------------------------------- the demo's states

ROUND_2026, ROUND_2027 = "Tilskuddsrunde 2026", "Tilskuddsrunde 2027"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def add_what_the_demo_day_does_not_show() -> None:
    """States the demo's day has no example of, added with the real services so their pages show their forms.

    An attachment on each of Fredrikstad's drafts; Oslo's working group has sent its ranking; two appeals (one
    received, one sent on to Udir); next year's payouts in a draft batch (one held for an overdue report) and an
    exported batch; a new draft version of last year's recommendation with a meeting that votes; the forum's
    long-term plan.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dekomp.accounts.models import BodyRole
    from dekomp.allocation import services as allocation
    from dekomp.allocation.models import Recommendation, RecommendationStatus
    from dekomp.allocation.plans import long_term_plan_upload
    from dekomp.assessment import services as assessment
    from dekomp.decisions import appeals
    from dekomp.decisions.models import Decision, DecisionStatus
    from dekomp.needs.models import NeedsReport, Status
    from dekomp.needs.services import attachment_add
    from dekomp.organisations.models import WorkingGroup
    from dekomp.payouts import services as payouts
    from dekomp.payouts.models import RecipientKind
    from dekomp.reporting.models import RecipientReport, ReportStatus
    from dekomp.schemes.models import Round

    owner, caseworker, secretariat = _user("eier@demo.no"), _user("saksbehandler@demo.no"), _user("sekretariat@demo.no")

    def pdf(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.7\n%demo\n", content_type="application/pdf")

    for draft in NeedsReport.objects.filter(owner__name="Fredrikstad kommune", status=Status.DRAFT):
        attachment_add(by=owner, report=draft, expected_version=draft.version, upload=pdf("plan.pdf"))

    oslo = WorkingGroup.objects.get(region__name="Oslo")
    this_year = Round.objects.get(name=ROUND_2027)
    assessment.ranking_submit(
        by=oslo.memberships.get(role=BodyRole.LEADER).user,
        ranking=assessment.ranking_sync(round=this_year, working_group=oslo),
    )

    round = Round.objects.get(name=ROUND_2026)
    decisions = list(Decision.objects.filter(report__round=round).order_by("number")[:2])
    appeals.appeal_register(by=caseworker, decision=decisions[0], received_at=date(2026, 5, 20), grounds="Beløpet.")
    sent_on = appeals.appeal_register(
        by=caseworker, decision=decisions[1], received_at=date(2026, 5, 21), grounds="Avslaget."
    )
    appeals.appeal_forward(by=caseworker, appeal=sent_on, forwarded_at=date(2026, 6, 1))

    year = round.first_budget_year + 1
    late = RecipientReport.objects.filter(
        line__decision__report__round=round,
        line__decision__status=DecisionStatus.ACCEPTED,
        line__decision__lines__budget_year=year,
        status=ReportStatus.EXPECTED,
        recipient=F("line__decision__report__owner"),
    ).first()
    RecipientReport.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    payouts.payout_batch_create(
        by=caseworker, office=round.office, budget_year=year, recipient_kind=RecipientKind.OWNER, token=uuid.uuid4()
    )
    exported = payouts.payout_batch_create(
        by=caseworker, office=round.office, budget_year=year, recipient_kind=RecipientKind.PARTNER, token=uuid.uuid4()
    )
    payouts.payout_batch_export(by=caseworker, batch=exported, fmt="csv")

    approved = Recommendation.objects.get(round=round, status=RecommendationStatus.APPROVED)
    # Work the task worker has done: the round's letters sent (nothing left), the recommendation made as PDF.
    from dekomp.activity.jobs import job_start
    from dekomp.allocation.tasks import PDF_JOB, recommendation_pdf_job
    from dekomp.decisions.tasks import LETTERS_JOB, send_letters_job

    for by, kind, parameters, task in (
        (caseworker, LETTERS_JOB, {"round": round.pk}, send_letters_job),
        (secretariat, PDF_JOB, {"recommendation": approved.pk}, recommendation_pdf_job),
    ):
        job, _created = job_start(
            by=by,
            kind=kind,
            title=kind,
            office_id=round.office_id,
            token=uuid.uuid4(),
            total=1,
            back_url="/",
            parameters=parameters,
        )
        task.call(job.pk)
    long_term_plan_upload(by=secretariat, forum=approved.forum, round=round, upload=pdf("langsiktig-plan.pdf"))
    allocation.recommendation_new_version(by=secretariat, recommendation=approved)
    voting = [seat.user for seat in approved.forum.memberships.select_related("user") if seat.role != "sekretariat"]
    allocation.meeting_record(
        by=secretariat,
        forum=approved.forum,
        round=round,
        held_at=timezone.now(),
        present=voting,
        is_consensus=False,
        minutes="Ny behandling etter klagene.",
    )


def replay_last_spring(crawl_as) -> None:
    """Last year's round again from the recommendation, with the crawl at two moments: decisions drafted, and
    decisions made (letters not yet sent)."""
    from dekomp.decisions import services as decisions
    from dekomp.decisions.services import latest_approved
    from dekomp.home.demo.actors import DemoActors
    from dekomp.home.demo.year import build_recommendation, clear_year
    from dekomp.schemes.models import Round, RoundStatus

    round = Round.objects.get(name=ROUND_2026)
    clear_year([round])
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.ASSESSMENT)
    caseworker = _user("saksbehandler@demo.no")
    forum = round.office.forums.get()
    recommendation = build_recommendation(DemoActors(round.office, [], [], [], forum), round)
    batch = decisions.decisions_prepare(
        by=caseworker, recommendation=latest_approved(recommendation), token=uuid.uuid4()
    )
    crawl_as("decisions drafted", ["saksbehandler@demo.no", "forumleder@demo.no"])
    decisions.decisions_decide(by=caseworker, batch=batch, token=uuid.uuid4())
    crawl_as("decisions made", ["saksbehandler@demo.no"])


@pytest.fixture(scope="module")
def crawls(django_db_setup, django_db_blocker) -> dict[str, Crawl]:
    """The demo loaded once, crawled as every persona; everything is rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            AXES_ENABLED=False,
        ),
        transaction.atomic(),
    ):
        call_command("demo", verbosity=0)
        add_what_the_demo_day_does_not_show()
        started, results, files_fetched = time.monotonic(), {}, set()
        for persona in [*PERSONAS, None]:
            results[persona.email if persona else ANONYMOUS] = crawl(persona.email if persona else None, files_fetched)

        def crawl_as(moment: str, emails: list[str]) -> None:
            for email in emails:  # once per pattern and round: the moment's round is what is new
                results[f"{email} ({moment})"] = crawl(email, files_fetched, visits_per_pattern=1)

        with transaction.atomic():
            replay_last_spring(crawl_as)
            transaction.set_rollback(True)
        _write_summary(results, time.monotonic() - started)
        yield results
        transaction.set_rollback(True)


def _write_summary(results: dict[str, Crawl], elapsed: float) -> None:
    names = view_names()
    reached = set().union(*(set(c.seen) for c in results.values()))
    lines = [
        "# Reachability",
        "",
        "Written by `tests/test_reachability.py`: the demo crawled as every demo persona from `/`, following links",
        f"(GET only, each URL pattern at most {VISITS_PER_PATTERN} times per persona, round and step; every home)",
        "and collecting form actions, with a few states the demo's day lacks added by the services;",
        "then last year's round replayed from the recommendation and crawled again at two moments.",
        "",
        f"{len(reached & names)} of {len(names)} URL patterns reached; "
        f"{sum(c.visited for c in results.values())} pages visited in {elapsed:.1f} s; "
        f"{sum(len(c.todo) for c in results.values())} to-do links followed.",
        "",
        "| persona | patterns reached | pages visited | to-do links | refused links (403/404) | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, result in results.items():
        lines.append(
            f"| `{key}` | {len(set(result.seen) & names)} | {result.visited} | {len(result.todo)} | "
            f"{len(result.refused)} | {len(result.errors)} |"
        )
    lines += ["", "Not reached by a click (allowed, with why, or pending):", ""]
    for name in sorted(names - reached):
        why = ALLOWED_UNREACHED.get(name) or "DEAD END"
        lines.append(f"- `{name}`: {why}")
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    folder = Path(__file__).resolve().parent.parent / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reachability.md").write_text(text)


def test_every_view_is_reached_by_a_click(crawls):
    reached = set().union(*(set(c.seen) for c in crawls.values()))
    unreached = view_names() - reached - set(ALLOWED_UNREACHED)
    assert not unreached, f"No persona finds a link or form to: {sorted(unreached)}"
    stale = set(ALLOWED_UNREACHED) - view_names()
    assert not stale, f"Allow-list entries for views that no longer exist: {sorted(stale)}"
    found = set(ALLOWED_UNREACHED) & reached
    assert not found, f"Allow-listed but reached by a click (take them off the list): {sorted(found)}"


def test_no_page_fails(crawls):
    errors = [f"{key}: {error}" for key, c in crawls.items() for error in c.errors]
    assert not errors, "\n".join(errors)


def test_no_link_is_refused(crawls):
    refused = [f"{key}: {link}" for key, c in crawls.items() for link in c.refused]
    assert not refused, "\n".join(refused)


def test_every_todo_leads_to_its_action(crawls):
    wrong = []
    for result in crawls.values():
        for check in result.todo:
            where = f"{check.persona}: {check.kind} {check.url}"
            if check.kind not in TODO_ACTIONS:
                wrong.append(f"{where}: a to-do kind with no action in TODO_ACTIONS")
                continue
            page, actions = TODO_ACTIONS[check.kind]
            if check.status != 200 or check.view_name != page:
                wrong.append(f"{where}: answers {check.status} on {check.view_name}, expected 200 on {page}")
            elif actions and not actions & check.actions:
                wrong.append(f"{where}: the page has none of {sorted(actions)}")
    assert not wrong, "\n".join(wrong)


def test_the_crawl_meets_the_todo_kinds_that_ask_for_something(crawls):
    """The to-do test is not empty: the demo, with its replayed spring, shows these kinds of to-do."""
    met = {check.kind for result in crawls.values() for check in result.todo}
    expected = {
        "confirm_co_owner",
        "fix_returned",
        "waiting_for_partner",
        "finish_draft",
        "confirm_partner",
        "rank",
        "check_reports",
        "accept_terms",
        "decide",
        "send_letters",
        "follow_up_reports",
    }
    assert expected <= met, f"no to-do of kind {sorted(expected - met)} in the crawl"


def test_every_number_is_grouped(crawls):
    """Amounts, counts and weights are written ``24 771``, never ``24771`` (account numbers are codes)."""
    shown = {name: numbers[:3] for c in crawls.values() for name, numbers in c.unformatted.items()}
    assert not shown, "\n".join(f"{name}: {numbers}" for name, numbers in sorted(shown.items()))
