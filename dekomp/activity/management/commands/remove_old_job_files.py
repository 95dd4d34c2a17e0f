"""``manage.py remove_old_job_files``: delete the files of background jobs finished long ago (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dekomp.activity.jobs import FILE_DAYS, jobs_remove_old_files


class Command(BaseCommand):
    help = "Delete the files (exports, PDFs) of background jobs finished more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=FILE_DAYS, help=f"keep files this many days (default {FILE_DAYS})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = jobs_remove_old_files(days=options["days"])
        self.stdout.write(f"{removed} job file(s) removed.")
