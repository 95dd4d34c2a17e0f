"""The needs report's journey in a real browser: an owner writes a three-year DeKomp report with two schools and
OsloMet; OsloMet confirms; the owner submits and downloads the receipt; the caseworker returns it; the owner fixes
and resubmits; the caseworker approves the formal check and exports the list, whose totals match the page."""

import re
from decimal import Decimal
from urllib.parse import urlparse

import openpyxl
import pytest
from django.urls import resolve
from playwright.sync_api import expect

from .conftest import assert_accessible
from .test_personas import log_in

pytestmark = pytest.mark.e2e

TITLE = "Lesing i alle fag – e2e"


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre og gå videre").click()
    assert not page.locator("ds-error-summary").count(), page.locator("ds-error-summary").inner_text()


def nok_to_int(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit() or ch == "\u2212").replace("\u2212", "-"))


def test_owner_partner_and_caseworker_take_a_report_through_its_journey(page, tmp_path):
    # The owner writes the report, step by step.
    log_in(page, "eier@demo.no")
    page.get_by_role("link", name="Ny behovsmelding").click()
    page.get_by_label("Ordning").select_option(label="DeKomp")
    page.get_by_label("Navn på tiltaket").fill(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Opprett utkast").click()
    assert_accessible(page)
    save_and_continue(page)  # tiltak og eiere: region chosen from the owner's region

    units = page.locator("[data-choices='id_units'] input[type=checkbox]")
    units.nth(0).check()
    units.nth(1).check()
    page.get_by_label("lærere", exact=True).check()
    page.get_by_label("Antall ansatte tiltaket når").fill("60")
    assert_accessible(page)
    save_and_continue(page)

    page.locator("#id_partnere-0-organisation").select_option(label="OsloMet – storbyuniversitetet")
    page.locator("#id_partnere-0-contact_name").fill("Per Partner")
    page.locator("#id_partnere-0-contact_email").fill("partner@demo.no")
    assert_accessible(page)
    save_and_continue(page)

    page.get_by_label("Behov", exact=True).fill("Lærerne ønsker å styrke lesingen i alle fag.")
    page.get_by_label("Analysen bak behovet").fill("Nasjonale prøver og lærernes egne kartlegginger.")
    page.get_by_label("Mål", exact=True).fill("Alle lærere bruker lesestrategier i sine fag.")
    page.get_by_label("Grunnleggende ferdigheter").check()
    page.get_by_label("Lærende nettverk og profesjonelle læringsfellesskap").check()
    page.get_by_label("Hvordan er tiltaket kollektivt og barnehage- eller skolebasert?").fill("Hele personalet.")
    page.get_by_label("Hvordan skal resultatene vurderes?").fill("Kartlegging før og etter.")
    assert_accessible(page)
    save_and_continue(page)

    page.get_by_label("Hvilken lokal plan bygger tiltaket på?").fill("Kompetanseplan for skolene 2026–2030")
    page.get_by_label("Vi erklærer at de ansatte har vært med på å finne fram til behovet.").check()
    page.get_by_label("Vi erklærer at tillitsvalgte har vært involvert.").check()
    save_and_continue(page)

    page.get_by_label("3", exact=True).check()
    # The live hint rounds as the server does: 30 % of 100 001 kr is 30 000,30, so at least 30 001 kr.
    page.get_by_label("Fredrikstad kommune, 2027", exact=True).fill("60 001")
    page.get_by_label("OsloMet – storbyuniversitetet, 2027", exact=True).fill("40000")
    hint = page.locator("#id_egenandel_2027_hint")
    expect(hint).to_have_text(re.compile(r"^Egenandel må være minst 30\s001\skr \(30 % av 100\s001\skr\)\.$"))
    assert hint.get_attribute("aria-live") == "polite"
    # One krone short: the step itself says so, on the field, and keeps what was typed.
    page.get_by_label("Egenandel 2027", exact=True).fill("30000")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre og gå videre").click()
    summary = page.locator("ds-error-summary")
    expect(summary.locator('a[href="#id_egenandel_2027"]')).to_contain_text(re.compile(r"minst 30\s001\skr"))
    assert page.get_by_label("Egenandel 2027", exact=True).input_value() == "30000"
    assert page.get_by_label("Fredrikstad kommune, 2027", exact=True).input_value() == "60 001"
    assert_accessible(page)
    for year in (2027, 2028, 2029):
        page.get_by_label(f"Fredrikstad kommune, {year}", exact=True).fill("200000")
        page.get_by_label(f"OsloMet – storbyuniversitetet, {year}", exact=True).fill("300000")
        page.get_by_label(f"Egenandel {year}", exact=True).fill("150000")
    page.get_by_label("Form på egenandelen").select_option(label="betalt arbeidstid")
    assert_accessible(page)
    save_and_continue(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Gå videre til oppsummering").click()
    assert "Venter på bekreftelse fra partneren OsloMet – storbyuniversitetet." in page.content()
    assert_accessible(page)
    log_out(page)

    # OsloMet confirms from its home's to-do list.
    log_in(page, "partner@demo.no")
    page.get_by_role("link", name=f"Bekreft eller avslå «{TITLE}» fra Fredrikstad kommune.").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Bekreft at vi er med").click()
    assert "Dere har bekreftet behovsmeldingen." in page.content()
    log_out(page)

    # The owner submits and downloads the receipt.
    log_in(page, "eier@demo.no")
    page.get_by_role("link", name=f"«{TITLE}» er et utkast. Gjør det ferdig og send inn.").click()
    page.get_by_role("link", name="Gå til innsending").click()
    page.get_by_label("Vi erklærer at opplysningene er riktige", exact=False).check()
    with page.expect_navigation():
        page.get_by_test_id("submit-button").click()
    assert resolve(urlparse(page.url).path).view_name == "needs:receipt"
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned kvittering (PDF)").click()
    pdf = tmp_path / "kvittering.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    report_url = page.get_by_role("link", name="Se behovsmeldingen").get_attribute("href")
    log_out(page)

    # The caseworker returns it.
    log_in(page, "saksbehandler@demo.no")
    page.goto(report_url)
    assert_accessible(page)
    page.get_by_label("Hva må eieren endre?").fill("Beskriv vurderingen nærmere.")
    with page.expect_navigation():
        page.get_by_role("button", name="Returner for endringer").click()
    assert page.get_by_test_id("status").inner_text() == "Returnert for endringer"
    log_out(page)

    # The owner fixes and resubmits.
    log_in(page, "eier@demo.no")
    page.goto(report_url)
    assert "Beskriv vurderingen nærmere." in page.content()
    page.get_by_role("link", name="Rediger").click()
    page.get_by_role("link", name="Behov, mål og innhold").click()
    page.get_by_label("Hvordan skal resultatene vurderes?").fill("Kartlegging før og etter, og intervjuer.")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_role("link", name="Oppsummering og innsending").click()
    page.get_by_label("Vi erklærer at opplysningene er riktige", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send inn på nytt").click()
    assert "versjon 2" in page.content()
    log_out(page)

    # The caseworker approves the formal check and exports the list.
    log_in(page, "saksbehandler@demo.no")
    page.goto(report_url)
    page.get_by_role("link", name="Se endringer mellom versjonene").click()
    assert "Vurdering av resultatene" in page.content()
    assert_accessible(page)
    page.goto(report_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Godkjenn formell kontroll").click()
    assert page.get_by_test_id("status").inner_text() == "Formelt kontrollert"
    page.goto("/")
    page.get_by_role("link", name="Behovsmeldinger i Tilskuddsrunde 2027").click()
    assert_accessible(page)
    page.get_by_label("Søk", exact=False).first.fill(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    page_total = nok_to_int(page.get_by_test_id("grand-total").inner_text())
    assert page_total == 1_500_000
    # The worker makes the file; its job page updates itself (htmx) and offers it when it is ready.
    with page.expect_navigation():
        page.get_by_role("button", name="Last ned som regneark (xlsx): behovsmeldinger og budsjettposter").click()
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "ferdig", timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_test_id("job-file").click()
    export = tmp_path / "behovsmeldinger.xlsx"  # openpyxl judges the format by the file name
    download_info.value.save_as(export)
    workbook = openpyxl.load_workbook(export, data_only=True)
    sheets = workbook.worksheets
    header = [cell.value for cell in sheets[0][1]]
    total_column = next(i for i, name in enumerate(header) if str(name).lower().startswith("søkt"))
    report_total = sum(Decimal(str(row[total_column] or 0)) for row in sheets[0].iter_rows(min_row=2, values_only=True))
    assert report_total == page_total
    line_header = [cell.value for cell in sheets[1][1]]
    amount_column = next(i for i, name in enumerate(line_header) if str(name).lower().startswith("beløp"))
    assert (
        sum(Decimal(str(row[amount_column] or 0)) for row in sheets[1].iter_rows(min_row=2, values_only=True))
        == page_total
    )
