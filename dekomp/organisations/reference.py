"""Load the reference data (fylker, kommuner and Statsforvalter offices) from the CSV files in data/."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = DATA_DIR / "kommuner-2026.csv"
OFFICES_FILE = DATA_DIR / "statsforvaltere.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(county_model, municipality_model, office_model) -> dict[str, int]:
    """Create or update fylker, kommuner and offices; safe to run again (matches on numbers and slugs).

    Takes the model classes so that a data migration can pass its historical models.
    """
    municipality_rows = read_rows(MUNICIPALITIES_FILE)
    counties = {}
    for row in municipality_rows:
        number = row["fylkesnummer"]
        if number not in counties:
            counties[number], _ = county_model.objects.update_or_create(
                number=number, defaults={"name": row["fylkesnavn"]}
            )
    for row in municipality_rows:
        municipality_model.objects.update_or_create(
            number=row["kommunenummer"],
            defaults={"name": row["kommunenavn"], "county": counties[row["fylkesnummer"]]},
        )
    offices = 0
    for row in read_rows(OFFICES_FILE):
        office, _ = office_model.objects.update_or_create(slug=row["embete"], defaults={"name": row["navn"]})
        office.counties.set([counties[number] for number in row["fylkesnummer"].split()])
        offices += 1
    return {"counties": len(counties), "municipalities": len(municipality_rows), "offices": offices}
