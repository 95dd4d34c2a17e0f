"""Load the demo data (idempotent): the demo office's actors, regions, bodies and one user per persona."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dekomp.home.demo.actors import build_actors
from dekomp.organisations.models import Organisation, Unit


class Command(BaseCommand):
    help = "Load or refresh the demo data for Statsforvalteren i Østfold, Buskerud, Oslo og Akershus."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            actors = build_actors()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready for {actors.office.name}: "
                f"{Organisation.objects.filter(is_demo=True).count()} organisations, "
                f"{Unit.objects.filter(is_demo=True).count()} units, {len(actors.regions)} regions."
            )
        )
