"""The office's round pages in a real browser: 0 axe-core WCAG 2.1 AA violations, usable by keyboard."""

import os

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from dekomp.needs.models import Status
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def office_page(live_server, world, office_round, settings):
    """A browser page logged in as the office admin (session cookie from the test client)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop in this thread
    client = Client()
    client.force_login(world.users["office_admin"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="nb-NO")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        # While Playwright's event loop runs, Django keeps this thread's connection apart: close it here.
        connections.close_all()
        browser.close()


def test_round_pages_are_accessible(office_page, world, office_round):
    page = office_page
    for url in [
        reverse("needs:round_list", args=[office_round.round.pk]) + "?status=alle&sorter=total&retning=synkende",
        reverse("schemes:round_detail", args=[office_round.round.pk]),
        reverse("schemes:round_list", args=[world.office.slug]),
        reverse("home:office", args=[world.office.slug]),
        reverse("needs:detail", args=[office_round.reports["sprak"].pk]) + "?status=alle&fra=liste",
        reverse("reporting:organisation", args=[world.partner_org.pk]),
    ]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).count() == 1
        assert_accessible(page)
    page.goto(reverse("schemes:round_detail", args=[office_round.round.pk]))
    page.get_by_role("button", name="Gi ny frist").click()
    page.wait_for_load_state()
    assert page.locator("ds-error-summary").is_visible()
    assert_accessible(page)


def test_keyboard_user_checks_a_report(office_page, office_round):
    page = office_page
    report = office_round.reports["lesing"]
    page.goto(reverse("needs:round_list", args=[office_round.round.pk]))
    checkbox = page.get_by_label(f"Velg {report.reference}")
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    page.get_by_role("button", name="Godkjenn formell kontroll").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The summary comes first; nothing is checked until it is confirmed.
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kontroller 1 behovsmelding (")
    assert_accessible(page)
    page.get_by_role("button", name="Bekreft formell kontroll av 1 behovsmelding").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 behovsmelding er formelt kontrollert." in page.locator("main").inner_text()
    report.refresh_from_db()
    assert report.status == Status.CHECKED
    assert_accessible(page)
