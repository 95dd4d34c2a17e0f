"""The e-mail outbox: nothing is lost while the mail server is down, it is sent later, and never twice."""

import smtplib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dekomp.accounts.models import User
from dekomp.core import outbox
from dekomp.core.models import OutboxMessage, OutboxStatus

DOWN = "dekomp.core.tests.test_outbox.MailServerDown"
SLOW = "dekomp.core.tests.test_outbox.SlowCountingBackend"
SENT: list[str] = []
SENT_LOCK = threading.Lock()


class MailServerDown(BaseEmailBackend):
    """The SMTP server refuses every connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


class Unreachable(BaseEmailBackend):
    """The network does not reach the mail server at all."""

    def send_messages(self, email_messages):
        raise OSError(113, "No route to host")


class SlowCountingBackend(BaseEmailBackend):
    """Takes a moment per message (so parallel senders overlap) and counts what it sent, by subject."""

    def send_messages(self, email_messages):
        time.sleep(0.02)
        with SENT_LOCK:
            SENT.extend(message.subject for message in email_messages)
        return len(email_messages)


def _message(subject: str = "Kvittering", *, attach: bool = False) -> EmailMessage:
    message = EmailMessage(
        subject, "Hei.", "DeKomp <ikke-svar@dekomp.example>", ["eier@kommune.example"], headers={"X-Test": "1"}
    )
    if attach:
        message.attach("kvittering.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf")
        message.attach("les-meg.txt", "tekst med æøå", "text/plain")
    return message


@pytest.mark.django_db
def test_a_message_is_sent_at_once_and_kept_as_sent(settings):
    stored = outbox.send(_message(attach=True), key="test:1")
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Kvittering"
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT and stored.sent_at and stored.attempts == 1 and not stored.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [DOWN, "dekomp.core.tests.test_outbox.Unreachable"])
def test_mail_server_down_keeps_the_message_and_a_later_run_sends_it(settings, backend):
    settings.EMAIL_BACKEND = backend
    stored = outbox.send(_message(attach=True))
    stored.refresh_from_db()
    assert mail.outbox == []
    assert stored.status == OutboxStatus.PENDING and stored.attempts == 1
    assert "421" in stored.last_error or "No route to host" in stored.last_error
    assert stored.next_attempt_at > timezone.now(), "it waits before the next attempt"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", stdout=None)
    assert mail.outbox == [], "not before its next attempt is due"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    call_command("send_outbox")
    call_command("send_outbox")
    assert len(mail.outbox) == 1, "sent once, however often the command runs"
    sent = mail.outbox[0]
    assert sent.subject == "Kvittering" and sent.to == ["eier@kommune.example"] and sent.extra_headers["X-Test"] == "1"
    assert sent.attachments[0] == ("kvittering.pdf", b"%PDF-1.7 binary \x00\xff", "application/pdf")
    assert sent.attachments[1][:2] == ("les-meg.txt", "tekst med æøå")
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT and stored.attempts == 2


@pytest.mark.django_db
def test_failures_wait_longer_each_time_and_are_given_up_then_retried_from_the_admin(settings):
    settings.EMAIL_BACKEND = DOWN
    assert [outbox.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert outbox.backoff(30) == timedelta(hours=6)
    stored = outbox.send(_message())
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox.send_pending()
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.FAILED and stored.attempts == outbox.MAX_ATTEMPTS
    assert outbox.send_pending().sent == 0, "a given-up message is not tried again by itself"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry(OutboxMessage.objects.all()) == 1
    assert outbox.send_pending().sent == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_same_key_twice_is_one_message(settings):
    first = outbox.send(_message(), key="needs.receipt:1")
    second = outbox.send(_message(), key="needs.receipt:1")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_recovered(settings):
    settings.EMAIL_BACKEND = DOWN
    stored = outbox.send(_message())
    OutboxMessage.objects.update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=30), next_attempt_at=timezone.now()
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = outbox.send_pending()
    assert result.recovered == 1 and result.sent == 1
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT


@pytest.mark.django_db
def test_the_receipt_waits_in_the_outbox_with_its_pdf_while_the_mail_server_is_down(
    settings, world, django_capture_on_commit_callbacks
):
    from dekomp.needs.services import needs_report_submit
    from dekomp.needs.tests.factories import open_round
    from tests.reliability import ready_reports

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = DOWN
    report = ready_reports(world, open_round(world.office), 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        submission = needs_report_submit(by=world.users["owner"], report=report, token=uuid.uuid4(), is_declared=True)
    stored = OutboxMessage.objects.get(key=f"needs.receipt:{submission.pk}")
    assert stored.status == OutboxStatus.PENDING and mail.outbox == []
    assert stored.attachments[0]["filename"].endswith(".pdf")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    call_command("send_outbox")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")
    assert set(mail.outbox[0].to) == {world.users["owner"].email} | ({report.owner.email} - {""})


@pytest.mark.django_db
def test_only_system_administrators_see_the_outbox_in_the_admin(world, settings):
    settings.EMAIL_BACKEND = DOWN
    outbox.send(_message("Ventende e-post"))
    url = reverse("admin:core_outboxmessage_changelist")
    office_admin = Client()
    office_admin.force_login(world.users["office_admin"])
    assert office_admin.get(url).status_code == 403
    superuser = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    client = Client()
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ventende e-post" in page and "SMTPConnectError" in page and "venter" in page


def _pending(count: int) -> list[OutboxMessage]:
    return [outbox.store(_message(f"Melding {number}"))[0] for number in range(count)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_senders_running_at_once_send_each_message_once(settings):
    """On PostgreSQL four senders run together, on SQLite one after another; either way each message goes once."""
    from tests.reliability import database_label, write_results

    settings.EMAIL_BACKEND = DOWN
    queued = 30
    for message in _pending(queued):
        outbox.deliver(message)
    kept = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exclude(last_error="").count()
    assert kept == queued
    OutboxMessage.objects.update(next_attempt_at=timezone.now())

    settings.EMAIL_BACKEND = SLOW
    SENT.clear()
    senders = 4
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(senders)

        def run(_number: int) -> int:
            try:
                barrier.wait(timeout=30)
                return outbox.send_pending().sent
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=senders) as pool:
            counts = list(pool.map(run, range(senders)))
    else:
        counts = [outbox.send_pending().sent for _sender in range(senders)]
    assert sum(counts) == queued
    assert sorted(SENT) == sorted(f"Melding {number}" for number in range(queued)), "each message exactly once"
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == queued
    write_results(
        "outbox",
        {
            "database": database_label(),
            "queued": queued,
            "kept": kept,
            "sent_later": len(set(SENT)),
            "senders": senders,
            "duplicates": len(SENT) - len(set(SENT)),
        },
    )


def test_the_stored_message_is_the_message():
    original = _message(attach=True)
    again = outbox.as_email(OutboxMessage(**outbox._fields(original)))
    for field in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to", "extra_headers"):
        assert getattr(again, field) == getattr(original, field), field
    assert [tuple(a) for a in again.attachments] == [tuple(a) for a in original.attachments]
