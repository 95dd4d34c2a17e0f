"""Share a whole number of kroner between keys in proportion to weights, so that the parts add up exactly.

Pure Python, no Django: the allocation pages use it to split a round's free first-year frame into regional
envelopes, and the solver (``solver.py``) uses it to split a partly funded item between its recipients.

Two methods, both exact (weights become fractions, never floats) and both deterministic:

``largest_remainder`` (Hamilton / Hare–Niemeyer)
    Every key first gets the whole part of its exact quota ``total × weight / Σ weights``; the kroner still missing
    go, one each, to the keys with the largest fractional remainders. Satisfies the *quota rule*: every part is
    the floor or the ceiling of its exact quota, so it is always within 1 kr of it.

``sainte_lague`` (Webster, divisors 1, 3, 5, …)
    The result of handing out the kroner one at a time, each to the key with the highest quotient
    ``weight / (2 × part + 1)``. It is computed without the loop (a first estimate from the rounded quotas, then at
    most a handful of corrections), so totals like 10¹¹ kr are as fast as small ones. Parts can, rarely, differ from
    the exact quota by more than 1 kr, but the method never shows the Alabama paradox: a larger total never gives
    any key less.

Tie-break (both methods): when two keys have exactly the same claim on the next krone (equal remainders, or equal
quotients), the key that sorts first (``sorted()`` order of the keys) gets it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Literal

Method = Literal["largest_remainder", "sainte_lague"]
METHODS: tuple[str, ...] = ("largest_remainder", "sainte_lague")


def equal_weights(keys: Iterable[str]) -> dict[str, int]:
    """Weight 1 for every key, for sharing a total equally (the remainder goes to the first keys in sorted order)."""
    weights: dict[str, int] = {}
    for key in keys:
        if key in weights:
            raise ValueError(f"the key {key!r} appears twice")
        weights[key] = 1
    return weights


def apportion(total: int, weights: Mapping[str, Decimal | int], method: Method = "largest_remainder") -> dict[str, int]:
    """Split ``total`` whole kroner between the keys of ``weights`` in proportion to the weights.

    The parts are whole kroner, never negative, and add up exactly to ``total``. A key with weight 0 gets 0. The
    result has the same keys as ``weights``, in sorted key order.

    Ties are broken by key: between equal remainders (largest remainder) or equal quotients (Sainte-Laguë) the key
    that sorts first gets the krone.

    Raises ``ValueError`` for a negative or non-integer ``total``, a negative or non-finite weight, an unknown
    method, and for a positive ``total`` when there are no weights or every weight is zero (there is nothing to
    share it by). A total of 0 always gives every key 0. Weights must be ``int`` or ``Decimal`` (``Fraction`` is
    accepted too); floats are refused with ``TypeError`` because their binary rounding would decide ties.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise ValueError(f"the total must be a whole number of kroner (an int), not {total!r}")
    if total < 0:
        raise ValueError(f"the total must not be negative (got {total})")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use 'largest_remainder' or 'sainte_lague'")

    keys = sorted(weights)
    scaled = _integer_weights(keys, weights)
    if total == 0:
        return dict.fromkeys(keys, 0)
    weight_sum = sum(scaled)
    if weight_sum == 0:
        if not keys:
            raise ValueError(f"cannot share {total} kr: there are no weights")
        raise ValueError(f"cannot share {total} kr: every weight is zero")

    if method == "largest_remainder":
        parts = _largest_remainder(total, scaled, weight_sum)
    else:
        parts = _sainte_lague(total, scaled, weight_sum)
    return dict(zip(keys, parts, strict=True))


def _integer_weights(keys: list[str], weights: Mapping[str, Decimal | int]) -> list[int]:
    """The weights as integers with the same proportions (multiplied by the common denominator)."""
    fractions: list[Fraction] = []
    for key in keys:
        weight = weights[key]
        if isinstance(weight, bool) or not isinstance(weight, int | Decimal | Fraction):
            raise TypeError(f"the weight for {key!r} must be an int or a Decimal, not {type(weight).__name__}")
        if isinstance(weight, Decimal) and not weight.is_finite():
            raise ValueError(f"the weight for {key!r} must be a finite number (got {weight})")
        value = Fraction(weight)
        if value < 0:
            raise ValueError(f"the weight for {key!r} must not be negative (got {weight})")
        fractions.append(value)
    denominator = lcm(*(value.denominator for value in fractions)) if fractions else 1
    return [value.numerator * (denominator // value.denominator) for value in fractions]


def _largest_remainder(total: int, weights: list[int], weight_sum: int) -> list[int]:
    parts: list[int] = []
    remainders: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        whole, remainder = divmod(total * weight, weight_sum)
        parts.append(whole)
        # Largest remainder first; between equal remainders the lower index (= the key sorting first).
        remainders.append((-remainder, index))
    missing = total - sum(parts)
    # Fewer than len(weights) kroner are missing, and they all go to keys with a positive remainder, so a key with
    # weight 0 (remainder 0) never gets one.
    for _, index in heapq.nsmallest(missing, remainders):
        parts[index] += 1
    return parts


def _sainte_lague(total: int, weights: list[int], weight_sum: int) -> list[int]:
    """Sainte-Laguë by "jump and step".

    The sequential method hands the kroner out in the order of the quotients ``w / (2k + 1)`` (highest first, ties
    to the lower index). Its result is therefore the first ``total`` entries of that order. Rounding every exact
    quota ``q = total × w / Σw`` to the nearest integer (halves up) takes exactly the quotients ``≥ Σw / (2 total)``,
    which is also a prefix of the order; from there we add the next quotients (or drop the last ones) until the
    prefix has ``total`` entries. That takes at most about ``len(weights) / 2`` steps.
    """
    # floor(q + 1/2) = floor((2 total w + Σw) / (2 Σw))
    parts = [(2 * total * weight + weight_sum) // (2 * weight_sum) for weight in weights]
    allotted = sum(parts)
    if allotted < total:
        # Next quotient of each key: w / (2p + 1). Highest first, then lowest index.
        heap = [
            (_NegFraction(weight, 2 * part + 1), index)
            for index, (weight, part) in enumerate(zip(weights, parts, strict=True))
            if weight > 0
        ]
        heapq.heapify(heap)
        while allotted < total:
            _, index = heapq.heappop(heap)
            parts[index] += 1
            allotted += 1
            heapq.heappush(heap, (_NegFraction(weights[index], 2 * parts[index] + 1), index))
    elif allotted > total:
        # Last quotient taken by each key: w / (2p - 1). Lowest first, then highest index (the one taken last).
        heap = [
            (_PosFraction(weight, 2 * part - 1), -index)
            for index, (weight, part) in enumerate(zip(weights, parts, strict=True))
            if part > 0
        ]
        heapq.heapify(heap)
        while allotted > total:
            _, negative_index = heapq.heappop(heap)
            index = -negative_index
            parts[index] -= 1
            allotted -= 1
            if parts[index] > 0:
                heapq.heappush(heap, (_PosFraction(weights[index], 2 * parts[index] - 1), -index))
    return parts


class _PosFraction:
    """``numerator / denominator`` (both ≥ 0, denominator > 0), compared exactly by cross-multiplication."""

    __slots__ = ("denominator", "numerator")

    def __init__(self, numerator: int, denominator: int) -> None:
        self.numerator = numerator
        self.denominator = denominator

    def __lt__(self, other: _PosFraction) -> bool:
        return self.numerator * other.denominator < other.numerator * self.denominator

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _PosFraction):
            return NotImplemented
        return self.numerator * other.denominator == other.numerator * self.denominator

    __hash__ = None  # type: ignore[assignment]


class _NegFraction(_PosFraction):
    """Sorts in reverse: the largest fraction first."""

    __slots__ = ()

    def __lt__(self, other: _PosFraction) -> bool:
        return self.numerator * other.denominator > other.numerator * self.denominator
