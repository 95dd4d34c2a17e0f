"""Regional envelopes add up to the frame to the krone, by any key; typed envelopes that do not add up are refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dekomp.allocation.models import Envelope, EnvelopeKey
from dekomp.allocation.services import envelopes_set
from dekomp.needs.tests.factories import open_round
from dekomp.organisations.models import Region, Unit, UnitKind, WorkingGroup
from dekomp.organisations.validators import synthetic_orgnrs
from dekomp.schemes.models import Frame, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    round = open_round(world.office)
    dekomp = Scheme.objects.get(code="dekomp")
    Frame.objects.filter(round=round, scheme=dekomp).update(amount=Decimal(10_000_001))
    second = Region.objects.create(office=world.office, name="Oslo")
    WorkingGroup.objects.create(region=second, name="Arbeidsgruppe Oslo")
    second.members.add(world.other_owner_org)  # whatever its fylke: membership is what counts
    orgnrs = synthetic_orgnrs(63_000_000)
    Unit.objects.create(
        orgnr=next(orgnrs),
        name="Stor skole",
        kind=UnitKind.PRIMARY_SCHOOL,
        owner=world.other_owner_org,
        municipality=world.other_owner_org.municipality,
        staff_count=90,
    )
    return round, dekomp, world.region, second


def amounts(round, scheme, year):
    return dict(
        Envelope.objects.filter(round=round, scheme=scheme, budget_year=year).values_list("region__name", "amount")
    )


@pytest.mark.parametrize("method", ["largest_remainder", "sainte_lague"])
def test_staff_key_adds_up_to_the_frame(world, setup, method):
    round, scheme, _first, _second = setup
    envelopes_set(
        by=world.users["caseworker"],
        round=round,
        scheme=scheme,
        kind="ansatte",
        method=method,
        source="Udir, Skoleporten",
        source_year=2025,
    )
    for year in round.budget_years:
        parts = amounts(round, scheme, year)
        assert sum(parts.values()) == Decimal(10_000_001)
    # Østfold's members have 2 × 30 staff, Oslo's 30 + 90: a third and two thirds.
    parts = amounts(round, scheme, 2027)
    assert abs(parts["Østfold"] - Decimal(10_000_001) / 3) <= 1
    key = EnvelopeKey.objects.get(round=round, scheme=scheme)
    assert (key.source, key.source_year, key.method) == ("Udir, Skoleporten", 2025, method)


def test_equal_key(world, setup):
    round, scheme, _first, _second = setup
    envelopes_set(by=world.users["caseworker"], round=round, scheme=scheme, kind="like", method="largest_remainder")
    assert sorted(amounts(round, scheme, 2027).values()) == [Decimal(5_000_000), Decimal(5_000_001)]


def test_typed_envelopes_that_do_not_add_up_are_refused(world, setup):
    round, scheme, first, second = setup
    envelopes_set(by=world.users["caseworker"], round=round, scheme=scheme, kind="like", method="largest_remainder")
    before = sorted(Envelope.objects.values_list("region_id", "budget_year", "amount"))
    typed = {(first.pk, year): Decimal(6_000_000) for year in round.budget_years}
    typed |= {(second.pk, year): Decimal(4_000_000) for year in round.budget_years}
    with pytest.raises(ValidationError) as caught:
        envelopes_set(
            by=world.users["caseworker"],
            round=round,
            scheme=scheme,
            kind="manuell",
            method="largest_remainder",
            typed=typed,
        )
    message = caught.value.messages[0]
    assert "summerer til 10\u00a0000\u00a0000 kr, men den ledige rammen er 10\u00a0000\u00a0001 kr" in message
    assert sorted(Envelope.objects.values_list("region_id", "budget_year", "amount")) == before
    typed[(second.pk, 2027)] = Decimal(4_000_001)
    typed[(second.pk, 2028)] = Decimal(4_000_001)
    typed[(second.pk, 2029)] = Decimal(4_000_001)
    envelopes_set(
        by=world.users["caseworker"],
        round=round,
        scheme=scheme,
        kind="manuell",
        method="largest_remainder",
        typed=typed,
    )
    assert amounts(round, scheme, 2027) == {"Østfold": Decimal(6_000_000), "Oslo": Decimal(4_000_001)}


def test_key_from_data_needs_its_source_and_only_the_office_sets_envelopes(world, setup):
    round, scheme, _first, _second = setup
    with pytest.raises(ValidationError, match="Oppgi hvor tallene kommer fra"):
        envelopes_set(
            by=world.users["caseworker"], round=round, scheme=scheme, kind="elever", method="largest_remainder"
        )
    for persona in ("forum_member", "wg_member", "other_caseworker", "owner"):
        with pytest.raises(PermissionDenied):
            envelopes_set(by=world.users[persona], round=round, scheme=scheme, kind="like", method="largest_remainder")


def test_envelopes_split_the_frame_less_what_other_rounds_commit(world):
    """Years 2 and 3 of last year's decisions bind money: the envelopes add up to the free frame, not the frame."""
    from dekomp.decisions.tests.factories import decided

    earlier = open_round(world.office, name="Fjorårets runde")
    decisions = decided(world, 2, round=earlier)
    later = open_round(world.office, name="Årets runde")
    later.first_budget_year = earlier.first_budget_year + 1
    later.save()
    scheme = decisions[0].report.scheme
    envelopes = envelopes_set(
        by=world.users["caseworker"], round=later, scheme=scheme, kind="like", method="largest_remainder"
    )
    committed = sum(
        line.amount
        for decision in decisions
        for line in decision.lines.all()
        if line.budget_year == later.first_budget_year
    )
    frame = later.frames.get(scheme=scheme, budget_year=later.first_budget_year).amount
    assert committed > 0
    assert sum(e.amount for e in envelopes if e.budget_year == later.first_budget_year) == frame - committed
