"""Load fylker, kommuner (SSB 2026) and the ten Statsforvalter offices from the bundled CSV files."""

from django.db import migrations

from dekomp.organisations.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("organisations", "County"),
        apps.get_model("organisations", "Municipality"),
        apps.get_model("organisations", "Office"),
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
