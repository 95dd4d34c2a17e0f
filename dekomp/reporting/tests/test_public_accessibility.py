"""The public list in a real browser, without login: 0 axe-core WCAG 2.1 AA violations, filters by keyboard."""

import os

import pytest
from django.db import connections
from django.urls import reverse

from dekomp.decisions.models import Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.needs.tests.factories import open_round
from dekomp.schemes.models import RoundStatus, Theme
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def anonymous_page(live_server):
    """A browser page with no session: what anyone on the internet sees."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="nb-NO")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        connections.close_all()
        browser.close()


def test_the_public_pages_are_accessible(anonymous_page, world):
    round = open_round(world.office, name="Publisert i nettleser")
    round.status = RoundStatus.DECISION
    round.save()
    granted = decided(world, 2, round=round)
    granted[1].outcome = Outcome.PARTLY
    granted[1].save()
    granted[0].report.themes.set(Theme.objects.all()[:2])
    page = anonymous_page
    for url in [reverse("public:index"), reverse("public:round", args=[world.office.slug, round.year])]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).count() == 1
        assert_accessible(page)
    page.get_by_label("Ordning", exact=True).select_option(label="DeKomp")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").press("Enter")
    assert "ordning=dekomp" in page.url
    assert_accessible(page)
