"""The money dashboard in a real browser: 0 axe-core WCAG 2.1 AA violations with charts and tables."""

import os

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import RoundStatus, Theme
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def reader_page(live_server, world, settings):
    """A browser page logged in as the national reader (session cookie from the test client)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop in this thread
    client = Client()
    client.force_login(world.users["national_reader"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="nb-NO")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        connections.close_all()
        browser.close()


def test_the_dashboard_is_accessible(reader_page, world):
    round = open_round(world.office, name="Oversiktsrunde")
    round.status = RoundStatus.PAYOUT
    round.save()
    granted = decided(world, 3, round=round)
    granted[0].report.themes.set(Theme.objects.all()[:2])
    page = reader_page
    page.goto(reverse("reporting:dashboard"))
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("img", name="Tilsagn per region").count() == 1
    assert_accessible(page)
    page.get_by_label("Embete", exact=True).select_option(value=world.office.slug)
    with page.expect_navigation():
        page.get_by_role("button", name="Vis").press("Enter")
    assert f"kontor={world.office.slug}" in page.url
    assert_accessible(page)
