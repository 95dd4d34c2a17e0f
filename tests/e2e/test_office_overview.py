"""The caseworker's round overview on the demo (235 reports) at 1280×800 in Chromium: the essential columns fit
without horizontal scrolling, the page passes axe-core, and "all matching the filter" works from the keyboard."""

import re

import pytest

from .conftest import assert_accessible, csp_violations, watch_csp
from .test_personas import log_in

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1280, 800


def open_overview(page, query: str = "") -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, "saksbehandler@demo.no")
    with page.expect_navigation():
        page.get_by_role("link", name="Behovsmeldinger i Tilskuddsrunde 2027").first.click()
    if query:
        page.goto(f"{page.url.split('?')[0]}?{query}")


def test_overview_fits_1280_px_and_is_accessible(page):
    found = watch_csp(page)
    open_overview(page, "status=alle&sorter=total&retning=synkende")
    sizes = page.evaluate(
        """() => {
            const wrap = document.querySelector('[data-testid="overview-wrap"]');
            const table = document.querySelector('[data-testid="overview-table"]');
            return {table: table.scrollWidth, wrap: wrap.clientWidth, page: document.documentElement.scrollWidth,
                    rows: table.tBodies[0].rows.length};
        }"""
    )
    assert sizes["rows"] == 50
    assert sizes["table"] <= sizes["wrap"], sizes
    assert sizes["page"] <= WIDTH, sizes
    first_row = page.get_by_test_id("overview-table").locator("tbody tr").first
    for cell in (first_row.locator("td").nth(4), first_row.get_by_test_id("amount")):  # status, amount requested
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    headers = page.get_by_test_id("overview-table").locator("thead th")
    assert headers.count() == 6
    assert_accessible(page)
    assert not csp_violations(page, found)


def test_keyboard_user_selects_every_matching_report_and_sees_the_summary(page):
    open_overview(page)
    matching = int(re.search(r"(\d+) behovsmeldinger passer", page.locator("main").inner_text()).group(1))
    assert matching > 50  # more than one page: the offer of every matching report makes sense
    select_page = page.get_by_label("Velg alle på denne siden")
    select_page.focus()
    page.keyboard.press("Space")
    rows = page.get_by_test_id("overview-table").locator("tbody input[type=checkbox]")
    assert rows.count() == 50
    assert all(rows.nth(i).is_checked() for i in range(rows.count()))
    status = page.locator("[data-select-status]")
    assert status.inner_text() == "Alle 50 behovsmeldingene på denne siden er valgt."
    offer = page.get_by_role("button", name=f"Velg alle {matching} som passer filteret")
    offer.focus()
    page.keyboard.press("Enter")
    assert status.inner_text().startswith(f"Alle {matching} behovsmeldingene som passer filteret er valgt")
    undo = page.get_by_role("button", name="Velg bare de 50 på denne siden")
    assert page.evaluate("document.activeElement.dataset.selectPageOnly !== undefined")
    assert undo.is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Godkjenn formell kontroll").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    heading = page.get_by_test_id("confirm-heading").inner_text()
    assert heading.startswith(f"Kontroller {matching} behovsmeldinger (")
    assert page.locator("main table tbody tr").count() == matching
    assert_accessible(page)
    # Nothing is checked before the confirmation: cancel, and the list is as it was.
    with page.expect_navigation():
        page.get_by_role("link", name="Avbryt").click()
    assert f"{matching} behovsmeldinger passer" in page.locator("main").inner_text()
