"""Last year's round through the year in a real browser, against the demo: the caseworker's decisions, letters,
payouts, ledger and report follow-up; an owner accepting the terms and writing a report by keyboard; the public list
and its open data; the money dashboard; the office admin's audit log. Every page passes axe-core (WCAG 2.1 AA).

The tests share one demo database: they only read, or change what no other test depends on, and they pick what to
change by what the pages show (never by ids)."""

import json
import re
from urllib.parse import urlparse

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from dekomp.home.demo.personas import DEMO_OFFICE_SLUG, PERSONAS

from .conftest import assert_accessible
from .test_personas import log_in, switch_language

pytestmark = pytest.mark.e2e

ROUND = "Tilskuddsrunde 2026"
YEAR = 2026
LANGUAGES = [("Nynorsk", "nn"), ("English", "en")]
MAX_TABS = 150  # more than any page here needs to reach a control by Tab from the top


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()


def view_name(page) -> str:
    return resolve(urlparse(page.url).path).view_name


def nok_to_int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def tab_to(page, selector: str) -> None:
    """Press Tab (from wherever focus is) until the element matching ``selector`` has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def focused(page, script: str = "el => el.id"):
    return page.evaluate(f"({script})(document.activeElement)")


def round_link(page, name: str):
    """The home's link named ``name`` ("vedtak", "rapporter", "logg") in the list item of last year's round."""
    return page.locator("main li", has_text=f"{ROUND}:").get_by_role("link", name=name, exact=True)


def in_every_language(page, *, check) -> None:
    """Switch the header's language to nynorsk and English, checking the page in each; back to bokmål after."""
    try:
        for label, code in LANGUAGES:
            switch_language(page, label, code)
            check(code)
            assert_accessible(page)
    finally:
        # A logged-in user's choice is saved: switch back so other tests meet the persona in bokmål.
        switch_language(page, "Bokmål", "nb")


# ------------------------------------------------------------------------------------------- the caseworker


def test_caseworker_follows_the_round_through_decisions_letters_and_payouts(page):
    log_in(page, "saksbehandler@demo.no")
    round_link(page, "vedtak").click()
    assert view_name(page) == "decisions:round"
    assert page.get_by_role("heading", level=1).inner_text() == f"Vedtak for {ROUND}"
    rows = page.get_by_test_id("decisions").locator("tbody tr")
    assert rows.count() == 15
    accepted = rows.filter(has_text="Vilkår akseptert").count()
    waiting = rows.filter(has_text="Vedtaksbrev sendt").count()
    assert accepted + waiting == 15
    assert accepted > waiting
    assert "Fattet 28. april 2026 av Sara Saksbehandler." in page.get_by_test_id("batch-decided").inner_text()
    assert_accessible(page)

    def workspace_in(code: str) -> None:
        assert view_name(page) == "decisions:round"
        assert ROUND in page.get_by_role("heading", level=1).inner_text()
        assert page.get_by_test_id("decisions").locator("tbody tr").count() == 15

    in_every_language(page, check=workspace_in)

    # One decision whose terms are accepted: its page, the letter panel and the letter itself.
    accepted_row = rows.filter(has_text="Vilkår akseptert").first
    reference = accepted_row.get_by_role("link").first.inner_text()
    accepted_row.get_by_role("link", name=reference).click()
    assert view_name(page) == "decisions:detail"
    panel = page.get_by_test_id("letter-panel")
    assert "Sendt 5. mai 2026, på" in panel.get_by_test_id("letter-state").inner_text()
    # The demo's owners accept on the story's days after the letters of 5 May.
    assert re.search(r"Vilkårene ble akseptert (\d+)\. mai 2026", panel.get_by_test_id("accept-state").inner_text())
    assert_accessible(page)
    letter = panel.get_by_test_id("letter-link")
    assert letter.inner_text() == f"Vedtaksbrev {reference} (PDF)"
    response = page.request.get(letter.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The payouts: the first budget year was paid in two batches, owners and partners.
    page.goto("/")
    page.get_by_role("link", name="Utbetalinger", exact=True).click()
    assert view_name(page) == "payouts:index"
    assert_accessible(page)
    paid = page.locator(f"table:has(caption:text-is('Utbetalingsbunker for {YEAR}')) tbody tr", has_text="Utbetalt")
    assert paid.count() == 2
    batch_reference = paid.first.get_by_role("link").inner_text()
    paid.first.get_by_role("link").click()
    assert view_name(page) == "payouts:batch"
    assert page.get_by_role("heading", level=1).inner_text() == f"Utbetalingsbunke {batch_reference}"
    assert "14. juni 2026" in page.locator("main").inner_text()
    assert_accessible(page)
    export = page.get_by_role("link", name=re.compile("Last ned filen som ble sendt til økonomisystemet"))
    response = page.request.get(export.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"PK")  # an xlsx is a zip file

    # The ledger: frame, commitments and what is paid, per scheme and budget year.
    with page.expect_navigation():
        page.get_by_role("link", name="Tilsagn per ordning og budsjettår").first.click()
    assert view_name(page) == "payouts:ledger"
    expect(page.get_by_role("table", name=re.compile(r"^Ramme, tilsagn, utbetalt og ledig for DeKomp"))).to_be_visible()
    assert_accessible(page)


def test_caseworker_follows_up_the_reports_and_approves_one_by_keyboard(page):
    log_in(page, "saksbehandler@demo.no")
    round_link(page, "rapporter").click()
    assert view_name(page) == "reporting:list"
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Sendt inn")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert_accessible(page)
    rows = page.locator("main table:has(th:text-is('Mottaker')) tbody tr")
    submitted = [
        {
            "href": row.get_by_role("link").first.get_attribute("href"),
            "unused": row.locator("td").nth(7).inner_text(),
        }
        for row in rows.all()
    ]
    assert submitted, "the demo has two reports sent in for the office to follow up"

    # Every submitted report's page, with the follow-up forms (and the settlement form where money is unused).
    for report in submitted:
        page.goto(report["href"])
        assert view_name(page) == "reporting:detail"
        assert page.get_by_role("heading", name="Oppfølging").is_visible()
        assert page.get_by_role("button", name="Godkjenn rapporten").is_visible()
        assert_accessible(page)

    # Asking for more without saying what: the error summary, linked to the field, and nothing changes.
    page.goto(submitted[0]["href"])
    with page.expect_navigation():
        page.get_by_role("button", name="Send tilbake til mottakeren").click()
    summary = page.locator("ds-error-summary")
    assert summary.get_by_role("link", name="Skriv hva mottakeren må utdype eller rette.").is_visible()
    assert page.get_by_role("button", name="Godkjenn rapporten").is_visible()
    assert_accessible(page)

    # Approve one (the one that used all its money, if still there) with the keyboard only.
    chosen = next((r for r in submitted if nok_to_int(r["unused"]) == 0), submitted[0])
    page.goto(chosen["href"])
    tab_to(page, "#id_approve-comment")
    page.keyboard.type("Takk for en grundig rapport.")
    page.keyboard.press("Tab")
    assert focused(page, "el => el.textContent.trim()") == "Godkjenn rapporten"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert view_name(page) == "reporting:detail"
    assert page.get_by_role("status").filter(has_text="Rapporten er godkjent.").is_visible()
    assert page.locator("dt:text-is('Status') + dd").inner_text() == "Godkjent"
    assert "Takk for en grundig rapport." in page.get_by_test_id("office-comment").inner_text()
    assert not page.get_by_role("button", name="Godkjenn rapporten").count()
    assert_accessible(page)


# ------------------------------------------------------------------------------------------------ the owners


OWNER_PERSONAS = [p for p in PERSONAS if p.home == "home:owner"]


def _not_accepted_owners(page) -> dict[str, str]:
    """The caseworker's view: owner name → decision reference, for decisions whose terms are not accepted."""
    log_in(page, "saksbehandler@demo.no")
    round_link(page, "vedtak").click()
    waiting = {}
    for row in page.get_by_test_id("decisions").locator("tbody tr").filter(has_text="Vedtaksbrev sendt").all():
        reference = row.get_by_role("link").first.inner_text()
        owner = row.locator("td").nth(1).locator("span").inner_text().split(" · ")[0]
        waiting[owner] = reference
    log_out(page)
    return waiting


def test_owner_accepts_the_terms_by_keyboard(page):
    waiting = _not_accepted_owners(page)
    assert waiting, "the demo leaves two owners that have not accepted the terms"
    persona = reference = None
    for candidate in OWNER_PERSONAS:
        log_in(page, candidate.email)
        owner = page.get_by_role("heading", level=1).inner_text()
        if owner in waiting:
            persona, reference = candidate, waiting[owner]
            break
        log_out(page)
    assert persona is not None, f"no demo login for an owner that has not accepted ({', '.join(sorted(waiting))})"

    # The home shows the letter and the action.
    letters = page.get_by_test_id("home-letters")
    row = letters.get_by_test_id("home-letter").filter(has_text=reference)
    assert row.get_by_role("link", name=re.compile(rf"PDF {reference}")).is_visible()
    accept = row.get_by_test_id("home-accept")
    if page.locator("html").get_attribute("lang") == "nb":
        assert accept.inner_text().startswith("Aksepter vilkårene")
    assert_accessible(page)

    # Keyboard only: Tab to the home's action and open it.
    tab_to(page, f"a[href='{accept.get_attribute('href')}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert view_name(page) == "decisions:accept"
    assert_accessible(page)

    # Sending without ticking the box: the error summary takes focus and leads to the box.
    tab_to(page, "[data-testid=accept-button]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("ds-error-summary")
    assert summary.is_visible()
    page.wait_for_function("document.activeElement?.tagName === 'DS-ERROR-SUMMARY'")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert focused(page, "el => el.getAttribute('href')") == "#id_confirm"
    page.keyboard.press("Enter")
    assert focused(page) == "id_confirm"  # the summary's link moves focus to the box
    page.keyboard.press("Space")
    assert page.locator("#id_confirm").is_checked()
    tab_to(page, "[data-testid=accept-button]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert view_name(page) == "decisions:detail"
    assert page.get_by_role("status").filter(has_text=reference).is_visible()
    assert persona.full_name in page.get_by_test_id("accept-state").inner_text()
    assert_accessible(page)
    page.goto("/")
    row = page.get_by_test_id("home-letters").get_by_test_id("home-letter").filter(has_text=reference)
    assert not row.get_by_test_id("home-accept").count()
    if page.locator("html").get_attribute("lang") == "nb":
        assert "Akseptert" in row.inner_text()
    assert_accessible(page)


def test_owner_writes_the_report_by_keyboard_and_keeps_what_was_typed(page):
    # Sarpsborg kommune has a report for 2026 due 15 January 2027 that nobody else writes.
    log_in(page, "medeier@demo.no")
    reports = page.get_by_test_id("recipient-reports")
    row = reports.locator("tbody tr", has_text="15. januar 2027").filter(has=page.get_by_role("cell", name=str(YEAR)))
    assert "Ikke påbegynt" in row.inner_text() or "Utkast" in row.inner_text()
    assert_accessible(page)
    row.get_by_role("link").click()
    assert view_name(page) == "reporting:edit"
    assert page.get_by_role("heading", level=1).inner_text() == f"Rapport for {YEAR}"
    assert_accessible(page)
    granted = nok_to_int(page.locator("dt:text-is('Tildelt i vedtaket') + dd").inner_text())

    activities = "Tre samlinger om språkmiljø og veiledning i hver barnehage."
    goals = "Personalet bruker språkstøttende strategier i hverdagen."
    tab_to(page, "#id_activities")
    page.keyboard.type(activities)
    page.keyboard.press("Tab")
    first_unit = focused(page)
    assert first_unit.startswith("id_units_reached_")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    second_unit = focused(page)
    page.keyboard.press("Space")
    tab_to(page, "#id_participants")
    page.keyboard.type("42")
    tab_to(page, "#id_goal_achievement")
    page.keyboard.type(goals)
    tab_to(page, "#id_used")
    page.keyboard.type(str(granted + 50_000))
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form's first button: send in

    # The error summary takes focus, names the problem and links to the field; nothing typed is lost.
    summary = page.locator("ds-error-summary")
    page.wait_for_function("document.activeElement?.tagName === 'DS-ERROR-SUMMARY'")
    error = summary.get_by_role("link", name=re.compile("kan ikke være høyere enn tildelt"))
    assert error.get_attribute("href") == "#id_used"
    assert page.locator("#id_used").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_activities").input_value() == activities
    assert page.locator(f"#{first_unit}").is_checked()
    assert page.locator(f"#{second_unit}").is_checked()
    assert page.locator("#id_participants").input_value() == "42"
    assert page.locator("#id_goal_achievement").input_value() == goals
    assert nok_to_int(page.locator("#id_used").input_value()) == granted + 50_000
    assert_accessible(page)

    # Fix it from the summary's link and save a draft (not sent in: the data stays for others to look at).
    page.keyboard.press("Tab")
    assert focused(page, "el => el.getAttribute('href')") == "#id_used"
    page.keyboard.press("Enter")
    assert focused(page) == "id_used"  # the summary's link moves focus to the field
    page.keyboard.press("Control+A")
    page.keyboard.type(str(granted - 9_000))
    tab_to(page, "button[value=lagre]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert view_name(page) == "reporting:edit"
    assert page.get_by_role("status").filter(has_text="Utkastet er lagret.").is_visible()
    assert not page.locator("ds-error-summary").count()
    page.reload()
    assert page.locator("#id_activities").input_value() == activities
    assert page.locator(f"#{first_unit}").is_checked()
    assert page.locator("#id_participants").input_value() == "42"
    assert nok_to_int(page.locator("#id_used").input_value()) == granted - 9_000
    assert_accessible(page)
    page.goto("/")
    row = page.get_by_test_id("recipient-reports").locator("tbody tr", has_text="15. januar 2027")
    assert "Utkast" in row.filter(has=page.get_by_role("cell", name=str(YEAR))).inner_text()


# ---------------------------------------------------------------------------------------------- the public


def test_public_list_and_open_data_need_no_login(page):
    page.goto("/tildelinger/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tildelte tilskudd til lokal kompetanseutvikling"
    assert_accessible(page)
    page.get_by_role("link", name=f"tildelinger {YEAR}").click()
    assert view_name(page) == "public:round"
    assert urlparse(page.url).path == f"/tildelinger/{DEMO_OFFICE_SLUG}/{YEAR}/"
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Tildelte tilskudd {YEAR}")
    main = page.locator("main").inner_text()
    assert "Lesing i alle fag – Fredrikstad-skolene" in main
    assert_accessible(page)

    csv = page.request.get(page.get_by_test_id("csv-link").get_attribute("href"), max_redirects=0)
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "Fredrikstad kommune" in csv.text()
    data = page.request.get(page.get_by_test_id("json-link").get_attribute("href"), max_redirects=0)
    assert data.status == 200
    assert data.headers["content-type"].startswith("application/json")
    assert "Fredrikstad kommune" in json.dumps(data.json(), ensure_ascii=False)

    def public_round_in(code: str) -> None:
        assert view_name(page) == "public:round"
        assert page.get_by_test_id("csv-link").is_visible()

    in_every_language(page, check=public_round_in)


# ------------------------------------------------------------------------------------------- the dashboard


def _charts_are_named_images(page) -> None:
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for chart in charts.all():
        title = chart.locator("title")
        assert title.count() == 1
        name = title.text_content().strip()
        assert name
        # Named by its title, then described by its desc (aria-labelledby both, for screen readers' sake).
        assert chart.get_attribute("aria-labelledby").split()[0] == title.get_attribute("id")
        assert page.get_by_role("img", name=name).count() >= 1


def test_national_reader_and_caseworker_see_an_accessible_dashboard(page):
    log_in(page, "udir@demo.no")
    page.get_by_role("link", name=re.compile("^Se pengene")).click()
    assert view_name(page) == "reporting:dashboard"
    _charts_are_named_images(page)
    assert_accessible(page)

    def dashboard_in(code: str) -> None:
        assert view_name(page) == "reporting:dashboard"
        _charts_are_named_images(page)

    in_every_language(page, check=dashboard_in)
    log_out(page)

    log_in(page, "saksbehandler@demo.no")
    page.get_by_role("link", name="Oversikt over pengene (grafer og tabeller)").click()
    assert view_name(page) == "reporting:dashboard"
    _charts_are_named_images(page)
    assert_accessible(page)


# ------------------------------------------------------------------------------------------- the audit log


def test_office_admin_reads_the_rounds_audit_log(page):
    log_in(page, "embetsadmin@demo.no")
    round_link(page, "logg").click()
    assert view_name(page) == "activity:round"
    assert page.get_by_role("heading", level=1).inner_text() == f"Logg for {ROUND}"
    assert page.locator("main table tbody tr").count() > 10
    assert_accessible(page)
    csv = page.request.get(page.get_by_role("link", name="Last ned loggen som CSV").get_attribute("href"))
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")


# ------------------------------------------------------------------------------------ narrow screens (reflow)


def test_wide_tables_scroll_by_keyboard_on_a_narrow_screen(page):
    """At 320 px (400 % zoom) the wide tables scroll inside their own region, which the keyboard can reach."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/tildelinger/")
    page.get_by_role("link", name=f"tildelinger {YEAR}").click()
    assert_accessible(page)

    log_in(page, "saksbehandler@demo.no")
    round_link(page, "vedtak").click()
    assert_accessible(page)
    regions = page.locator(".app-table-wrap[role=region][tabindex='0']")
    assert regions.count() >= 1
    tab_to(page, ".app-table-wrap[role=region]")
    assert focused(page, "el => el.getAttribute('aria-labelledby')")
    page.get_by_test_id("decisions").get_by_role("link").first.click()
    assert view_name(page) == "decisions:detail"
    assert_accessible(page)
    for name in ("Utbetalinger", "Oversikt over pengene (grafer og tabeller)"):
        page.goto("/")
        page.get_by_role("link", name=name, exact=True).click()
        assert_accessible(page)
    page.goto("/")
    page.get_by_role("link", name="Utbetalinger", exact=True).click()
    page.locator("table tbody tr", has_text="Utbetalt").first.get_by_role("link").click()
    assert view_name(page) == "payouts:batch"
    assert_accessible(page)
    page.goto("/")
    round_link(page, "rapporter").click()
    page.get_by_role("link", name=re.compile("^V2026-")).first.click()
    assert view_name(page) == "reporting:detail"
    assert_accessible(page)
