"""A decision letter received: the e-mail (in the owner's målform) links to the page where the owner accepts the
terms, and the owner's home asks for the acceptance until it is given."""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dekomp.decisions import letters
from dekomp.decisions.models import DecisionStatus, Outcome
from dekomp.decisions.tests.factories import decided
from dekomp.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SITE = "https://dekomp.example"


@pytest.fixture(autouse=True)
def _site_media_and_tasks(settings, tmp_path):
    settings.DEKOMP_SITE_URL = SITE
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def send(world, decision, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letters.letters_send(by=world.users["caseworker"], decisions=[decision], token=uuid.uuid4())


def owner_home(world) -> str:
    client = Client()
    client.force_login(world.users["owner"])
    return client.get(reverse("home:owner", args=[world.owner_org.pk])).content.decode()


@pytest.mark.parametrize(("malform", "line"), [("nb", "Aksepter vilkårene her: "), ("nn", "Aksepter vilkåra her: ")])
def test_the_letter_links_to_the_accept_page_and_the_home_asks_until_accepted(
    world, malform, line, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=world.owner_org.pk).update(malform=malform)
    decision = decided(world, 1, status=DecisionStatus.DECIDED)[0]
    todo = f"Aksepter vilkårene i vedtaket om «{decision.report.title}» ({decision.reference})."
    assert todo not in owner_home(world)
    send(world, decision, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == malform
    assert f"{line}{SITE}{reverse('decisions:accept', args=[decision.pk])}\n" in message.body

    home = owner_home(world)
    assert todo in home and reverse("decisions:accept", args=[decision.pk]) in home
    decision.refresh_from_db()
    letters.decision_accept(by=world.users["owner"], decision=decision)
    assert todo not in owner_home(world)


def test_a_rejection_links_to_the_decision_and_asks_nothing(world, django_capture_on_commit_callbacks):
    decision = decided(world, 1, status=DecisionStatus.DECIDED, outcome=Outcome.REJECTED)[0]
    send(world, decision, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert f"Vedtaket: {SITE}{reverse('decisions:detail', args=[decision.pk])}\n" in message.body
    assert reverse("decisions:accept", args=[decision.pk]) not in message.body
    assert "Aksepter vilkårene i vedtaket" not in owner_home(world)
