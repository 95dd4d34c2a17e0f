"""The e-mail outbox: every e-mail is stored before it is sent, so nothing is lost when the mail server is down.

``send(message, key=...)`` stores the message and tries to send it at once; when the mail server refuses or cannot be
reached, the message stays in the outbox (``venter``) with the error, and ``send_pending()`` — run by
``manage.py send_outbox`` or the ``send_outbox`` task — tries again later with exponential backoff, until it is sent
or, after ``MAX_ATTEMPTS``, given up (``gitt opp``; the admin can queue it again).

A message is sent by whoever *claims* it: one conditional ``UPDATE … WHERE status = 'venter'`` that only one process
can win, on PostgreSQL and on SQLite alike, so two senders running at once never send it twice. A sender killed
after claiming leaves the message ``sendes``; after ``STALE_AFTER`` it is waiting again (sent at least once, perhaps
twice — the mail server gives no way to ask).
"""

import base64
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # 1 + 2 + 4 + … minutes, capped at six hours: about a day and a half of trying
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
STALE_AFTER = timedelta(minutes=10)
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class SendResult:
    """What one pass over the outbox did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    recovered: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 1, 2, 4 … minutes, at most six hours."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


# ---------------------------------------------------------------------------------------------- storing


def _attachment(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        raise TypeError("The outbox keeps attachments given as (filename, content, mimetype), not MIME parts.")
    filename, content, mimetype = attachment
    is_text = isinstance(content, str)
    raw = content.encode() if is_text else content
    return {
        "filename": filename,
        "content": base64.b64encode(raw).decode("ascii"),
        "mimetype": mimetype,
        "text": is_text,
    }


def _fields(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email or "",
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(name): str(value) for name, value in (message.extra_headers or {}).items()},
        "attachments": [_attachment(attachment) for attachment in message.attachments],
        "alternatives": [
            {"content": str(content), "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def as_email(stored: OutboxMessage) -> EmailMessage:
    """The stored message as an ``EmailMessage`` again, attachments and all."""
    message = EmailMultiAlternatives(
        subject=stored.subject,
        body=stored.body,
        from_email=stored.from_email or None,
        to=stored.to,
        cc=stored.cc,
        bcc=stored.bcc,
        reply_to=stored.reply_to,
        headers=stored.headers,
    )
    for part in stored.alternatives:
        message.attach_alternative(part["content"], part["mimetype"])
    for attachment in stored.attachments:
        content = base64.b64decode(attachment["content"])
        message.attach(
            attachment["filename"], content.decode() if attachment["text"] else content, attachment["mimetype"]
        )
    return message


def store(message: EmailMessage, *, key: str | None = None) -> tuple[OutboxMessage, bool]:
    """Put the message in the outbox; with a ``key`` already there, return that one instead (``created`` False)."""
    if key:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(key=key or None, **_fields(message)), True
    except IntegrityError:
        if not key:
            raise
        # The same key arrived from a parallel run of the same task a moment ago: that one is the message.
        return OutboxMessage.objects.get(key=key), False


def send(message: EmailMessage, *, key: str | None = None) -> OutboxMessage:
    """Store the message, then try to send it now. Never raises for a mail-server failure: the message waits.

    ``key`` names the message (e.g. ``needs.receipt:<submission>``) so that a task run twice sends it once.
    """
    stored, created = store(message, key=key)
    if created:
        deliver(stored, email=message)
    return stored


# ---------------------------------------------------------------------------------------------- sending


def _claim(pk: int, now: datetime) -> bool:
    """Take the message for sending; only one sender can win (an atomic conditional UPDATE)."""
    claimed = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    return claimed == 1


def deliver(stored: OutboxMessage, *, email: EmailMessage | None = None) -> bool:
    """Send one waiting message if this process can claim it; True when the mail server took it.

    On failure the message waits ``backoff(attempts)`` (or is given up after ``MAX_ATTEMPTS``), with the error kept.
    """
    return _deliver(stored, email=email) == OutboxStatus.SENT


def _deliver(stored: OutboxMessage, *, email: EmailMessage | None = None) -> str:
    """``deliver``, telling what happened: sent, waiting again, given up, or "" when another sender has it."""
    now = timezone.now()
    if not _claim(stored.pk, now):
        return ""
    stored.refresh_from_db()
    try:
        (email or as_email(stored)).send(fail_silently=False)
    except Exception as error:  # any failure of the mail server or the network: keep the message
        attempts = stored.attempts
        status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
        logger.warning("E-mail %s not sent (attempt %s): %s", stored.pk, attempts, error)
        OutboxMessage.objects.filter(pk=stored.pk).update(
            status=status,
            next_attempt_at=now + backoff(attempts),
            last_error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
            claimed_at=None,
            updated_at=timezone.now(),
        )
        stored.refresh_from_db()
        return status
    sent_at = timezone.now()
    OutboxMessage.objects.filter(pk=stored.pk).update(
        status=OutboxStatus.SENT, sent_at=sent_at, claimed_at=None, updated_at=sent_at
    )
    stored.refresh_from_db()
    return OutboxStatus.SENT


def recover_stale(now: datetime | None = None) -> int:
    """Messages left ``sendes`` by a sender that died: waiting again (they may go out twice, never not at all)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=OutboxStatus.PENDING, claimed_at=None, next_attempt_at=now, updated_at=now
    )


def due(now: datetime | None = None):
    """The waiting messages whose next attempt is due, oldest first."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )


def send_pending(*, limit: int = 200, now: datetime | None = None) -> SendResult:
    """One pass over the outbox: recover stale claims, then try every due message (at most ``limit``)."""
    now = now or timezone.now()
    recovered = recover_stale(now)
    with transaction.atomic():
        # On PostgreSQL, skip rows another sender has locked (it is picking the same messages); the claim in
        # deliver() is what guarantees one send, this only keeps two senders from queueing behind each other.
        candidates = list(due(now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
    sent = failed = given_up = 0
    for stored in OutboxMessage.objects.filter(pk__in=candidates).order_by("next_attempt_at", "pk"):
        outcome = _deliver(stored)
        sent += outcome == OutboxStatus.SENT
        failed += outcome == OutboxStatus.PENDING
        given_up += outcome == OutboxStatus.FAILED
    return SendResult(sent=sent, failed=failed, given_up=given_up, recovered=recovered)


def retry(messages) -> int:
    """Queue given-up (or waiting) messages for an attempt now (the admin's action); returns how many."""
    now = timezone.now()
    return messages.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]).update(
        status=OutboxStatus.PENDING, next_attempt_at=now, updated_at=now
    )
