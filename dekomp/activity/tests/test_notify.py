"""The notification hub: the recipient's målform, absolute links, one e-mail per key, one notice per person."""

import pytest
from django.core import mail

from dekomp.activity import notify
from dekomp.activity.models import Notice
from dekomp.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_language_is_the_organisations_malform_or_the_persons_language(world):
    world.owner_org.malform = "nn"
    assert notify.language_of(world.owner_org) == "nn"
    world.partner_org.malform = ""
    assert notify.language_of(world.partner_org) == "nb"
    user = world.users["wg_member"]
    user.language = "en"
    assert notify.language_of(user) == "en"
    user.language = "xx"
    assert notify.language_of(user) == "nb"


def test_links_are_absolute_from_the_site_url(settings):
    settings.DEKOMP_SITE_URL = "https://dekomp.example/"
    assert notify.url("needs:detail", 7) == "https://dekomp.example/behovsmeldinger/7/"


def test_written_out_templates_win_and_a_missing_language_falls_back_to_bokmal(world):
    context = {"decision": None, "letter": None, "sent_text": "", "accept_url": "", "decision_url": ""}
    # The letter e-mail has nb and nn files but no English one: English falls back to bokmål.
    _subject, _body, written_in = notify.render(template="decisions/email/letter", language="en", context=context)
    assert written_in == "nb"
    _subject, body, written_in = notify.render(template="decisions/email/letter", language="nn", context=context)
    assert written_in == "nn" and "Med helsing" in body


def test_the_catalogue_template_is_used_when_there_is_no_file_for_the_language(world):
    from dekomp.reporting.tests.factories import expected_reports

    report = expected_reports(world)[("owner", 2027)]
    context = {"report": report, "decision": report.line.decision, "needs_report": report.line.decision.report}
    subject, _body, written_in = notify.render(
        template="reporting/email/reminder_forfalt", language="nn", context=context | {"office": None}
    )
    assert written_in == "nn" and subject == "Fristen er passert: rapporten for 2027 er ikkje sendt inn"


def test_send_puts_one_message_in_the_outbox_per_key(world):
    context = {"decision": None, "letter": None, "sent_text": "", "accept_url": "", "decision_url": ""}
    for _run in range(2):
        notify.send(
            template="decisions/email/letter",
            language="nb",
            to=["b@test.example", "a@test.example", "", "a@test.example"],
            context=context,
            key="test:1",
        )
    assert OutboxMessage.objects.filter(key="test:1").count() == 1
    [message] = mail.outbox
    assert message.to == ["a@test.example", "b@test.example"]
    assert message.extra_headers["Content-Language"] == "nb"
    assert notify.send(template="decisions/email/letter", language="nb", to=[""], context=context, key="x") is None


def test_claim_records_a_notice_once_per_person_kind_and_target(world):
    user = world.users["wg_member"]
    assert notify.claim(kind="k", user=user, target=world.round) is not None
    assert notify.claim(kind="k", user=user, target=world.round) is None
    assert notify.claim(kind="other", user=user, target=world.round) is not None
    assert notify.claimed(kind="k", target=world.round) == {user.pk}
    assert Notice.objects.count() == 2
