"""One date format per language: pages and e-mails use the named formats, and English has its own (dekomp/formats)."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[2]
# A literal format in a template writes the bokmål style in every language ("2. December 2026" in English).
LITERAL = re.compile(r"""\|date:["'](?!DATE_FORMAT|DATETIME_FORMAT|SHORT_DATE_FORMAT|SHORT_DATETIME_FORMAT|c["'])""")
LITERAL_PY = re.compile(r"""date_format\([^)]*,\s*["'](?![A-Z_]+["'])""")


# The lead's area in this branch; its three literal dates go at merge.
def test_templates_and_code_use_the_named_date_formats():
    found = []
    for path in ROOT.rglob("*"):
        relative = str(path.relative_to(ROOT))
        if path.suffix not in (".html", ".txt", ".py") or "/tests/" in f"/{relative}":
            continue
        pattern = LITERAL_PY if path.suffix == ".py" else LITERAL
        found += [f"{relative}: {m.group()}" for m in pattern.finditer(path.read_text())]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("language", "date", "moment", "short"),
    [
        ("nb", "2. desember 2026", "2. desember 2026 14:30", "02.12.2026"),
        ("nn", "2. desember 2026", "2. desember 2026 14:30", "02.12.2026"),
        ("en", "2 December 2026", "2 December 2026 14:30", "2 December 2026"),
    ],
)
def test_each_language_writes_dates_one_way(language, date, moment, short):
    at = datetime(2026, 12, 2, 14, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    with translation.override(language):
        assert formats.date_format(at, "DATE_FORMAT") == date
        assert formats.date_format(at, "DATETIME_FORMAT") == moment
        assert formats.date_format(at, "SHORT_DATE_FORMAT") == short
