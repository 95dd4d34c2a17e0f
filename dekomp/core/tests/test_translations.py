"""Every interface string is translated to nynorsk and English (nothing untranslated or fuzzy)."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["nn", "en"])
def test_catalogue_is_complete(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
    assert int(statistics.split()[0]) > 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Hopp til hovedinnholdet"), ("nn", "Hopp til hovudinnhaldet"), ("en", "Skip to main content")],
)
def test_compiled_catalogues_are_used(language, expected):
    with translation.override(language):
        assert translation.gettext("Hopp til hovedinnholdet") == expected
