"""The default schemes (DeKomp, ReKomp, Kompetanseløftet), themes and activity types."""

from django.db import migrations

from dekomp.schemes.defaults import load_defaults


def load(apps, schema_editor):
    load_defaults(
        apps.get_model("schemes", "Scheme"), apps.get_model("schemes", "Theme"), apps.get_model("schemes", "ActivityType")
    )


class Migration(migrations.Migration):
    dependencies = [("schemes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
