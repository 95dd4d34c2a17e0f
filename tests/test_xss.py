"""Free text with HTML/script payloads is never rendered unescaped.

Every object the permission matrix builds is made first (so every page has something to show), then every free-text
field of every row in the project's tables — report titles and texts, partner and co-owner comments, ranking and
member comments, justifications, minutes, considerations and deviation reasons, appeal grounds, report activities
and goal achievement, settlement and hold reasons, organisation, unit, region, group and forum names, user full
names, event comments — is set to a payload. Then every page of the matrix is fetched by every persona allowed to see
it (and by an outsider, for the 403 page) and must not contain the payload raw; the pages that show free text must
show it escaped. The HTML that letters, receipts and the recommendation PDF are made from, the e-mails, the public
JSON (valid JSON) and a page with a ``javascript:`` return address are checked too.
"""

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from tests.test_fuzz_services import OUR_APPS, client_for
from tests.test_permission_matrix import MATRIX

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }} javascript:alert(1) '
SHORT = "<script>alert(1)</script> "
RAW = ("<script>alert(1)</script>", "onerror=alert(1)>")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# Structured text the code reads or validates (never shown as typed free text), or fields with their own rules.
SKIP = {
    "password",
    "secret",
    "orgnr",
    "slug",
    "code",
    "content_type",
    "language",
    "letter_language",
    "verb",
    "postal_code",
    "bank_account",
    "token",
    "mode",
    "solver_version",
    "number",
    "file",
    "target_type",
    "ip_address",
    "user_agent",
}
# Pages that show free text: each must show the payload, escaped.
MUST_SHOW = {
    "needs:detail",
    "needs:round_list",
    "needs:receipt",
    "needs:versions",
    "assessment:board",
    "allocation:workspace",
    "decisions:detail",
    "decisions:edit",
    "decisions:round",
    "reporting:detail",
    "reporting:list",
    "payouts:batch",
    "public:round",
    "organisations:list",
    "organisations:detail",
    "home:owner",
    "home:office",
    "activity:report",
}


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SECURE_SSL_REDIRECT = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every CharField/TextField of the project's models that holds free text."""
    fields = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or isinstance(
                field, models.EmailField | models.SlugField | models.URLField
            ):
                continue
            if field.choices or field.unique or field.name in SKIP or field.name.endswith(("_code", "_number")):
                continue
            fields.append((model, field))
    return fields


def _payload_for(field: models.Field) -> str | None:
    room = field.max_length or 10_000
    for text in (PAYLOAD, SHORT):
        if len(text) + 12 <= room:
            return text
    return None


def inject() -> int:
    """Put a payload (plus the row's id, so unique names stay unique) into every free-text field of every row."""
    count = 0
    for model, field in free_text_fields():
        text = _payload_for(field)
        if text is None:
            continue
        value = Concat(models.Value(text), Cast("pk", output_field=models.CharField()))
        try:
            with transaction.atomic():
                count += model._default_manager.update(**{field.attname: value})
        except Exception:  # noqa: S112 - append-only tables (the activity record) refuse updates: written below
            continue
    from dekomp.activity.services import record
    from dekomp.needs.models import NeedsReport

    for report in NeedsReport.objects.all():
        record(actor=None, verb="returned", target=report, comment=PAYLOAD)
    return count


def _build(world) -> dict[str, tuple[str, set[str]]]:
    """Every object the pages show, and (before the names change) each page's URL and who may read it."""
    from dekomp.assessment.services import member_comment_add
    from dekomp.reporting.tests.factories import submitted
    from tests import matrix_payouts, matrix_reporting, test_permission_matrix

    urls = {}
    for name, case in MATRIX.items():
        expected = case.methods.get("GET", {})
        readers = {persona for persona, status in expected.items() if status == 200}
        if readers:
            urls[name] = (reverse(name, args=case.args(world)), readers | {"outsider"})
    report = test_permission_matrix._fredrikstad_report(world)
    member_comment_add(by=world.users["wg_member"], working_group=world.working_group, report=report, text="Bra")
    matrix_payouts._batch(world)
    recipient_report = matrix_reporting._recipient_report(world)
    if recipient_report.status in ("forventet", "utkast"):
        submitted(world, recipient_report, used=Decimal(40_000))
    return urls


def _check_html(html: str, where: str) -> bool:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} is rendered unescaped"
    assert not JS_URL.search(html), f"{where}: a javascript: URL in an attribute"
    return ESCAPED in html


def test_no_page_renders_free_text_unescaped(world, django_assert_max_num_queries):
    urls = _build(world)
    assert inject() > 100
    shown, fetched = set(), 0
    for name, (url, personas) in sorted(urls.items()):
        for persona in sorted(personas):
            response = client_for(world.users[persona]).get(url)
            assert response.status_code < 500, f"{name} as {persona}: {response.status_code}"
            content_type = response.get("Content-Type", "")
            if response.streaming or not content_type.startswith(("text/html", "application/json")):
                continue  # files: PDFs (their HTML is checked below), xlsx/CSV (tests/test_fuzz_services.py)
            fetched += 1
            body = response.content.decode()
            if content_type.startswith("application/json"):
                data = json.loads(body)  # valid JSON whatever the texts hold
                if name.startswith("public:"):
                    assert SHORT.strip() in json.dumps(data, ensure_ascii=False), f"{name}: the texts are not there"
                continue
            if _check_html(body, f"GET {url} as {persona}"):
                shown.add(name)
    assert fetched > 100
    missing = MUST_SHOW - shown
    assert not missing, f"Pages that should show the (escaped) free text but did not: {sorted(missing)}"


def test_error_pages_and_messages_escape_names(world):
    """A refusal's reason and a success message name organisations: both are escaped."""
    from dekomp.payouts.tests.factories import bank_accounts
    from tests import matrix_reporting

    report = matrix_reporting._recipient_report(world)
    inject()
    # reporting:edit as the owner: the 403 page shows "Bare innsendere for <organisation> …"
    owner = client_for(world.users["owner"])
    refused = owner.post(reverse("reporting:edit", args=[report.pk]), {"version": report.version})
    assert refused.status_code == 403
    _check_html(refused.content.decode(), "403 page")
    response = owner.post(
        reverse("payouts:bank_account", args=[world.owner_org.pk]), {"bank_account": next(bank_accounts())}, follow=True
    )
    assert response.status_code == 200
    assert _check_html(response.content.decode(), "bank account saved message")


def test_a_javascript_return_address_is_not_linked(world):
    response = client_for(world.users["owner"]).get(
        reverse("payouts:bank_account", args=[world.owner_org.pk]) + "?next=javascript:alert(1)"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert not JS_URL.search(html)
    assert response.context["next"] == ""  # no "Tilbake" link at all


def test_pdf_sources_escape_free_text(world):
    """The HTML that the letter, the receipt and the recommendation PDFs are made from."""
    from django.template.loader import render_to_string

    from dekomp.allocation import selectors
    from dekomp.allocation.pdf import recommendation_html
    from dekomp.decisions.letters import letter_html
    from dekomp.needs.models import Submission
    from dekomp.needs.snapshot import FIELDS
    from tests import matrix_decisions, test_permission_matrix

    decision = matrix_decisions._letter_decision(world)
    submission = test_permission_matrix._submitted(world).submissions.get()
    recommendation = test_permission_matrix._recommendation(world)
    inject()
    Submission.objects.filter(pk=submission.pk).update(
        snapshot={**submission.snapshot, "title": PAYLOAD, "need": PAYLOAD, "goals": PAYLOAD}
    )
    submission.refresh_from_db()
    decision.refresh_from_db()
    recommendation.refresh_from_db()
    receipt = render_to_string(
        "needs/receipt_pdf.html",
        {"submission": submission, "report": submission.report, "fields": FIELDS, "snapshot": submission.snapshot},
    )
    ws = selectors.workspace(forum=recommendation.forum, round=recommendation.round, recommendation=recommendation)
    for where, html in {
        "letter": letter_html(decision),
        "receipt": receipt,
        "recommendation": recommendation_html(ws),
    }.items():
        assert _check_html(html, where), f"{where}: the free text is not in the PDF's HTML at all"


def test_e_mails_escape_html_and_keep_text_plain(world, mailoutbox, django_capture_on_commit_callbacks):
    """Text e-mails may hold the payload as typed (plain text is never rendered); HTML parts must escape it."""
    from dekomp.decisions.letters import letters_send
    from dekomp.reporting.services import report_request_more
    from dekomp.reporting.tests.factories import submitted
    from tests import matrix_decisions, matrix_reporting

    report = matrix_reporting._recipient_report(world)
    submitted(world, report, used=Decimal(40_000))
    from dekomp.decisions.models import DecisionStatus
    from dekomp.decisions.tests.factories import decided

    decision = decided(
        world, 1, round=matrix_decisions._decisions_round(world, "XSS-brev"), status=DecisionStatus.DECIDED
    )[0]
    inject()
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report_request_more(by=world.users["caseworker"], report=report, comment=PAYLOAD)
        letters_send(by=world.users["caseworker"], decisions=[decision], token=uuid.uuid4())
    assert mailoutbox
    for message in mailoutbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                _check_html(str(content), f"e-mail {message.subject!r}")
    assert any("<script>alert(1)</script>" in m.body for m in mailoutbox)  # the payload did reach the e-mails
