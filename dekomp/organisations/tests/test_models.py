"""Organisations and units refuse bad input, in forms with a clear message and in the database by constraints."""

import pytest
from django.db import IntegrityError, connection, transaction

from dekomp.organisations.forms import OrganisationForm, UnitForm
from dekomp.organisations.models import Municipality, Organisation, OrganisationKind, Unit, UnitKind
from dekomp.organisations.validators import clean_orgnr, orgnr_check_digit, synthetic_orgnrs

pytestmark = pytest.mark.django_db

VALID = "974760673"  # a real, checksum-valid organisasjonsnummer


def organisation_data(**overrides):
    return {
        "orgnr": VALID,
        "name": "Testkommune",
        "kind": OrganisationKind.MUNICIPALITY,
        "malform": "nb",
        "municipality": "3107",
        **overrides,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("974760674", "kontrollsifferet stemmer ikke"),
        ("97476067", "nøyaktig 9 sifre"),
        ("9747606731", "nøyaktig 9 sifre"),
        ("97476067A", "må bestå av sifre"),
        ("", "Skriv inn organisasjonsnummeret"),
    ],
)
def test_invalid_orgnr_is_refused_with_a_clear_message(value, message):
    form = OrganisationForm(data=organisation_data(orgnr=value))
    assert not form.is_valid()
    assert message in " ".join(form.errors["orgnr"])


def test_orgnr_with_spaces_is_accepted_and_stored_compact():
    form = OrganisationForm(data=organisation_data(orgnr="974 760 673"))
    assert form.is_valid(), form.errors
    assert form.save().orgnr == VALID
    assert clean_orgnr(" 974-760-673 ") == VALID


def test_synthetic_orgnrs_are_all_valid():
    numbers = [next(gen) for gen in [synthetic_orgnrs(30_000_000)] for _ in range(200)]
    assert len(set(numbers)) == 200
    assert all(clean_orgnr(n) == n for n in numbers)
    # Bases whose check digit would be 10 are skipped, never stored.
    assert orgnr_check_digit("30000004") is None or f"30000004{orgnr_check_digit('30000004')}" in numbers


def test_duplicate_orgnr_is_refused_with_a_clear_message():
    OrganisationForm(data=organisation_data()).save()
    form = OrganisationForm(data=organisation_data(name="Et annet navn", municipality="3105"))
    assert not form.is_valid()
    assert "Det finnes allerede en virksomhet med dette organisasjonsnummeret." in form.errors["orgnr"]


def test_unknown_kommunenummer_is_refused_with_a_clear_message():
    form = OrganisationForm(data=organisation_data(municipality="9999"))
    assert not form.is_valid()
    assert form.errors["municipality"] == ["Kommunenummeret 9999 finnes ikke."]
    form = OrganisationForm(data=organisation_data(municipality="31A7"))
    assert not form.is_valid()
    assert form.errors["municipality"] == ["Kommunenummeret må ha 4 sifre."]


def test_kommune_without_kommunenummer_is_refused():
    form = OrganisationForm(data=organisation_data(municipality=""))
    assert not form.is_valid()
    assert "En kommune må ha et kommunenummer." in form.errors["municipality"]


def test_unit_without_owner_is_refused_with_a_clear_message():
    form = UnitForm(
        data={
            "orgnr": VALID,
            "name": "Skolen",
            "kind": UnitKind.PRIMARY_SCHOOL,
            "municipality": "3107",
            "staff_count": 10,
            "pupil_count": 100,
        }
    )
    assert not form.is_valid()
    assert form.errors["owner"] == ["Velg eieren av enheten. En skole eller barnehage må ha en eier."]


def test_unit_kind_must_fit_the_owner(world):
    fylkeskommune_unit = UnitForm(
        data={
            "orgnr": VALID,
            "name": "Skolen",
            "kind": UnitKind.UPPER_SECONDARY_SCHOOL,
            "owner": world.owner_org.pk,
            "municipality": "3107",
            "staff_count": 10,
            "pupil_count": 100,
        }
    )
    assert not fylkeskommune_unit.is_valid()
    assert "kan ikke eie en enhet av typen videregående skole" in fylkeskommune_unit.errors["owner"][0]


def test_unit_owner_must_be_an_owner(world):
    form = UnitForm(
        data={
            "orgnr": VALID,
            "name": "Skolen",
            "kind": UnitKind.PRIMARY_SCHOOL,
            "owner": world.partner_org.pk,
            "municipality": "3107",
            "staff_count": 1,
            "pupil_count": 1,
        }
    )
    assert not form.is_valid()
    assert "ikke en skoleeier eller barnehageeier" in form.errors["owner"][0]


@pytest.mark.parametrize("bad", ["974760674", "97476067A", "12345678", "0000000001"])
def test_database_refuses_invalid_orgnr_even_past_the_forms(bad):
    kommune = Municipality.objects.get(number="3107")
    with pytest.raises((IntegrityError, Exception)) as caught, transaction.atomic():
        Organisation.objects.create(orgnr=bad, name="X", kind=OrganisationKind.MUNICIPALITY, municipality=kommune)
    assert caught.type.__name__ in {"IntegrityError", "DataError"}
    assert not Organisation.objects.filter(orgnr=bad).exists()


def test_database_refuses_duplicate_orgnr_and_unit_without_owner():
    kommune = Municipality.objects.get(number="3107")
    owner = Organisation.objects.create(orgnr=VALID, name="A", kind=OrganisationKind.MUNICIPALITY, municipality=kommune)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(orgnr=VALID, name="B", kind=OrganisationKind.UNION, municipality=kommune)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            orgnr="998877665", name="U", kind=UnitKind.PRIMARY_SCHOOL, owner_id=None, municipality=kommune
        )
    assert Unit.objects.count() == 0
    assert owner.pk


def test_database_refuses_unknown_municipality():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(orgnr=VALID, name="A", kind=OrganisationKind.UNION, municipality_id=999_999)
        connection.check_constraints()


def test_database_refuses_kommune_without_municipality_and_two_organisations_for_one_kommune():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(orgnr=VALID, name="A", kind=OrganisationKind.MUNICIPALITY)
    kommune = Municipality.objects.get(number="3107")
    Organisation.objects.create(orgnr=VALID, name="A", kind=OrganisationKind.MUNICIPALITY, municipality=kommune)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            orgnr="998877665", name="B", kind=OrganisationKind.MUNICIPALITY, municipality=kommune
        )


def test_reference_data_is_loaded_by_migration():
    from dekomp.organisations.models import County, Office

    assert Municipality.objects.count() == 357
    assert County.objects.count() == 15
    assert Office.objects.count() == 10
    office = Office.objects.get(slug="ostfold-buskerud-oslo-og-akershus")
    assert Municipality.objects.filter(county__offices=office).count() == 52
    assert Municipality.objects.get(number="0301").county.number == "03"
