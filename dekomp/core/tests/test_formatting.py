"""The nok and orgnr formatting used in templates, PDFs and exports."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from dekomp.core.formatting import format_nok, format_number, format_orgnr

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, f"1{NBSP}234{NBSP}567{NBSP}kr"),
        (0, f"0{NBSP}kr"),
        (999, f"999{NBSP}kr"),
        (1000, f"1{NBSP}000{NBSP}kr"),
        (Decimal("1234.50"), f"1{NBSP}235{NBSP}kr"),
        (Decimal("1234.49"), f"1{NBSP}234{NBSP}kr"),
        (-25000, f"\u221225{NBSP}000{NBSP}kr"),
        ("150000", f"150{NBSP}000{NBSP}kr"),
        (None, ""),
        ("", ""),
    ],
)
def test_format_nok(value, expected):
    assert format_nok(value) == expected


def test_format_nok_leaves_non_numbers_alone():
    assert format_nok("ikke et tall") == "ikke et tall"


def test_nok_and_orgnr_filters_are_builtins():
    rendered = Template("{{ amount|nok }} / {{ number|orgnr }}").render(
        Context({"amount": 1234567, "number": "974760673"})
    )
    assert rendered == f"1{NBSP}234{NBSP}567{NBSP}kr / 974{NBSP}760{NBSP}673"


def test_format_orgnr_keeps_odd_values():
    assert format_orgnr("12345") == "12345"
    assert format_orgnr(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("nb", "3. desember 2026"), ("nn", "3. desember 2026"), ("en", "3 December 2026")]
)
def test_dates_are_written_the_norwegian_way(language, expected):
    from datetime import date

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(date(2026, 12, 3)) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (24771, None, f"24{NBSP}771"),
        ("21504", None, f"21{NBSP}504"),
        (999, None, "999"),
        (-12345, None, f"\u221212{NBSP}345"),
        (Decimal("0.3456"), 2, "0,35"),
        (Decimal("21504.000"), 2, f"21{NBSP}504"),
        (1.5, None, "1,5"),
        (None, None, ""),
        ("", None, ""),
        ("abc", None, "abc"),
    ],
)
def test_counts_and_weights_are_grouped(value, places, expected):
    assert format_number(value, places) == expected


def test_number_filter():
    assert Template("{{ n|number }} {{ w|number:2 }}").render(Context({"n": 24771, "w": Decimal("1.005")})) == (
        f"24{NBSP}771 1,01"
    )
