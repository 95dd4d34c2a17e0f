"""The decision letter PDF: in the owner's written standard, with amounts, conditions and the appeal section; a
tagged PDF/A-3u that renders to PNG pages with pdftoppm."""

import io
import shutil
import struct
import subprocess
import uuid
from datetime import date

import pypdf
import pytest

from dekomp.decisions import letters
from dekomp.decisions.models import Decision, DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def text_of(pdf: bytes) -> str:
    """Every page's text with the whitespace (line breaks, non-breaking spaces) collapsed to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def send_one(world, *, malform: str, outcome: str = Outcome.GRANTED, **changes) -> Decision:
    """One decided decision for Fredrikstad (and OsloMet) with its letter sent through the service."""
    world.owner_org.malform = malform
    world.owner_org.street_address = "Postboks 1405"
    world.owner_org.postal_code = "1602"
    world.owner_org.postal_place = "Fredrikstad"
    world.owner_org.save()
    decision = decided(world, 1, status=DecisionStatus.DECIDED, outcome=outcome)[0]
    Decision.objects.filter(pk=decision.pk).update(
        considerations="Tiltaket er godt forankra i planen til kommunen.", **changes
    )
    letters.letters_send(by=world.users["caseworker"], decisions=[decision], token=uuid.uuid4())
    decision.refresh_from_db()
    return decision


def test_nynorsk_letter_has_the_appeal_section_in_nynorsk_and_renders_to_png(world, tmp_path):
    decision = send_one(world, malform="nn")
    assert decision.letter_language == "nn"
    pdf = decision.letter.read()
    text = text_of(pdf)

    # The appeal and the right to see the documents, in nynorsk.
    for phrase in [
        "Du kan klage på vedtaket",
        "Klagefristen er tre veker frå du fekk dette brevet (forvaltningslova §§ 28 og 29)",
        "Klaga skal sendast til Statsforvaltaren, som sender ho vidare til Utdanningsdirektoratet",
        "Utdanningsdirektoratet er klageinstans",
        "Du har rett til å sjå dokumenta i saka (forvaltningslova § 18)",
    ]:
        assert phrase in text, phrase
    # …and the rest of the letter too: title, legal basis, office, conditions.
    for phrase in [
        "Vedtak om tilskot",
        "Statsforvaltaren i Østfold, Buskerud, Oslo og Akershus",
        "Tilskotet er gitt etter Retningslinjer for tilskotsordning for lokal kompetanseutvikling i barnehage og skule",
        "fastsett av Kunnskapsdepartementet, og forvaltningslova",
        "Vilkår for tilskotet",
        # The base stated both ways: of the amount granted, and in the report of the money used.
        "ein eigendel på minst 30 prosent av beløpet som er innvilga",
        "der han må vere minst 30 prosent av det som er brukt av tilskotet",
        "Kvar mottakar skal levere rapport",
        "kan bli kravde tilbakebetalte",
        "Aksept av vilkåra",
        "Med helsing",
        "Tiltaket er godt forankra i planen til kommunen.",
    ]:
        assert phrase in text, phrase
    # Not the bokmål wording.
    for phrase in ["Klagefristen er tre uker", "forvaltningsloven", "Vedtak om tilskudd", "Statsforvalteren i"]:
        assert phrase not in text, phrase

    # pdftoppm turns every page into a PNG (poppler-utils is a system package of the project).
    assert shutil.which("pdftoppm"), "pdftoppm is missing: run scripts/system-packages.sh (poppler-utils)"
    path = tmp_path / "vedtak.pdf"
    path.write_bytes(pdf)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "side")], check=True, timeout=60)  # noqa: S603, S607
    images = sorted(tmp_path.glob("side-*.png"))
    assert len(images) == pages >= 2
    for image in images:
        data = image.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) in {(413, 585), (414, 585), (413, 584), (414, 584)}  # A4 at 50 dpi
        assert len(data) > 5_000  # not a blank page


def test_bokmal_letter_has_the_bokmal_text(world):
    decision = send_one(world, malform="nb")
    assert decision.letter_language == "nb"
    text = text_of(decision.letter.read())
    for phrase in [
        "Vedtak om tilskudd",
        "Statsforvalteren i Østfold, Buskerud, Oslo og Akershus",
        "Tilskuddet er gitt etter Retningslinjer for tilskuddsordning for lokal kompetanseutvikling i barnehage og "
        "skole (desentralisert ordning, kompetanseløftet for spesialpedagogikk og inkluderende praksis og regional "
        "ordning for barnehage), fastsatt av Kunnskapsdepartementet, og forvaltningsloven.",
        "Klagefristen er tre uker fra du mottok dette brevet (forvaltningsloven §§ 28 og 29)",
        "Klagen skal sendes til Statsforvalteren, som sender den videre til Utdanningsdirektoratet",
        "Du har rett til å se dokumentene i saken (forvaltningsloven § 18)",
        "en egenandel på minst 30 prosent av beløpet som er innvilget",
        "der den må være minst 30 prosent av det som er brukt av tilskuddet",
        "Med hilsen",
    ]:
        assert phrase in text, phrase
    for phrase in ["tre veker", "forvaltningslova", "tilskot"]:
        assert phrase not in text, phrase


def test_letter_states_the_amounts_per_recipient_and_year_and_the_conditions(world):
    world.partner_org.email = "post@oslomet.example"
    world.partner_org.save()
    decision = send_one(world, malform="nb")
    decision.report.round.reporting_deadline = date(2028, 2, 1)
    decision.report.round.save()
    decision = letters.decisions_for_letters().get(pk=decision.pk)
    text = text_of(letters.letter_pdf(decision))
    # Addressee, copy and references.
    assert "Fredrikstad kommune Postboks 1405 1602 Fredrikstad" in text
    assert f"Org.nr. {world.owner_org.orgnr[:3]} {world.owner_org.orgnr[3:6]} {world.owner_org.orgnr[6:]}" in text
    assert "Kopi til: OsloMet" in text
    assert "Vår referanse V2027-0100" in text and "behovsmelding 2027-0100" in text
    # The amounts table: a row per recipient, a column per budget year, totals.
    assert "Tilskudd per mottaker og budsjettår Mottaker 2027 2028 Sum" in text
    assert "Fredrikstad kommune Org.nr." in text
    assert "100 000 kr 100 000 kr 200 000 kr" in text
    assert "50 000 kr 50 000 kr 100 000 kr" in text
    assert "Sum 150 000 kr 150 000 kr 300 000 kr" in text
    # The facts: what was asked for and what the forum recommended.
    assert "Søkt beløp 300 000 kr" in text
    assert "Samarbeidsforumets innstilling 300 000 kr (Samarbeidsforum A" in text
    # Conditions: egenandel per year, reporting deadlines the same date in the following years.
    assert "minst 45 000 kr for 2027, 45 000 kr for 2028, til sammen 90 000 kr" in text
    assert "for 2027 innen 1. februar 2028, for 2028 innen 1. februar 2029" in text
    assert "Rapporten skal vise hva som er gjort i tiltaket" in text
    assert "ubrukte midler overføres til neste budsjettår" in text


def test_letter_is_a_tagged_pdf_a_3u_with_language_and_title(world):
    decision = send_one(world, malform="nn")
    reader = pypdf.PdfReader(io.BytesIO(decision.letter.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert root["/Lang"] == "nn"
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert reader.metadata.title == "Vedtak V2027-0100 – Tiltak 1"
    assert reader.metadata.author == "Statsforvaltaren i Østfold, Buskerud, Oslo og Akershus"
    assert letters.PDF_VARIANT == "pdf/a-3u"


def test_rejected_letter_has_no_amounts_or_conditions_but_the_appeal_section(world):
    decision = send_one(world, malform="nn", outcome=Outcome.REJECTED)
    text = text_of(decision.letter.read())
    assert "Vedtak om avslag på søknad om tilskot" in text
    assert "Statsforvaltaren avslår søknaden om tilskot til tiltaket «Tiltak 1»" in text
    assert "Vedtaket er gjort etter Retningslinjer" in text
    assert "Tilskot per mottakar og budsjettår" not in text
    assert "Vilkår for tilskotet" not in text and "eigendel" not in text
    assert "Klagefristen er tre veker" in text and "Rett til å sjå dokumenta i saka" in text


def test_deviation_from_the_recommendation_is_explained(world):
    decision = send_one(world, malform="nb", deviation_reason="Tiltaket overlapper med et annet tiltak.")
    text = text_of(decision.letter.read())
    assert "Vedtaket avviker fra innstillingen fra samarbeidsforumet. Begrunnelse for avviket:" in text
    assert "Tiltaket overlapper med et annet tiltak." in text
    assert "Vedtaket følger innstillingen." not in text


def test_partly_granted_letter_says_what_was_asked_and_given(world):
    world.owner_org.malform = "nn"
    world.owner_org.save()
    decision = decided(world, 1, status=DecisionStatus.DECIDED, outcome=Outcome.PARTLY)[0]
    decision.lines.filter(recipient=world.owner_org).update(amount=60_000)
    decision = letters.decisions_for_letters().get(pk=decision.pk)
    text = text_of(letters.letter_pdf(decision))
    assert "Vedtak om tilskot – delvis innvilga" in text
    assert "De søkte om 300 000 kr og får 220 000 kr i alt" in text
    assert "Vedtaket avvik frå innstillinga frå samarbeidsforumet." in text


def test_reporting_deadline_defaults_and_leap_days(world):
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    round = decision.report.round
    assert letters.reporting_deadline(round, 2027) == date(2028, 1, 15)
    round.reporting_deadline = date(2028, 2, 29)
    assert letters.reporting_deadline(round, 2027) == date(2028, 2, 29)
    assert letters.reporting_deadline(round, 2028) == date(2029, 2, 28)
    assert letters.format_date(date(2027, 6, 3), "nn") == "3. juni 2027"
