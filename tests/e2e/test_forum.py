"""The forum's recommendation in a real browser: the caseworker sets equal envelopes for DeKomp and runs the
proposal; a forum member changes one amount with a justification; the secretariat records a meeting, is refused a
vote and approves; the workbook's total matches the page."""

import re
from decimal import Decimal
from urllib.parse import urlparse

import openpyxl
import pytest
from django.urls import resolve

from .conftest import assert_accessible
from .test_needs_journey import log_out, nok_to_int
from .test_personas import log_in

pytestmark = pytest.mark.e2e

JUSTIFICATION = "Forumet vil gi plass til flere tiltak i regionen – e2e"


def test_envelopes_proposal_override_meeting_and_approval(page, tmp_path):
    # The caseworker splits DeKomp's frame equally between the regions and runs the proposal in rank order.
    log_in(page, "saksbehandler@demo.no")
    page.get_by_role("link", name="Tilskuddsrunde 2027", exact=True).first.click()
    page.get_by_role("link", name="Regionale rammer og forslag for DeKomp").click()
    assert resolve(urlparse(page.url).path).view_name == "allocation:envelopes"
    assert_accessible(page)
    page.get_by_label("Like deler").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sett de regionale rammene").click()
    assert not page.locator("ds-error-summary").count(), page.locator("ds-error-summary").inner_text()
    # The envelopes split the free frame: the frame less what last year's decisions already commit.
    assert page.get_by_test_id("envelope-total").inner_text() == page.get_by_test_id("free-total").inner_text()
    assert nok_to_int(page.get_by_test_id("committed-total").inner_text()) > 0
    assert_accessible(page)
    page.get_by_label("I rangert rekkefølge").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Beregn forslag").click()
    assert resolve(urlparse(page.url).path).view_name == "allocation:workspace"
    assert "I rangert rekkefølge" in page.get_by_test_id("latest-run").inner_text()
    workspace_url = urlparse(page.url).path
    log_out(page)

    # The forum member opens the workspace from the forum's home and lowers one amount, with a justification.
    log_in(page, "forum@demo.no")
    page.get_by_role("link", name="Åpne arbeidsrommet for innstillingen i Tilskuddsrunde 2027").click()
    assert urlparse(page.url).path == workspace_url
    assert_accessible(page)
    before = nok_to_int(page.get_by_test_id("recommended-total").inner_text())
    entry, field, amount = None, None, 0
    for candidate in page.locator("li.app-ranking__entry:not([data-recused])").all():
        field = candidate.locator("input[name$='-amount_2027']")
        if field.count() and int(field.input_value() or 0) >= 10_000:
            entry, amount = candidate, int(field.input_value())
            break
    assert entry is not None, "no funded report the member may change"
    field.fill(str(amount - 10_000))
    entry.get_by_label("Begrunnelse for endringen").fill(JUSTIFICATION)
    with page.expect_navigation():
        entry.get_by_role("button", name=re.compile("Lagre beløpene")).click()
    assert "er endret" in page.content()
    assert JUSTIFICATION in page.get_by_test_id("changes").inner_text()
    assert nok_to_int(page.get_by_test_id("recommended-total").inner_text()) == before - 10_000
    log_out(page)

    # The secretariat records a meeting with consensus; it has no vote form.
    log_in(page, "sekretariat@demo.no")
    page.goto(workspace_url)
    page.get_by_label("Tidspunkt for møtet").fill("2027-04-20T10:00")
    page.get_by_label("Frida Forum (medlem)").check()
    page.get_by_label("Siri Sekretariat (sekretariat)").check()
    page.get_by_label("Konsensus").check()
    page.get_by_label("Referat").fill("Forumet gikk gjennom forslaget og ble enige.")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer møtet").click()
    assert not page.locator("ds-error-summary").count(), page.locator("ds-error-summary").inner_text()
    assert page.get_by_role("button", name="Avgi stemme").count() == 0
    assert_accessible(page)
    log_out(page)

    # The member present votes for; the form tells where a vote goes.
    log_in(page, "forum@demo.no")
    page.goto(workspace_url)
    vote_form = page.locator("form[action*='/stem/']")
    vote_url = vote_form.get_attribute("action")
    vote_form.get_by_label("For", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Avgi stemme").click()
    assert "Stemmen din er registrert." in page.content()
    log_out(page)

    # A vote forged by the secretariat is refused with the reason; then it approves the recommendation.
    log_in(page, "sekretariat@demo.no")
    page.goto(workspace_url)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    forged = page.request.post(vote_url, form={"csrfmiddlewaretoken": token, "choice": "for"})
    assert forged.status == 403
    assert "Statsforvalteren er sekretariat og stemmer ikke" in forged.text()
    with page.expect_navigation():
        page.get_by_role("button", name="Vedta innstillingen").click()
    assert int(page.get_by_test_id("summary-count").get_attribute("data-count")) > 0  # the summary to confirm
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Bekreft: vedta innstillingen").click()
    assert "er vedtatt av forumet" in page.get_by_test_id("recommendation-status").inner_text()
    page_total = nok_to_int(page.get_by_test_id("recommended-total").inner_text())
    frame_total = nok_to_int(page.get_by_test_id("frame-total").inner_text())
    assert 0 < page_total <= frame_total

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Regneark \(xlsx\)")).first.click()
    export = tmp_path / "innstilling.xlsx"
    download_info.value.save_as(export)
    workbook = openpyxl.load_workbook(export, data_only=True)
    lines, totals = workbook.worksheets
    header = [cell.value for cell in lines[1]]
    column = header.index("Innstilt (kr)")
    assert sum(Decimal(str(row[column] or 0)) for row in lines.iter_rows(min_row=2, values_only=True)) == page_total
    total_row = next(row for row in totals.iter_rows(min_row=2, values_only=True) if row[0] == "Sum")
    # Ordning, year, frame, bound by other rounds, recommended, …: the recommendation fits what the frame leaves.
    assert total_row[4] == page_total and total_row[4] <= total_row[2] - total_row[3]
