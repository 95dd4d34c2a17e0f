"""The ranking board in a real browser with the demo data: a member ranks with the keyboard alone (the live region
tells what happened, focus stays on the control), and a recused member finds the controls disabled and a forged
request refused."""

import re
from urllib.parse import urlparse

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from .conftest import assert_accessible
from .test_personas import log_in

pytestmark = pytest.mark.e2e

MEMBER = "arbeidsgruppe@demo.no"  # Arne Arbeidsgruppe, speaks for Halden kommune in Arbeidsgruppe Østfold
LEADER = "arbeidsgruppeleder@demo.no"  # Lise Leder, speaks for Fredrikstad kommune


@pytest.fixture(autouse=True)
def _no_script_errors(page):
    """An uncaught error in the board's script fails the test (the page might still look right without it)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert not errors, f"script errors on the page: {errors}"


def active_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_until(page, is_there, *, limit: int = 600, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``is_there()`` holds: the keyboard user's way through the page."""
    for _ in range(limit):
        if is_there():
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached the control (focus is on #{active_id(page)})")


def tab_to(page, element_id: str, **options: object) -> None:
    tab_until(page, lambda: active_id(page) == element_id, **options)


def server_order(page, board_url: str) -> list[int]:
    """The order as the server has it now (a fresh GET of the board, the page itself untouched)."""
    html = page.request.get(board_url).text()
    return [int(pk) for pk in re.findall(r'<li id="oppforing-(\d+)"', html)]


def page_order(page) -> list[int]:
    return [int(pk) for pk in page.eval_on_selector_all("[data-testid=entry]", "els => els.map(e => e.dataset.report)")]


def csrf_token(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_member_ranks_with_the_keyboard_only(page):
    log_in(page, MEMBER)
    assert resolve(urlparse(page.url).path).view_name == "home:working_group"

    # From the home page to the board: Tab to the first link to it and press Enter.
    tab_until(
        page, lambda: "/prioritering/rangering/" in page.evaluate("document.activeElement.getAttribute('href') || ''")
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert resolve(urlparse(page.url).path).view_name == "assessment:board"
    board_url = urlparse(page.url).path
    assert_accessible(page)

    order = page_order(page)
    count = len(order)
    assert count >= 4, f"the demo's Østfold board has only {count} checked reports"
    movable = set(
        page.eval_on_selector_all("[data-testid=entry][data-movable]", "els => els.map(e => Number(e.dataset.report))")
    )
    # An entry the member may move, not at the top or bottom: down one, up one, then to place 1.
    chosen = next(pk for pk in order[1:-1] if pk in movable)
    start = order.index(chosen) + 1
    title = page.locator(f"#tittel-{chosen} [data-testid=title]").inner_text()
    live = page.get_by_test_id("live-region")
    page.evaluate("window.boardNotReloaded = true")  # gone if a move reloaded the page instead of swapping the list

    tab_to(page, f"ned-{chosen}")
    page.keyboard.press("Enter")
    expect(live).to_contain_text(f"«{title}» er flyttet til plass {start + 1} av {count}.")
    expect(page.locator(f"#ned-{chosen}")).to_be_focused()
    assert server_order(page, board_url).index(chosen) + 1 == start + 1

    # "Flytt opp" sits just before "Flytt ned".
    tab_to(page, f"opp-{chosen}", backwards=True)
    page.keyboard.press("Enter")
    expect(live).to_contain_text(f"«{title}» er flyttet til plass {start} av {count}.")
    expect(page.locator(f"#opp-{chosen}")).to_be_focused()
    assert server_order(page, board_url) == order

    tab_to(page, f"plass-{chosen}")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    assert active_id(page) == f"plass-knapp-{chosen}"
    page.keyboard.press("Enter")
    expect(live).to_contain_text(f"«{title}» er flyttet til plass 1 av {count}.")
    expect(page.locator(f"#plass-knapp-{chosen}")).to_be_focused()
    expected = [chosen, *(pk for pk in order if pk != chosen)]
    assert server_order(page, board_url) == expected
    assert page.evaluate("window.boardNotReloaded === true"), "the moves reloaded the page: htmx did not swap"

    page.reload()
    assert page_order(page) == expected
    assert page.locator(f"#oppforing-{chosen} [data-testid=position]").inner_text().endswith("1")
    assert_accessible(page)


def test_recused_members_find_the_controls_disabled_and_a_forged_move_refused(page):
    # The member speaks for Halden kommune: the demo's checked Halden reports are theirs to stay out of.
    log_in(page, MEMBER)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Prioriteringen i ")).first.click()
    board_url = urlparse(page.url).path
    recused = page.locator("[data-testid=entry][data-recused]")
    assert recused.count() >= 1
    entry = recused.first
    report = int(entry.get_attribute("data-report"))
    expect(entry.get_by_test_id("recused-note")).to_contain_text("Du er inhabil i denne behovsmeldingen")
    expect(entry.get_by_test_id("recusals")).to_contain_text("Inhabil: Arne Arbeidsgruppe (Halden kommune)")
    for control in (f"#opp-{report}", f"#ned-{report}", f"#plass-{report}", f"#plass-knapp-{report}"):
        expect(page.locator(control)).to_be_disabled()
    expect(page.locator(f"#lagre-{report}")).to_be_disabled()
    expect(page.locator(f"#kommenter-{report}")).to_be_disabled()
    assert entry.locator("[data-drag-handle]").count() == 0

    before = server_order(page, board_url)
    version = page.locator("#rangering").get_attribute("data-version")
    move_url = page.locator(f"#oppforing-{report} form[data-move-form]").first.get_attribute("action")
    forged = page.request.post(
        move_url,
        form={"csrfmiddlewaretoken": csrf_token(page), "report": str(report), "position": "1", "version": version},
    )
    assert forged.status == 403
    assert server_order(page, board_url) == before
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()

    # The leader speaks for Fredrikstad kommune. The demo's Østfold board holds no checked report naming Fredrikstad,
    # so she declares herself recused from one on the interests page, and it is locked to her in the same way.
    log_in(page, LEADER)
    page.goto(board_url)
    expect(page.get_by_role("button", name="Send prioriteringen til forumet")).to_be_visible()
    automatic = [
        int(pk)
        for pk in page.eval_on_selector_all(
            "[data-testid=entry][data-recused]", "els => els.map(e => e.dataset.report)"
        )
    ]
    target = next(pk for pk in page_order(page) if pk not in automatic)
    reference = page.locator(f"#oppforing-{target} [data-testid=reference]").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Dine interesser og inhabilitet").click()
    assert_accessible(page)
    choice = page.locator("#id_inhabil-report option", has_text=reference).get_attribute("value")
    page.get_by_label("Behovsmelding").select_option(value=choice)
    page.get_by_label("Hvorfor er du inhabil?").fill("Søsteren min leder tiltaket")
    with page.expect_navigation():
        page.get_by_role("button", name="Erklær meg inhabil").click()
    expect(page.get_by_test_id("declared")).to_contain_text("Søsteren min leder tiltaket")
    page.goto(board_url)
    for pk in [*automatic, target]:
        expect(page.locator(f"#oppforing-{pk} [data-testid=recused-note]")).to_be_visible()
        expect(page.locator(f"#ned-{pk}")).to_be_disabled()
    expect(page.locator(f"#oppforing-{target} [data-testid=recusals]")).to_contain_text(
        "Inhabil: Lise Leder (Søsteren min leder tiltaket)"
    )
    before = server_order(page, board_url)
    forged = page.request.post(
        move_url,
        form={
            "csrfmiddlewaretoken": csrf_token(page),
            "report": str(target),
            "position": str(len(before)),
            "version": page.locator("#rangering").get_attribute("data-version"),
        },
    )
    assert forged.status == 403
    assert server_order(page, board_url) == before
    assert_accessible(page)


def test_member_drags_an_entry_and_entries_they_are_recused_from_stay_put(page):
    page.set_viewport_size({"width": 1280, "height": 3200})  # two neighbouring entries on screen, no scrolling mid-drag
    log_in(page, MEMBER)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Prioriteringen i ")).first.click()
    board_url = urlparse(page.url).path
    order = page_order(page)
    movable = set(
        page.eval_on_selector_all("[data-testid=entry][data-movable]", "els => els.map(e => Number(e.dataset.report))")
    )
    fixed = {pk: order.index(pk) for pk in order if pk not in movable}
    assert fixed, "the member is recused from some of the demo's reports"
    # A movable entry whose neighbour above is movable too: dropped on that neighbour's top half, the two swap.
    index = next(i for i in range(len(order) - 1, 0, -1) if order[i] in movable and order[i - 1] in movable)
    dragged, above = order[index], order[index - 1]
    page.locator(f"#oppforing-{above}").scroll_into_view_if_needed()
    handle = page.locator(f"#oppforing-{dragged} [data-drag-handle]").bounding_box()
    target = page.locator(f"#oppforing-{above}").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        y = handle["y"] + (target["y"] + 10 - handle["y"]) * step / 10
        page.mouse.move(target["x"] + 40, y)
    page.mouse.up()
    title = page.locator(f"#tittel-{dragged} [data-testid=title]").inner_text()
    expect(page.get_by_test_id("live-region")).to_contain_text(
        f"«{title}» er flyttet til plass {index} av {len(order)}."
    )
    expected = [*order[: index - 1], dragged, above, *order[index + 1 :]]
    assert server_order(page, board_url) == expected
    assert page_order(page) == expected
    assert {pk: expected.index(pk) for pk in fixed} == fixed


def test_moving_works_without_javascript(browser, live_server_url):
    context = browser.new_context(base_url=live_server_url, locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, MEMBER)
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Prioriteringen i ")).first.click()
        board_url = urlparse(page.url).path
        order = page_order(page)
        movable = set(
            page.eval_on_selector_all(
                "[data-testid=entry][data-movable]", "els => els.map(e => Number(e.dataset.report))"
            )
        )
        chosen = next(pk for pk in order[:-1] if pk in movable)
        title = page.locator(f"#tittel-{chosen} [data-testid=title]").inner_text()
        with page.expect_navigation():
            page.locator(f"#ned-{chosen}").click()
        place = order.index(chosen) + 2
        assert urlparse(page.url).fragment == f"oppforing-{chosen}"
        expect(page.get_by_test_id("live-region")).to_contain_text(
            f"«{title}» er flyttet til plass {place} av {len(order)}."
        )
        assert server_order(page, board_url).index(chosen) + 1 == place
    finally:
        context.close()
