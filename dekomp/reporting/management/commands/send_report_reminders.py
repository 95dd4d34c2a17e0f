"""Send the day's reminders about recipients' reports (run once a day by cron or a systemd timer)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dekomp.reporting.services import reminders_send


class Command(BaseCommand):
    help = "Remind recipients of reports due within 14 days or overdue; each reminder is sent at most once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD); for testing.")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(str(options["today"]))
            except ValueError as error:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}.") from error
        sent = reminders_send(today=today)
        self.stdout.write(f"Sent {sent} report reminder{'s' if sent != 1 else ''} for {today.isoformat()}.")
