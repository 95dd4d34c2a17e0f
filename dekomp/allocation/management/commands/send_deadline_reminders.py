"""Send the day's reminders of the working groups' ranking deadline and the forum's meeting (run once a day by cron
or a systemd timer, beside send_report_reminders)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dekomp.allocation.services import meeting_reminders_send
from dekomp.assessment.services import ranking_reminders_send


class Command(BaseCommand):
    help = (
        "Remind working groups of a ranking deadline and forums of a meeting within 7 days; each person gets each "
        "reminder at most once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD); for testing.")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(str(options["today"]))
            except ValueError as error:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}.") from error
        ranking = ranking_reminders_send(today=today)
        meeting = meeting_reminders_send(today=today)
        self.stdout.write(
            f"Sent {ranking} ranking deadline reminder{'s' if ranking != 1 else ''} and {meeting} forum meeting "
            f"reminder{'s' if meeting != 1 else ''} for {today.isoformat()}."
        )
