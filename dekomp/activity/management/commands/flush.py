"""Django's ``flush``, with the activity record's append-only triggers lifted while every table is emptied.

On SQLite, ``flush`` (also run by the test runner after a transactional test) empties tables with DELETE, which
the append-only trigger refuses; emptying the whole database is an administrator's act, not the application's.
"""

from django.core.management.commands import flush

from dekomp.activity.maintenance import unlocked


class Command(flush.Command):
    """``manage.py flush``: unchanged, except that the activity record is emptied with everything else."""

    def handle(self, **options: object) -> None:
        if options.get("interactive"):
            # Ask before the transaction starts, so no lock is held while someone reads the question.
            answer = input(
                f'This will IRREVERSIBLY DESTROY all data in the "{options["database"]}" database, the activity '
                "record included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
            options = {**options, "interactive": False}
        with unlocked(using=options["database"]):
            super().handle(**options)
