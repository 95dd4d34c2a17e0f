"""Load the demo data (idempotent): the demo office's actors, regions, bodies, one user per persona, and its rounds
with their needs reports."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from dekomp.home.demo.actors import build_actors
from dekomp.home.demo.needs import ROUND_2026, build_round_and_reports
from dekomp.home.demo.year import STAGES, build_year, clear_year
from dekomp.organisations.models import Organisation, Unit
from dekomp.schemes.models import Round

DEMO_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Command(BaseCommand):
    help = "Load or refresh the demo data for Statsforvalteren i Østfold, Buskerud, Oslo og Akershus."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--until",
            choices=STAGES,
            default=STAGES[-1],
            help="Take last year's round only this far (a test then goes through the rest of the year itself).",
        )

    def handle(self, *args: object, **options: object) -> None:
        # The story's e-mails (receipts, letters) belong to its past: they are not queued for the worker, which would
        # otherwise send hundreds of them to the demo's made-up addresses after every `make run`.
        with override_settings(TASKS=DEMO_TASKS), transaction.atomic():
            actors = build_actors()
            clear_year(list(Round.objects.filter(office=actors.office)))
            needs = build_round_and_reports(actors)
            year = build_year(
                actors, Round.objects.get(office=actors.office, name=ROUND_2026.name), until=options["until"]
            )
        per_round = ", ".join(f"{count} in {name}" for name, count in sorted(needs["by_round"].items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready for {actors.office.name}: "
                f"{Organisation.objects.filter(is_demo=True).count()} organisations, "
                f"{Unit.objects.filter(is_demo=True).count()} units, {len(actors.regions)} regions, "
                f"{needs['rounds']} rounds, {needs['needs_reports']} needs reports ({per_round}), "
                f"{needs['submissions']} submitted versions; {ROUND_2026.name} taken to {options['until']}: {year}."
            )
        )
