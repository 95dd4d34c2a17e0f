"""Send the e-mails waiting in the outbox (run every minute from cron or a systemd timer)."""

import time

from django.core.management.base import BaseCommand

from dekomp.core.outbox import send_pending


class Command(BaseCommand):
    help = "Send the e-mails waiting in the outbox whose next attempt is due; failures wait longer each time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=200, help="At most this many messages in one pass.")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, one pass every SECONDS (for a process manager instead of cron).",
        )

    def handle(self, *args: object, **options: object) -> None:
        while True:
            result = send_pending(limit=options["limit"])
            self.stdout.write(
                f"Outbox: {result.sent} sent, {result.failed} failed and waiting, {result.given_up} given up, "
                f"{result.recovered} recovered from a stopped sender."
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
