"""A scheme's egenandel rule: its share of an amount, rounded up to whole kroner, and the percentage in texts."""

from decimal import Decimal

import pytest
from django.utils import translation

from dekomp.schemes.models import Scheme

DEKOMP = Scheme(egenandel_share=Decimal("0.300"))


@pytest.mark.parametrize(
    ("amount", "required"),
    [
        (100_001, 30_001),  # 30 000,30: rounded up, never down to less than the share
        (100_000, 30_000),  # exactly the share: nothing added
        (100_003, 30_001),  # 30 000,90
        (10, 3),  # exact in decimals (0.3 * 10 is 3.0000000000000004 as a float)
        (1, 1),  # 0,30 kr: still a krone
        (0, 0),
        (-5, 0),  # nothing is required for nothing (or for a negative amount)
    ],
)
def test_the_share_of_an_amount_rounded_up_to_whole_kroner(amount, required):
    assert DEKOMP.required_egenandel(Decimal(amount)) == Decimal(required)


def test_a_scheme_without_egenandel_requires_none():
    assert Scheme(egenandel_share=Decimal(0)).required_egenandel(Decimal(100_001)) == 0


@pytest.mark.django_db
def test_the_default_schemes():
    schemes = {scheme.code: scheme for scheme in Scheme.objects.all()}
    assert schemes["dekomp"].required_egenandel(Decimal(100_001)) == 30_001
    assert schemes["rekomp"].required_egenandel(Decimal(100_001)) == 0


@pytest.mark.parametrize(
    ("share", "nb", "en"), [("0.300", "30", "30"), ("0.125", "12,5", "12.5"), ("1.000", "100", "100")]
)
def test_the_percentage_the_texts_state(share, nb, en):
    scheme = Scheme(egenandel_share=Decimal(share))
    with translation.override("nb"):
        assert scheme.egenandel_percent == nb
    with translation.override("en"):
        assert scheme.egenandel_percent == en
