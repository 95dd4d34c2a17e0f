"""Load the demo data (idempotent): the demo office's actors, regions, bodies, one user per persona, and its rounds
with their needs reports."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dekomp.home.demo.actors import build_actors
from dekomp.home.demo.needs import build_round_and_reports
from dekomp.organisations.models import Organisation, Unit


class Command(BaseCommand):
    help = "Load or refresh the demo data for Statsforvalteren i Østfold, Buskerud, Oslo og Akershus."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            actors = build_actors()
            needs = build_round_and_reports(actors)
        per_round = ", ".join(f"{count} in {name}" for name, count in sorted(needs["by_round"].items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready for {actors.office.name}: "
                f"{Organisation.objects.filter(is_demo=True).count()} organisations, "
                f"{Unit.objects.filter(is_demo=True).count()} units, {len(actors.regions)} regions, "
                f"{needs['rounds']} rounds, {needs['needs_reports']} needs reports ({per_round}), "
                f"{needs['submissions']} submitted versions."
            )
        )
