"""The owner's steps, the partner's answer and the receipt through HTTP: messages in place, nothing typed lost."""

import re

import pytest
from django.urls import reverse

from dekomp.needs.models import NeedsReport, Status
from dekomp.needs.steps import STEPS
from dekomp.needs.tests.factories import complete_draft, confirm_partner, open_round
from dekomp.schemes.models import Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def round(world):
    return open_round(world.office)


@pytest.fixture
def draft(world, round):
    return complete_draft(world, round)


@pytest.fixture
def owner_client(client, world):
    client.force_login(world.users["owner"])
    return client


def test_every_step_page_renders_with_the_saved_values(owner_client, draft):
    for step in STEPS:
        response = owner_client.get(reverse("needs:edit", args=[draft.pk, step.slug]))
        assert response.status_code == 200, step.slug
        assert 'name="version"' in response.content.decode() or step.slug == "partnere"
    budget = owner_client.get(reverse("needs:edit", args=[draft.pk, "budsjett"])).content.decode()
    assert 'value="200000"' in budget and 'value="150000"' in budget


def test_create_then_first_step(owner_client, world, round):
    response = owner_client.post(
        reverse("needs:create", args=[world.owner_org.pk]),
        {"round": round.pk, "scheme": round.schemes.get(code="dekomp").pk, "title": "Ny plan"},
    )
    report = NeedsReport.objects.get(title="Ny plan")
    assert response["Location"] == reverse("needs:edit", args=[report.pk, "grunnlag"])
    assert report.status == Status.DRAFT and report.created_by == world.users["owner"]


def test_negative_amount_keeps_everything_typed(owner_client, world, draft):
    url = reverse("needs:edit", args=[draft.pk, "budsjett"])
    data = {
        "version": draft.version,
        "years": "2",
        "egenandel_form": "penger",
        f"amount_{world.owner_org.pk}_2027": "-100",
        f"amount_{world.partner_org.pk}_2027": "123456",
        "egenandel_2027": "77777",
    }
    before = list(draft.budget_lines.values_list("amount", flat=True))
    response = owner_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beløpet kan ikke være negativt." in body
    assert 'value="123456"' in body and 'value="77777"' in body and 'value="-100"' in body
    assert "ds-error-summary" in body and f'href="#id_amount_{world.owner_org.pk}_2027"' in body
    assert list(NeedsReport.objects.get(pk=draft.pk).budget_lines.values_list("amount", flat=True)) == before


def test_stale_version_in_the_browser_keeps_the_text(owner_client, draft):
    url = reverse("needs:edit", args=[draft.pk, "forankring"])
    data = {"version": draft.version - 1, "local_plan": "Min nye tekst", "is_staff_involved": "on"}
    response = owner_client.post(url, data)
    body = response.content.decode()
    assert "lagret av noen andre" in body
    assert "Min nye tekst" in body
    assert NeedsReport.objects.get(pk=draft.pk).local_plan == "Kompetanseplan 2026–2030"


def test_partner_confirms_on_the_report_page(client, world, draft):
    client.force_login(world.users["partner"])
    page = client.get(reverse("needs:detail", args=[draft.pk])).content.decode()
    assert "Bekreft at vi er med" in page
    link = draft.partner_links.get()
    response = client.post(reverse("needs:partner_answer", args=[link.pk]), {"answer": "decline", "comment": ""})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "venter"
    client.post(reverse("needs:partner_answer", args=[link.pk]), {"answer": "confirm", "comment": "Gleder oss"})
    link.refresh_from_db()
    assert link.status == "bekreftet"


def test_submit_receipt_and_pdf(owner_client, world, draft, django_capture_on_commit_callbacks):
    confirm_partner(world, draft)
    page = owner_client.get(reverse("needs:submit", args=[draft.pk])).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    response = owner_client.post(reverse("needs:submit", args=[draft.pk]), {"token": token})
    assert "Kryss av for eierens erklæring." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("needs:submit", args=[draft.pk]), {"token": token, "is_declared": "on"})
        again = owner_client.post(reverse("needs:submit", args=[draft.pk]), {"token": token, "is_declared": "on"})
    assert response["Location"] == reverse("needs:receipt", args=[draft.pk, 1])
    assert again.status_code == 302  # the report is no longer editable: the double click lands on the report
    assert draft.submissions.count() == 1
    receipt = owner_client.get(response["Location"]).content.decode()
    assert "Behovsmeldingen er sendt inn" in receipt
    pdf = owner_client.get(reverse("needs:receipt_pdf", args=[draft.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content)
    assert "lærere" in text and "laerere" not in text  # target groups by their labels, not their codes


def _pdf_text(content: bytes) -> str:
    import io

    import pypdf

    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_report_page_shows_its_target_groups_by_name(owner_client, draft):
    NeedsReport.objects.filter(pk=draft.pk).update(target_groups=["ledere", "laerere"])
    page = owner_client.get(reverse("needs:detail", args=[draft.pk])).content.decode()
    assert '<dd data-testid="target-groups">lærere, ledere</dd>' in page
    owner_client.post(reverse("set_language"), {"language": "en"})
    english = owner_client.get(reverse("needs:detail", args=[draft.pk])).content.decode()
    assert '<dd data-testid="target-groups">teachers, leaders</dd>' in english


def test_the_versions_page_names_target_groups(owner_client, world, draft):
    from dekomp.needs import snapshot

    changes = snapshot.diff({"target_groups": ["laerere"]}, {"target_groups": ["laerere", "ppt"]})
    assert changes[0]["lines"] == [{"is_added": True, "text": "PP-tjenesten"}]


def test_other_owner_cannot_see_or_change_by_guessing_ids(client, world, draft):
    client.force_login(world.users["co_owner"])
    for name, args in [
        ("needs:detail", [draft.pk]),
        ("needs:edit", [draft.pk, "budsjett"]),
        ("needs:submit", [draft.pk]),
        ("needs:versions", [draft.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("needs:withdraw", args=[draft.pk])).status_code == 403
    assert (
        client.post(
            reverse("needs:partner_answer", args=[draft.partner_links.get().pk]), {"answer": "confirm"}
        ).status_code
        == 403
    )
    assert client.get(reverse("needs:detail", args=[999_999])).status_code == 404


def test_owner_home_lists_reports_and_todo(owner_client, world, draft):
    body = owner_client.get(reverse("home:owner", args=[world.owner_org.pk])).content.decode()
    assert "Lesing i alle fag" in body
    assert "venter på bekreftelse fra OsloMet" in body
    assert "Ny behovsmelding" in body


def test_partner_home_lists_reports_to_confirm(client, world, draft):
    client.force_login(world.users["partner"])
    body = client.get(reverse("home:partner", args=[world.partner_org.pk])).content.decode()
    assert "Bekreft eller avslå «Lesing i alle fag»" in body


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("persona", ["owner", "partner"])
def test_homes_run_a_fixed_number_of_queries_whatever_the_number_of_reports(client, world, round, persona):
    from dekomp.needs import services
    from dekomp.schemes.models import Scheme

    def add_reports(count):
        for i in range(count):
            report = services.needs_report_create(
                by=world.users["owner"],
                round=round,
                scheme=Scheme.objects.get(code="dekomp"),
                owner=world.owner_org,
                title=f"Tiltak {i}",
            )
            services.needs_report_save_partners(
                by=world.users["owner"],
                report=report,
                expected_version=report.version,
                partners=[services.PartnerInput(world.partner_org, "P", "p@x.example")],
            )

    client.force_login(world.users[persona])
    org = world.owner_org if persona == "owner" else world.partner_org
    url = reverse(f"home:{persona}", args=[org.pk])
    add_reports(2)
    few = _queries(client, url)
    add_reports(10)
    many = _queries(client, url)
    assert few == many, f"{few} queries with 2 reports, {many} with 12"


def test_partner_sees_only_reports_naming_it(client, world, draft):
    from dekomp.needs import services
    from dekomp.organisations.models import Organisation, OrganisationKind
    from dekomp.organisations.validators import synthetic_orgnrs

    other_partner = Organisation.objects.create(
        orgnr=next(synthetic_orgnrs(62_000_000)),
        name="Høgskolen i Østfold",
        kind=OrganisationKind.UNIVERSITY,
        municipality=world.owner_org.municipality,
    )
    services.needs_report_save_partners(
        by=world.users["owner"],
        report=draft,
        expected_version=draft.version,
        partners=[services.PartnerInput(other_partner, "H", "h@hiof.example")],
    )
    client.force_login(world.users["partner"])
    assert client.get(reverse("needs:detail", args=[draft.pk])).status_code == 403
    home = client.get(reverse("home:partner", args=[world.partner_org.pk])).content.decode()
    assert draft.reference not in home
    assert world.report.reference in home  # the report that does name OsloMet is still there


def test_budget_amounts_may_be_typed_with_spaces(owner_client, world, draft):
    url = reverse("needs:edit", args=[draft.pk, "budsjett"])
    data = {
        "version": draft.version,
        "years": "1",
        "egenandel_form": "penger",
        "action": "save",
        f"amount_{world.owner_org.pk}_2027": "150 000",
        f"amount_{world.partner_org.pk}_2027": "250\u00a0000",
        "egenandel_2027": "120 000",
    }
    assert owner_client.post(url, data).status_code == 302
    amounts = dict(NeedsReport.objects.get(pk=draft.pk).budget_lines.values_list("recipient_id", "amount"))
    assert amounts == {world.owner_org.pk: 150_000, world.partner_org.pk: 250_000}


def test_budget_step_refuses_too_little_egenandel_in_place_and_keeps_everything_typed(owner_client, world, draft):
    url = reverse("needs:edit", args=[draft.pk, "budsjett"])
    data = {
        "version": draft.version,
        "years": "1",
        "egenandel_form": "penger",
        "action": "next",
        f"amount_{world.owner_org.pk}_2027": "60 001",
        f"amount_{world.partner_org.pk}_2027": "40000",
        "egenandel_2027": "30 000",  # 30 % of 100 001 is 30 000,30: at least 30 001
    }
    before = list(NeedsReport.objects.get(pk=draft.pk).contributions.values_list("budget_year", "amount"))
    response = owner_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert list(errors) == ["egenandel_2027"]
    assert [error.code for error in errors["egenandel_2027"]] == ["egenandel_too_low"]
    body = response.content.decode()
    assert 'value="60 001"' in body and 'value="40000"' in body and 'value="30 000"' in body
    assert 'href="#id_egenandel_2027"' in body  # the error summary links to the field
    field = re.search(r'<input[^>]*name="egenandel_2027"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_egenandel_2027_error id_egenandel_2027_hint"' in field
    assert 'id="id_egenandel_2027_error"' in body
    # The hint states the same number, before any script has run.
    hint = re.search(r'<p[^>]*id="id_egenandel_2027_hint"[^>]*>([^<]*)</p>', body)
    assert 'aria-live="polite"' in hint.group(0)
    assert hint.group(1) == "Egenandel må være minst 30\u00a0001\u00a0kr (30 % av 100\u00a0001\u00a0kr)."
    assert list(NeedsReport.objects.get(pk=draft.pk).contributions.values_list("budget_year", "amount")) == before
    data["egenandel_2027"] = "30 001"
    assert owner_client.post(url, data).status_code == 302


def test_budget_step_gives_the_live_hint_its_share_template_and_amounts(owner_client, world, draft):
    body = owner_client.get(reverse("needs:edit", args=[draft.pk, "budsjett"])).content.decode()
    form = re.search(r"<form[^>]*data-egenandel-share[^>]*>", body).group(0)
    assert 'data-egenandel-share="0.300"' in form  # the exact share, not a rounded percentage
    assert 'data-egenandel-hint="Egenandel må være minst {required} (30 % av {requested})."' in form
    assert '<script src="/static/js/egenandel-hint.js" defer></script>' in body
    assert re.search(rf'name="amount_{world.owner_org.pk}_2027"[^>]*data-budget-year="2027"', body)
    assert not re.search(r'name="coordinator_[^>]*data-budget-year', body)  # a part of the amount, not added twice
    assert re.search(r'name="egenandel_2029"[^>]*data-egenandel-year="2029"', body)
    # The saved budget: 500 000 a year asked for, so 150 000 at least, in every year of the period.
    for year in (2027, 2028, 2029):
        hint = re.search(rf'<p[^>]*id="id_egenandel_{year}_hint"[^>]*>([^<]*)</p>', body).group(1)
        assert hint == "Egenandel må være minst 150\u00a0000\u00a0kr (30 % av 500\u00a0000\u00a0kr)."


def test_budget_step_without_egenandel_has_no_hint(owner_client, world, draft):
    NeedsReport.objects.filter(pk=draft.pk).update(scheme=Scheme.objects.get(code="rekomp"))
    body = owner_client.get(reverse("needs:edit", args=[draft.pk, "budsjett"])).content.decode()
    assert "data-egenandel-share" not in body and "egenandel-hint.js" not in body and "_hint" not in body
