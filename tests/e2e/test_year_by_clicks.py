"""The demo's open round from open to reported in a real browser, by clicks alone.

Every step starts from the acting persona's home (``/``) and goes on only by links, buttons and forms: no typed
URL but the login page and ``/``, no service call, no ORM. After each step the acting persona's to-do list has
changed (the step's to-do is gone or its count went down) and the next persona's to-do is there where the app has
one. A step whose button is missing fails the test: that is a product bug, not something to work around here."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from dekomp.home.demo.personas import WORKING_GROUP_LEADERS

from .conftest import assert_accessible
from .test_personas import log_in

pytestmark = pytest.mark.e2e

ROUND = "Tilskuddsrunde 2027"
TITLE = "Skriving i alle fag – året med klikk"
OWNER = "eier@demo.no"
OWNER_NAME = "Fredrikstad kommune"
PARTNER = "partner@demo.no"
PARTNER_NAME = "OsloMet – storbyuniversitetet"
ADMIN = "embetsadmin@demo.no"
CASEWORKER = "saksbehandler@demo.no"
SECRETARIAT = "sekretariat@demo.no"
MEMBER = "arbeidsgruppe@demo.no"  # Arne Arbeidsgruppe, Østfold, for Halden kommune
LEADER = "arbeidsgruppeleder@demo.no"  # Lise Leder, Østfold, for Fredrikstad kommune
FORUM_MEMBER = "forum@demo.no"
# The secretariat is a caseworker at the office too: its role menu leads to either home.
OFFICE_ROLE = r"^Saksbehandler · Statsforvalteren"
FORUM_ROLE = r"^Sekretariat for samarbeidsforum · "
SCHEMES = ["DeKomp", "ReKomp", "Kompetanseløftet"]  # the round's schemes, as its page lists them
JOB_TIMEOUT = 180_000  # ms: the worker decides and writes the letters of the whole round


@dataclass
class Actor:
    """One persona's browser context, logged in once and reused for every step it takes."""

    email: str
    page: object

    def home(self, role: str = "") -> None:
        """The persona's home; for someone with several roles, the one named ``role`` (through the role menu)."""
        self.page.goto("/")
        if role and not re.search(role, self.page.get_by_test_id("current-role").locator("span").inner_text()):
            self.page.locator(".app-roles-menu summary").click()
            link = self.page.get_by_role("navigation", name="Dine roller").get_by_role("link", name=re.compile(role))
            expect(link).to_be_visible()
            with self.page.expect_navigation():
                link.click()
            assert re.search(role, self.page.get_by_test_id("current-role").locator("span").inner_text())
        assert self.page.get_by_test_id("todo").is_visible(), f"{self.email} has no to-do list at {self.page.url}"

    def todo(self, role: str = "") -> list[str]:
        """The lines of the home's to-do list, from the home; a line shown as done starts with ``DONE``."""
        self.home(role)
        return (
            self.page.get_by_test_id("todo")
            .locator("li")
            .evaluate_all(
                """els => els.map(el => (el.classList.contains('is-done') ? 'DONE ' : '') + [...el.childNodes]
                .filter(n => !(n.classList && n.classList.contains('ds-sr-only')))
                .map(n => n.textContent).join('').trim())"""
            )
        )

    def follow(self, pattern: str, role: str = "") -> None:
        """From the home, follow the to-do link whose text matches ``pattern`` (a regular expression)."""
        self.home(role)
        click(self.page, self.page.get_by_test_id("todo").get_by_role("link", name=re.compile(pattern)))


@dataclass
class Year:
    """What the steps learn from the pages and pass on (never ids typed into a URL)."""

    files: Path
    actors: dict = field(default_factory=dict)
    decision_reference: str = ""


def view_name(page) -> str:
    return resolve(urlparse(page.url).path).view_name


def nok_to_int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def count_in(lines: list[str], pattern: str) -> int:
    """The count (the pattern's one group) in the one open to-do line matching ``pattern``, 0 when none matches."""
    found = [match for line in lines if not line.startswith("DONE ") and (match := re.search(pattern, line))]
    assert len(found) <= 1, found
    return int(found[0].group(1)) if found else 0


def has(lines: list[str], pattern: str) -> bool:
    return any(re.search(pattern, line) for line in lines)


def click(page, locator) -> None:
    """Click something that loads a new page and check that it did not end on an error summary."""
    with page.expect_navigation():
        locator.click()
    assert not page.locator("ds-error-summary").count(), page.locator("ds-error-summary").inner_text()


# -------------------------------------------------------------------------------------------------- the steps


def owner_writes_a_report(year: Year, actor) -> None:
    owner, partner = actor(OWNER), actor(PARTNER)
    partner_before = partner.todo()
    owner.home()
    page = owner.page
    click(page, page.get_by_role("link", name="Ny behovsmelding"))
    page.get_by_label("Ordning").select_option(label="DeKomp")
    page.get_by_label("Navn på tiltaket").fill(TITLE)
    click(page, page.get_by_role("button", name="Opprett utkast"))
    click(page, page.get_by_role("button", name="Lagre og gå videre"))  # region from the owner's region
    units = page.locator("[data-choices='id_units'] input[type=checkbox]")
    units.nth(0).check()
    units.nth(1).check()
    page.get_by_label("lærere", exact=True).check()
    page.get_by_label("Antall ansatte tiltaket når").fill("40")
    click(page, page.get_by_role("button", name="Lagre og gå videre"))
    page.locator("#id_partnere-0-organisation").select_option(label=PARTNER_NAME)
    page.locator("#id_partnere-0-contact_name").fill("Per Partner")
    page.locator("#id_partnere-0-contact_email").fill(PARTNER)
    click(page, page.get_by_role("button", name="Lagre og gå videre"))
    page.get_by_label("Behov", exact=True).fill("Lærerne vil styrke skrivingen i alle fag.")
    page.get_by_label("Analysen bak behovet").fill("Nasjonale prøver og lærernes kartlegginger.")
    page.get_by_label("Mål", exact=True).fill("Alle lærere bruker skrivestrategier i sine fag.")
    page.get_by_label("Grunnleggende ferdigheter").check()
    page.get_by_label("Lærende nettverk og profesjonelle læringsfellesskap").check()
    page.get_by_label("Hvordan er tiltaket kollektivt og barnehage- eller skolebasert?").fill("Hele personalet.")
    page.get_by_label("Hvordan skal resultatene vurderes?").fill("Kartlegging før og etter.")
    click(page, page.get_by_role("button", name="Lagre og gå videre"))
    page.get_by_label("Hvilken lokal plan bygger tiltaket på?").fill("Kompetanseplan for skolene 2026–2030")
    page.get_by_label("Vi erklærer at de ansatte har vært med på å finne fram til behovet.").check()
    page.get_by_label("Vi erklærer at tillitsvalgte har vært involvert.").check()
    click(page, page.get_by_role("button", name="Lagre og gå videre"))
    page.get_by_label("1", exact=True).check()
    page.get_by_label(f"{OWNER_NAME}, 2027", exact=True).fill("60000")
    page.get_by_label(f"{PARTNER_NAME}, 2027", exact=True).fill("40000")
    page.get_by_label("Egenandel 2027", exact=True).fill("30000")
    page.get_by_label("Form på egenandelen").select_option(label="betalt arbeidstid")
    click(page, page.get_by_role("button", name="Lagre og gå videre"))
    click(page, page.get_by_role("button", name="Gå videre til oppsummering"))
    assert f"Venter på bekreftelse fra partneren {PARTNER_NAME}." in page.content()
    assert_accessible(page)

    assert has(owner.todo(), rf"^«{TITLE}» venter på bekreftelse fra {PARTNER_NAME}\.$")
    partner_after = partner.todo()
    assert not has(partner_before, TITLE)
    assert has(partner_after, rf"^Bekreft eller avslå «{TITLE}» fra {OWNER_NAME}\.$")


def partner_confirms(year: Year, actor) -> None:
    partner = actor(PARTNER)
    page = partner.page
    partner.follow(rf"^Bekreft eller avslå «{TITLE}»")
    assert view_name(page) == "needs:detail"
    assert_accessible(page)
    click(page, page.get_by_role("button", name="Bekreft at vi er med"))
    assert "Dere har bekreftet behovsmeldingen." in page.content()

    assert not has(partner.todo(), TITLE)
    assert has(actor(OWNER).todo(), rf"^«{TITLE}» er et utkast\. Gjør det ferdig og send inn\.$")


def owner_submits(year: Year, actor) -> None:
    owner, caseworker = actor(OWNER), actor(CASEWORKER)
    waiting_before = count_in(caseworker.todo(), rf"^(\d+) behovsmelding(?:er)? venter på formell kontroll i {ROUND}")
    page = owner.page
    owner.follow(rf"^«{TITLE}» er et utkast")
    click(page, page.get_by_role("link", name="Gå til innsending"))
    page.get_by_label("Vi erklærer at opplysningene er riktige", exact=False).check()
    click(page, page.get_by_test_id("submit-button"))
    assert view_name(page) == "needs:receipt"
    assert_accessible(page)

    assert not has(owner.todo(), TITLE)
    waiting_after = count_in(caseworker.todo(), rf"^(\d+) behovsmelding(?:er)? venter på formell kontroll i {ROUND}")
    assert waiting_after == waiting_before + 1


def round_status_in(lines: list[str]) -> str:
    """The round's status as the office admin's to-do line to move it on names it."""
    found = [m.group(1) for line in lines if (m := re.search(rf"^{ROUND} har status «(.+)»\. Flytt runden", line))]
    assert len(found) == 1, lines
    return found[0]


def move_round(actor, *, to: str, reason: str = "") -> set[str]:
    """The office admin moves the round on from its to-do, through the page that lists what is not done (the codes
    of what it lists are returned)."""
    admin = actor(ADMIN)
    before = round_status_in(admin.todo())
    page = admin.page
    admin.follow(rf"^{ROUND} har status «")
    assert view_name(page) == "schemes:round_detail"
    click(page, page.get_by_role("link", name=f"Sett status til «{to}»"))
    assert view_name(page) == "schemes:round_transition"
    assert_accessible(page)
    outstanding = set(
        page.get_by_test_id("outstanding")
        .locator("li[data-code]")
        .evaluate_all("els => els.map(el => el.dataset.code)")
    )
    confirm = page.get_by_role("button", name=f"Bekreft: sett status til «{to}»")
    if reason:
        # Before the deadline the move needs a reason: without one the page says so and nothing moves.
        with page.expect_navigation():
            confirm.click()
        expect(page.locator("ds-error-summary")).to_be_visible()
        page.get_by_label("Begrunnelse").fill(reason)
    click(page, confirm)
    assert view_name(page) == "schemes:round_detail"
    expect(page.get_by_test_id("round-status")).to_have_text(to[0].upper() + to[1:])

    assert before != to
    assert round_status_in(admin.todo()) == to
    return outstanding


def admin_closes_the_round(year: Year, actor) -> None:
    owner = actor(OWNER)
    assert has(owner.todo(), rf"^{ROUND}: frist for å sende inn er ")
    outstanding = move_round(actor, to="lukket", reason="Alle eierne har sendt inn det de skal i år – e2e.")
    assert {"before_deadline", "drafts"} <= outstanding

    # The owner is told the round is no longer open, and cannot start a new report.
    lines = owner.todo()
    assert not has(lines, rf"^{ROUND}: frist for å sende inn er ")
    assert has(lines, r"^DONE Ingen tilskuddsrunde er åpen for behovsmeldinger nå\.$")
    assert not owner.page.get_by_role("link", name="Ny behovsmelding").count()


def caseworker_checks_the_reports(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    waiting = count_in(caseworker.todo(), rf"^(\d+) behovsmelding(?:er)? venter på formell kontroll i {ROUND}")
    assert waiting > 1
    page = caseworker.page
    caseworker.follow(rf"behovsmeldinger venter på formell kontroll i {ROUND}")
    assert view_name(page) == "needs:round_list"
    expect(page.get_by_role("status").first).to_contain_text(f"{waiting} behovsmeldinger passer med filtrene.")
    assert_accessible(page)
    page.get_by_label("Velg alle på denne siden").check()
    page.get_by_role("button", name=f"Velg alle {waiting} som passer filteret").click()
    click(page, page.get_by_role("button", name="Godkjenn formell kontroll"))
    assert view_name(page) == "needs:round_list"  # the confirmation page, at the list's address
    expect(page.get_by_test_id("confirm-heading")).to_contain_text(f"Kontroller {waiting} behovsmeldinger")
    assert_accessible(page)
    click(page, page.get_by_role("button", name=f"Bekreft formell kontroll av {waiting} behovsmeldinger"))

    lines = caseworker.todo()
    assert count_in(lines, rf"^(\d+) behovsmelding(?:er)? venter på formell kontroll i {ROUND}") == 0
    assert has(lines, rf"^DONE Ingen behovsmeldinger venter på formell kontroll i {ROUND}\.$")


def admin_moves_to_assessment(year: Year, actor) -> None:
    assert "unchecked" not in move_round(actor, to="vurdering i arbeidsgruppene")
    assert count_in(actor(LEADER).todo(), rf"^Prioriter (\d+) behovsmelding(?:er)? i {ROUND}") > 0


def member_moves_the_report_to_the_top(actor) -> None:
    """The Østfold leader speaks for Fredrikstad kommune and is recused from its report: a member moves it up."""
    member = actor(MEMBER)
    page = member.page
    member.follow(rf"^Prioriter \d+ behovsmeldinger i {ROUND}")
    assert view_name(page) == "assessment:board"
    entry = page.get_by_test_id("entry").filter(has_text=TITLE)
    count = page.get_by_test_id("entry").count()
    entry.get_by_label(re.compile("^Ny plass")).fill("1")
    entry.get_by_role("button", name=re.compile("^Flytt til plass")).click()  # htmx swaps the list in place
    expect(page.get_by_test_id("live-region")).to_contain_text(f"«{TITLE}» er flyttet til plass 1 av {count}.")
    assert_accessible(page)
    member.follow(rf"^Prioriter \d+ behovsmeldinger i {ROUND}")
    expect(page.get_by_test_id("entry").first).to_contain_text(TITLE)


def working_groups_rank(year: Year, actor) -> None:
    """A member moves the new report to the top; every working group's leader then sends the ranking to the forum
    as the board orders it (the 235 reports are ranked by the demo already)."""
    member_moves_the_report_to_the_top(actor)
    leaders = [LEADER, *WORKING_GROUP_LEADERS.values()]
    for number, email in enumerate(leaders, start=1):
        leader = actor(email)
        page = leader.page
        before = leader.todo()
        assert count_in(before, rf"^Prioriter (\d+) behovsmelding(?:er)? i {ROUND}") > 0
        leader.follow(rf"^Prioriter \d+ behovsmelding(?:er)? i {ROUND}")
        assert view_name(page) == "assessment:board"
        if number == 1:
            assert_accessible(page)
        click(page, page.get_by_role("button", name="Send prioriteringen til forumet"))
        expect(page.get_by_test_id("live-region")).to_contain_text("Prioriteringen er sendt til forumet.")
        expect(page.get_by_test_id("ranking-status")).to_contain_text("Prioriteringen er låst.")

        after = leader.todo()
        assert not has(after, rf"^Prioriter \d+ behovsmelding(?:er)? i {ROUND}")
        assert has(after, rf"^DONE Prioriteringen i {ROUND} er sendt til forumet\.$")
        # The forum's home counts the rankings sent.
        done = "DONE " if number == len(leaders) else ""
        assert has(actor(FORUM_MEMBER).todo(), rf"^{done}{ROUND}: {number} av {len(leaders)} arbeidsgrupper har sendt")
    assert not has(actor(MEMBER).todo(), rf"^Prioriter \d+ behovsmelding(?:er)? i {ROUND}")


def admin_moves_to_recommendation(year: Year, actor) -> None:
    assert "ranking_missing" not in move_round(actor, to="innstilling i forumet")


def set_envelopes_and_run_the_solver(secretariat: Actor, scheme: str) -> None:
    """As the office's caseworker: equal envelopes for the scheme, then the proposal in rank order."""
    page = secretariat.page
    secretariat.home(role=OFFICE_ROLE)
    click(page, page.locator("main").get_by_role("link", name=ROUND, exact=True))
    click(page, page.get_by_role("link", name=f"Regionale rammer og forslag for {scheme}"))
    assert view_name(page) == "allocation:envelopes"
    page.get_by_label("Like deler").check()
    click(page, page.get_by_role("button", name="Sett de regionale rammene"))
    expect(page.get_by_test_id("envelope-total")).to_have_text(page.get_by_test_id("free-total").inner_text())
    if scheme == SCHEMES[0]:
        assert_accessible(page)
    page.get_by_label("I rangert rekkefølge").check()
    click(page, page.get_by_role("button", name="Beregn forslag"))
    assert view_name(page) == "allocation:workspace"
    block = page.locator("section", has=page.get_by_role("heading", name=scheme, exact=True))
    expect(block.get_by_test_id("latest-run")).to_contain_text("I rangert rekkefølge")


def secretariat_makes_the_recommendation(year: Year, actor) -> None:
    secretariat = actor(SECRETARIAT)
    page = secretariat.page
    forum_before = secretariat.todo(role=FORUM_ROLE)
    for scheme in SCHEMES:
        set_envelopes_and_run_the_solver(secretariat, scheme)
    # The report the member moved to the top of Østfold's ranking is proposed in full.
    entry = page.locator("li.app-ranking__entry", has_text=TITLE)
    assert nok_to_int(entry.get_by_test_id("recommended").inner_text()) == 100_000

    # As the forum's secretariat: the meeting, by consensus, and the approval.
    secretariat.follow(rf"^{ROUND}: neste møte i forumet er ", role=FORUM_ROLE)
    assert view_name(page) == "allocation:workspace"
    assert_accessible(page)
    page.get_by_label("Tidspunkt for møtet").fill("2027-04-20T10:00")
    page.get_by_label("Frida Forum (medlem)").check()
    page.get_by_label("Fredrik Forumleder (leder)").check()
    page.get_by_label("Siri Sekretariat (sekretariat)").check()
    page.get_by_label("Konsensus").check()
    page.get_by_label("Referat").fill("Forumet gikk gjennom forslaget og ble enige – e2e.")
    click(page, page.get_by_role("button", name="Registrer møtet"))
    click(page, page.get_by_role("button", name="Vedta innstillingen"))
    assert view_name(page) == "allocation:approve"  # a summary of what is approved, to confirm
    assert_accessible(page)
    click(page, page.get_by_role("button", name="Bekreft: vedta innstillingen"))
    assert view_name(page) == "allocation:workspace"
    expect(page.get_by_test_id("recommendation-status")).to_contain_text("er vedtatt av forumet")
    assert_accessible(page)

    assert has(forum_before, rf"^{ROUND}: neste møte i forumet er ")
    forum_after = secretariat.todo(role=FORUM_ROLE)
    assert not has(forum_after, rf"^{ROUND}: neste møte i forumet er ")
    assert has(forum_after, rf"^DONE {ROUND}: forumet har vedtatt innstillingen \(versjon 1\)\.$")
    assert has(actor(CASEWORKER).todo(), rf"^{ROUND}: innstillingen er godkjent\. Forbered vedtakene\.$")


def wait_for_the_job(page) -> None:
    """On a job's page: it updates itself until the worker has done every item, with nothing failed."""
    assert view_name(page) == "jobs:detail"
    job = page.get_by_test_id("job")
    expect(job).to_have_attribute("data-status", "ferdig", timeout=JOB_TIMEOUT)
    done = page.get_by_test_id("job-done")
    assert done.get_attribute("data-done") == done.get_attribute("data-total")
    assert not page.get_by_test_id("job-failures").count()
    assert_accessible(page)


def round_money_link(page, name: str):
    """The office home's link named ``name`` ("vedtak", "rapporter") for the round."""
    return page.locator("main li", has_text=f"{ROUND}:").get_by_role("link", name=name, exact=True)


def caseworker_prepares_the_decisions(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    page = caseworker.page
    caseworker.follow(rf"^{ROUND}: innstillingen er godkjent\. Forbered vedtakene\.$")
    assert view_name(page) == "decisions:round"
    click(page, page.get_by_role("button", name="Forbered vedtak fra innstillingen"))
    row = page.get_by_test_id("decisions").locator("tbody tr", has_text=TITLE)
    year.decision_reference = row.get_by_role("link").first.inner_text()
    assert "Utkast" in row.inner_text()
    assert_accessible(page)

    lines = caseworker.todo()
    assert not has(lines, rf"^{ROUND}: innstillingen er godkjent")
    assert count_in(lines, rf"^{ROUND}: (\d+) vedtak er klar[te] til å gjennomgås og fattes\.$") > 0


def caseworker_decides(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    page = caseworker.page
    drafts = count_in(caseworker.todo(), rf"^{ROUND}: (\d+) vedtak er klar[te] til å gjennomgås og fattes\.$")
    caseworker.follow(rf"^{ROUND}: \d+ vedtak er klar[te] til å gjennomgås og fattes\.$")
    assert view_name(page) == "decisions:round"
    click(page, page.get_by_test_id("decide"))
    assert view_name(page) == "decisions:decide"
    assert page.get_by_test_id("summary-count").get_attribute("data-count") == str(drafts)
    assert_accessible(page)
    click(page, page.get_by_role("button", name=f"Bekreft: fatt {drafts} vedtak"))
    wait_for_the_job(page)

    lines = caseworker.todo()
    assert count_in(lines, rf"^{ROUND}: (\d+) vedtak er klar[te] til å gjennomgås og fattes\.$") == 0
    assert count_in(lines, rf"^{ROUND}: send vedtaksbrev(?:et|ene) for (\d+) vedtak\.$") == drafts


def caseworker_sends_the_letters(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    page = caseworker.page
    decided = count_in(caseworker.todo(), rf"^{ROUND}: send vedtaksbrev(?:et|ene) for (\d+) vedtak\.$")
    caseworker.home()
    click(page, round_money_link(page, "vedtak"))
    assert view_name(page) == "decisions:round"
    click(page, page.get_by_role("link", name="Lag og send vedtaksbrevene"))
    assert view_name(page) == "decisions:letters_send"
    assert page.get_by_test_id("summary-count").get_attribute("data-count") == str(decided)
    assert_accessible(page)
    click(page, page.get_by_role("button", name=f"Bekreft: send {decided} vedtaksbrev"))
    wait_for_the_job(page)

    assert not has(caseworker.todo(), rf"^{ROUND}: send vedtaksbrev")
    assert has(actor(OWNER).todo(), rf"^Aksepter vilkårene i vedtaket om «{TITLE}» \({year.decision_reference}\)\.$")


def owner_accepts_the_terms(year: Year, actor) -> None:
    owner = actor(OWNER)
    page = owner.page
    owner.follow(rf"^Aksepter vilkårene i vedtaket om «{TITLE}»")
    assert view_name(page) == "decisions:accept"
    assert_accessible(page)
    page.locator("#id_confirm").check()
    click(page, page.get_by_test_id("accept-button"))
    assert view_name(page) == "decisions:detail"
    expect(page.get_by_test_id("accept-state")).to_contain_text("Eva Eiersen")

    lines = owner.todo()
    assert not has(lines, rf"^Aksepter vilkårene i vedtaket om «{TITLE}»")
    assert has(lines, rf"^Send inn rapporten for 2027 om «{TITLE}» innen ")


def caseworker_pays_out(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    page = caseworker.page
    ready = r"^Budsjettår 2027: (\d+) vedtatte? beløp er klar[te] til utbetaling\.$"
    before = count_in(caseworker.todo(), ready)
    assert before > 0
    caseworker.follow(ready)
    assert view_name(page) == "payouts:index"
    page.get_by_role("combobox", name="Budsjettår").select_option(label="2027")
    page.get_by_label("eiere", exact=True).check()
    click(page, page.get_by_role("button", name="Lag bunken"))
    assert view_name(page) == "payouts:batch"
    batch = page.get_by_role("heading", level=1).inner_text().removeprefix("Utbetalingsbunke ")
    payouts = page.get_by_test_id("payouts")
    expect(payouts.locator("tbody tr", has_text=year.decision_reference)).to_contain_text(OWNER_NAME)
    included = payouts.locator("tbody tr").count()
    assert_accessible(page)
    lines = caseworker.todo()
    assert count_in(lines, ready) == before - included  # the partners' amounts wait for their own batch
    assert_accessible(page)  # the home
    assert has(lines, rf"^Utbetalingsbunke {batch} er laget\. Eksporter den til økonomisystemet\.$")

    # Exporting locks the batch: it is confirmed on a page of its own, then the file is there to download.
    caseworker.follow(rf"^Utbetalingsbunke {batch} er laget")
    assert view_name(page) == "payouts:batch"
    click(page, page.get_by_role("link", name="Eksporter bunken til økonomisystemet"))
    assert view_name(page) == "payouts:export_confirm"
    assert page.get_by_test_id("summary-count").get_attribute("data-count") == str(included)
    click(page, page.get_by_role("button", name="Bekreft: eksporter og lås bunken"))
    assert view_name(page) == "payouts:batch"
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned fil til økonomisystemet (Excel)").click()
    download.value.save_as(year.files / "utbetaling.xlsx")
    assert (year.files / "utbetaling.xlsx").read_bytes().startswith(b"PK")
    lines = caseworker.todo()
    assert not has(lines, rf"^Utbetalingsbunke {batch} er laget")
    assert has(lines, rf"^Utbetalingsbunke {batch} er eksportert\. Marker den som utbetalt")

    caseworker.follow(rf"^Utbetalingsbunke {batch} er eksportert")
    click(page, page.get_by_role("link", name="Marker som utbetalt"))
    assert view_name(page) == "payouts:mark_paid"
    assert_accessible(page)
    click(page, page.get_by_role("button", name="Bekreft: marker som utbetalt"))
    expect(page.get_by_test_id("batch-status")).to_have_text("Utbetalt")
    assert not has(caseworker.todo(), rf"^Utbetalingsbunke {batch} ")


def owner_reports(year: Year, actor) -> None:
    owner, caseworker = actor(OWNER), actor(CASEWORKER)
    waiting = count_in(caseworker.todo(), rf"^{ROUND}: (\d+) rapport(?:er)? venter på oppfølging\.$")
    page = owner.page
    owner.follow(rf"^Send inn rapporten for 2027 om «{TITLE}» innen ")
    assert view_name(page) == "reporting:edit"
    assert_accessible(page)
    page.get_by_label("Hva ble gjort?").fill("Fire samlinger om skriving i fagene, med veiledning mellom samlingene.")
    page.locator("[data-choices='id_units_reached'] input[type=checkbox]").first.check()
    page.get_by_label("Antall deltakere").fill("40")
    page.get_by_label("Måloppnåelse").fill("Lærerne bruker skrivestrategier i alle fag.")
    page.get_by_label("Brukt beløp (kr)").fill("60000")
    page.get_by_label("Dokumentert egenandel (kr)").fill("30000")
    click(page, page.get_by_role("button", name="Send inn rapporten"))
    assert view_name(page) == "reporting:detail"

    assert not has(owner.todo(), rf"rapporten for 2027 om «{TITLE}»")
    assert count_in(caseworker.todo(), rf"^{ROUND}: (\d+) rapport(?:er)? venter på oppfølging\.$") == waiting + 1


def caseworker_approves_the_report(year: Year, actor) -> None:
    caseworker = actor(CASEWORKER)
    page = caseworker.page
    caseworker.follow(rf"^{ROUND}: \d+ rapport(?:er)? venter på oppfølging\.$")
    assert view_name(page) == "reporting:list"
    click(page, page.get_by_role("link", name=year.decision_reference).first)
    assert view_name(page) == "reporting:detail"
    assert_accessible(page)
    page.locator("#id_approve-comment").fill("Takk for rapporten – e2e.")
    click(page, page.get_by_role("button", name="Godkjenn rapporten"))
    assert page.locator("dt:text-is('Status') + dd").inner_text() == "Godkjent"

    assert not has(caseworker.todo(), rf"^{ROUND}: \d+ rapport(?:er)? venter på oppfølging")
    owner = actor(OWNER)
    owner.home()
    expect(owner.page.get_by_test_id("recipient-reports")).to_contain_text("1 godkjent")


STEPS = [
    owner_writes_a_report,
    partner_confirms,
    owner_submits,
    admin_closes_the_round,
    caseworker_checks_the_reports,
    admin_moves_to_assessment,
    working_groups_rank,
    admin_moves_to_recommendation,
    secretariat_makes_the_recommendation,
    caseworker_prepares_the_decisions,
    caseworker_decides,
    caseworker_sends_the_letters,
    owner_accepts_the_terms,
    caseworker_pays_out,
    owner_reports,
    caseworker_approves_the_report,
]


def test_the_open_round_from_open_to_reported_by_clicks_alone(browser, own_live_server_url, tmp_path):
    """The whole year on a demo of its own: the shared server's tests need the round open (and change it)."""
    contexts = []
    year = Year(files=tmp_path)

    def actor(email: str) -> Actor:
        if email not in year.actors:
            context = browser.new_context(base_url=own_live_server_url, locale="nb-NO")
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(20_000)
            log_in(page, email)
            year.actors[email] = Actor(email, page)
        return year.actors[email]

    try:
        for step in STEPS:
            step(year, actor)
    finally:
        for context in contexts:
            context.close()
