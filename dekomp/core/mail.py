"""The development e-mail backend: one line per message on the console, the whole message kept as a file.

Django's console backend prints every message with its attachments base64-encoded, so a round's letters bury the
demo logins under megabytes of PDF. This one prints who gets what, and writes the message (attachments included)
as an ``.eml`` file under ``DEKOMP_MAIL_DIR`` for anyone who wants to open it.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class SummaryConsoleBackend(BaseEmailBackend):
    """Print ``E-post: subject → recipients (n vedlegg) [file]`` and store the message as an .eml file."""

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.DEKOMP_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = folder / f"{stamp}-{sent}.eml"
            path.write_bytes(message.message().as_bytes())
            recipients = ", ".join(message.recipients())
            attachments = len(message.attachments)
            sys.stdout.write(f"E-post: {message.subject} → {recipients} ({attachments} vedlegg) [{path}]\n")
            sys.stdout.flush()
            sent += 1
        return sent
