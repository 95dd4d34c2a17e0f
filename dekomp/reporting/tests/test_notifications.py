"""More information asked for a recipient's report: e-mailed once, in the recipient's målform, with a link to the
report to correct, and on the recipient's home until it is sent in again."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dekomp.activity.models import Event
from dekomp.organisations.models import Malform, Organisation
from dekomp.reporting import services
from dekomp.reporting.tasks import send_more_requested
from dekomp.reporting.tests.factories import submitted

pytestmark = pytest.mark.django_db

SITE = "https://dekomp.example"
COMMENT = "Beskriv samlingene nærmere."


def owner_home(world) -> str:
    client = Client()
    client.force_login(world.users["owner"])
    return client.get(reverse("home:owner", args=[world.owner_org.pk])).content.decode()


def test_more_requested_is_mailed_once_in_the_malform_with_the_link_and_is_on_the_home(
    world, expected, settings, django_capture_on_commit_callbacks
):
    settings.DEKOMP_SITE_URL = SITE
    Organisation.objects.filter(pk=world.owner_org.pk).update(malform=Malform.NYNORSK, email="post@fredrikstad.example")
    report = submitted(world, expected[("owner", 2027)])
    title = report.line.decision.report.title
    text = f"Statsforvalteren ber om mer informasjon i rapporten for 2027 om «{title}»."
    assert text not in owner_home(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request_more(by=world.users["caseworker"], report=report, comment=COMMENT)
    [message] = mail.outbox
    assert message.to == ["owner@test.example", "post@fredrikstad.example"]
    assert message.extra_headers["Content-Language"] == "nn"
    assert "ber om meir informasjon" in message.subject
    assert COMMENT in message.body
    assert f"{SITE}{reverse('reporting:edit', args=[report.pk])}" in message.body
    # A retry of the task sends nothing more.
    send_more_requested.call(report.pk, Event.objects.get(verb="more_requested").pk)
    assert len(mail.outbox) == 1

    home = owner_home(world)
    assert text in home and reverse("reporting:edit", args=[report.pk]) in home
    submitted(world, report, activities="Fire samlinger à to dager.")
    assert text not in owner_home(world)


def test_asked_again_after_a_new_submission_mails_again(world, expected, django_capture_on_commit_callbacks):
    report = submitted(world, expected[("owner", 2027)])
    for comment in (COMMENT, "Og deltakerne?"):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request_more(by=world.users["caseworker"], report=report, comment=comment)
        report = submitted(world, report)
    assert [comment in m.body for m, comment in zip(mail.outbox, (COMMENT, "Og deltakerne?"), strict=True)] == [
        True,
        True,
    ]
