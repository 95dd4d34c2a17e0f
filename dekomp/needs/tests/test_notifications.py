"""What people are told about needs reports: a partner or co-owner asked to confirm, the owner told of the answer,
and the owner told the office returned the report — by e-mail once, in the recipient's målform, with a link to the
page where they act, and on their home's to-do list."""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dekomp.needs import services
from dekomp.needs.tests.factories import complete_draft, confirm_partner, open_round
from dekomp.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SITE = "https://dekomp.example"


@pytest.fixture(autouse=True)
def _site_and_tasks(settings, tmp_path):
    settings.DEKOMP_SITE_URL = SITE
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(world):
    """A complete draft naming OsloMet (contact per@oslomet.example) as partner; nothing sent yet."""
    return complete_draft(world, open_round(world.office))


def page(world, persona: str, url: str) -> str:
    client = Client()
    client.force_login(world.users[persona])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def todo(world, persona: str, home: str, org: Organisation) -> str:
    return page(world, persona, reverse(home, args=[org.pk]))


def set_org(org: Organisation, **values) -> None:
    Organisation.objects.filter(pk=org.pk).update(**values)
    org.refresh_from_db()


def save_partner(world, report, contact_email: str, contact_name: str = "Per Partner"):
    return services.needs_report_save_partners(
        by=world.users["owner"],
        report=report,
        expected_version=report.version,
        partners=[services.PartnerInput(world.partner_org, contact_name, contact_email)],
    )


# ------------------------------------------------------------------------------------------------ asked to confirm


def test_a_partner_is_asked_once_in_its_malform_with_a_link_and_a_todo(
    world, draft, django_capture_on_commit_callbacks
):
    set_org(world.partner_org, malform="nn", email="post@oslomet.example")
    with django_capture_on_commit_callbacks(execute=True):
        draft = save_partner(world, draft, "kari@oslomet.example", "Kari Kontakt")
    [message] = mail.outbox
    # The new contact, the partner's own address and its submitters.
    assert message.to == ["kari@oslomet.example", "partner@test.example", "post@oslomet.example"]
    assert message.extra_headers["Content-Language"] == "nn"
    assert message.subject == (
        f"Stadfest partnarskap: behovsmelding {draft.reference} «Lesing i alle fag» frå Fredrikstad kommune"
    )
    assert f"{SITE}{reverse('needs:detail', args=[draft.pk])}" in message.body
    assert "Behovsmeldinga kan ikkje sendast inn før de har svart." in message.body

    # Saving the step again with the same contact asks nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        draft = save_partner(world, draft, "kari@oslomet.example", "Kari Kontakt")
    assert len(mail.outbox) == 1

    text = f"Bekreft eller avslå «{draft.title}» fra Fredrikstad kommune."
    assert text in todo(world, "partner", "home:partner", world.partner_org)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_partner(world, draft)
    assert text not in todo(world, "partner", "home:partner", world.partner_org)


def test_a_changed_contact_is_asked_again(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = save_partner(world, draft, "ny@oslomet.example")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "nb"
    assert message.subject.startswith("Bekreft partnerskap: behovsmelding")
    assert "ny@oslomet.example" in message.to and "per@oslomet.example" not in message.to


def test_an_answered_or_removed_link_is_not_asked(world, draft, django_capture_on_commit_callbacks):
    from dekomp.needs.tasks import send_confirmation_request

    link = draft.partner_links.get()
    confirm_partner(world, draft)
    send_confirmation_request.call("partner", link.pk)
    send_confirmation_request.call("partner", 2_000_000_000)
    assert mail.outbox == []


def test_a_co_owner_is_asked_and_its_todo_goes_once_it_answers(world, draft, django_capture_on_commit_callbacks):
    set_org(world.co_owner_org, email="post@sarpsborg.example")
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.needs_report_save_basics(
            by=world.users["owner"],
            report=draft,
            expected_version=draft.version,
            title=draft.title,
            region=world.region,
            co_owners=[world.co_owner_org],
        )
    [message] = mail.outbox
    assert message.to == ["co_owner@test.example", "post@sarpsborg.example"]
    assert message.subject == (
        f"Bekreft at dere er med i nettverket: behovsmelding {draft.reference} «Lesing i alle fag»"
    )
    assert f"{SITE}{reverse('needs:detail', args=[draft.pk])}" in message.body
    text = f"Bekreft at dere er med i nettverket bak «{draft.title}» (Fredrikstad kommune)."
    assert text in todo(world, "co_owner", "home:owner", world.co_owner_org)
    services.co_owner_answer(by=world.users["co_owner"], link=draft.co_owner_links.get(), is_confirmed=True)
    assert text not in todo(world, "co_owner", "home:owner", world.co_owner_org)


def test_a_copy_asks_its_partners_again(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.needs_report_copy(by=world.users["owner"], source=draft, round=draft.round)
    [message] = mail.outbox
    assert f"{SITE}{reverse('needs:detail', args=[copy.pk])}" in message.body
    assert "per@oslomet.example" in message.to


# ---------------------------------------------------------------------------------------------- the answer received


def test_the_owner_is_told_of_a_decline_with_its_reason_and_sees_it_on_its_home(
    world, draft, django_capture_on_commit_callbacks
):
    set_org(world.owner_org, malform="nn", email="post@fredrikstad.example")
    link = draft.partner_links.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_answer(
            by=world.users["partner"], link=link, is_confirmed=False, comment="Vi har ikkje kapasitet i 2027."
        )
    [message] = mail.outbox
    assert message.to == ["owner@test.example", "post@fredrikstad.example"]
    assert message.extra_headers["Content-Language"] == "nn"
    assert message.subject == f"{draft.reference} «Lesing i alle fag»: OsloMet har avslått å vere partnar"
    assert "Grunngjeving:\nVi har ikkje kapasitet i 2027." in message.body
    assert f"{SITE}{reverse('needs:edit', args=[draft.pk, 'partnere'])}" in message.body

    home = todo(world, "owner", "home:owner", world.owner_org)
    assert "OsloMet har avslått å være partner: «Vi har ikkje kapasitet i 2027.»" in home
    assert reverse("needs:edit", args=[draft.pk, "partnere"]) in home
    # The owner names another contact: OsloMet is asked again, and the decline leaves the to-do list.
    draft.refresh_from_db()
    save_partner(world, draft, "ny@oslomet.example")
    assert "har avslått å være partner" not in todo(world, "owner", "home:owner", world.owner_org)


def test_a_confirmation_is_told_once_and_links_to_the_summary(world, draft, django_capture_on_commit_callbacks):
    from dekomp.activity.models import Event
    from dekomp.needs.tasks import send_answer_notice

    with django_capture_on_commit_callbacks(execute=True):
        confirm_partner(world, draft)
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "nb"
    assert message.subject == f"{draft.reference} «Lesing i alle fag»: OsloMet har bekreftet å være partner"
    assert f"{SITE}{reverse('needs:submit', args=[draft.pk])}" in message.body
    # The task run again (a retry) sends nothing more.
    send_answer_notice.call(Event.objects.get(verb="partner_confirmed").pk)
    assert len(mail.outbox) == 1


def test_a_co_owners_decline_is_on_the_owners_home(world, draft, django_capture_on_commit_callbacks):
    draft = services.needs_report_save_basics(
        by=world.users["owner"],
        report=draft,
        expected_version=draft.version,
        title=draft.title,
        region=world.region,
        co_owners=[world.co_owner_org],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.co_owner_answer(
            by=world.users["co_owner"], link=draft.co_owner_links.get(), is_confirmed=False, comment="Ikke i år."
        )
    [message] = mail.outbox
    assert message.subject.endswith("Sarpsborg kommune har avslått å være medeier")
    assert "Begrunnelse:\nIkke i år." in message.body
    assert f"{SITE}{reverse('needs:edit', args=[draft.pk, 'grunnlag'])}" in message.body
    home = todo(world, "owner", "home:owner", world.owner_org)
    assert "Sarpsborg kommune har avslått å være medeier: «Ikke i år.»" in home


# ------------------------------------------------------------------------------------------- returned by the office


@pytest.fixture
def submitted(world, draft):
    confirm_partner(world, draft)
    draft.refresh_from_db()
    services.needs_report_submit(by=world.users["owner"], report=draft, token=uuid.uuid4(), is_declared=True)
    draft.refresh_from_db()
    return draft


REASON = "Budsjettet for 2028 mangler egenandel."


def test_a_returned_report_is_mailed_to_the_submitters_and_its_reason_is_on_top_of_its_pages(
    world, submitted, django_capture_on_commit_callbacks
):
    set_org(world.owner_org, email="post@fredrikstad.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.needs_report_return(by=world.users["caseworker"], report=submitted, comment=REASON)
    [message] = mail.outbox
    assert message.to == ["owner@test.example", "post@fredrikstad.example"]
    assert message.extra_headers["Content-Language"] == "nb"
    assert message.subject == f"Behovsmelding {submitted.reference} «Lesing i alle fag» er returnert for endringer"
    assert f"Dette må endres:\n{REASON}" in message.body
    assert f"{SITE}{reverse('needs:detail', args=[submitted.pk])}" in message.body

    # Right under the report's heading: above its actions, and above the steps on every step of the editing.
    for url, below in (
        (reverse("needs:detail", args=[submitted.pk]), 'id="actions-heading"'),
        (reverse("needs:edit", args=[submitted.pk, "budsjett"]), 'class="app-steps"'),
        (reverse("needs:submit", args=[submitted.pk]), 'class="app-steps"'),
    ):
        body = page(world, "owner", url)
        top = body.index('data-testid="returned-reason"')
        assert body.index("<h1") < top < body.index(below), url
        assert REASON in body[top : top + 500], url
    text = f"«{submitted.title}» er returnert for endringer."
    assert text in todo(world, "owner", "home:owner", world.owner_org)

    # Sent in again: the reason and the to-do are gone.
    submitted.refresh_from_db()
    services.needs_report_submit(by=world.users["owner"], report=submitted, token=uuid.uuid4(), is_declared=True)
    assert 'data-testid="returned-reason"' not in page(world, "owner", reverse("needs:detail", args=[submitted.pk]))
    assert text not in todo(world, "owner", "home:owner", world.owner_org)


def test_a_nynorsk_owner_gets_the_return_in_nynorsk_once(world, submitted, django_capture_on_commit_callbacks):
    from dekomp.activity.models import Event
    from dekomp.needs.tasks import send_return_notice

    set_org(world.owner_org, malform="nn")
    with django_capture_on_commit_callbacks(execute=True):
        services.needs_reports_return_batch(by=world.users["caseworker"], reports=[submitted], comment=REASON)
    [message] = mail.outbox
    assert message.subject == f"Behovsmelding {submitted.reference} «Lesing i alle fag» er returnert for endringar"
    assert f"Dette må endrast:\n{REASON}" in message.body
    assert "Statsforvaltaren i Østfold, Buskerud, Oslo og Akershus" in message.body
    send_return_notice.call(Event.objects.get(verb="returned").pk)
    assert len(mail.outbox) == 1
