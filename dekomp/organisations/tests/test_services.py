"""Organisation services: permission first, then the same messages as the forms, nothing half-written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.no import orgnr as stdnum_orgnr

from dekomp.organisations.models import Organisation, OrganisationKind, Unit, UnitKind
from dekomp.organisations.services import organisation_register, unit_register
from dekomp.organisations.validators import ORGNR_WEIGHTS, clean_orgnr

pytestmark = pytest.mark.django_db


def test_only_office_admins_register_organisations(world):
    data = {
        "orgnr": "974760673",
        "name": "Ny kommune",
        "kind": OrganisationKind.UNION,
        "malform": "nb",
        "municipality": "3107",
    }
    for persona in ("owner", "caseworker", "partner", "national_reader"):
        with pytest.raises(PermissionDenied):
            organisation_register(by=world.users[persona], data=data)
    organisation = organisation_register(by=world.users["office_admin"], data=data)
    assert organisation.orgnr == "974760673"


def test_register_refuses_bad_input_with_the_forms_messages(world):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        organisation_register(
            by=world.users["office_admin"],
            data={"orgnr": "974760674", "name": "", "kind": OrganisationKind.MUNICIPALITY, "municipality": "9999"},
        )
    errors = caught.value.message_dict
    assert "kontrollsifferet stemmer ikke" in errors["orgnr"][0]
    assert errors["municipality"] == ["Kommunenummeret 9999 finnes ikke."]
    assert Organisation.objects.count() == before


def test_unit_register_needs_an_owner(world):
    with pytest.raises(ValidationError) as caught:
        unit_register(
            by=world.users["office_admin"],
            data={
                "orgnr": "974760673",
                "name": "Skole",
                "kind": UnitKind.PRIMARY_SCHOOL,
                "municipality": "3107",
                "staff_count": 1,
                "pupil_count": 1,
            },
        )
    assert "må ha en eier" in caught.value.message_dict["owner"][0]
    assert not Unit.objects.filter(orgnr="974760673").exists()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_orgnr_check_agrees_with_stdnum_and_the_database_rule(value):
    """Our message-giving check, stdnum and the weighted sum the CHECK constraint uses agree on every number."""
    weighted_ok = sum(int(d) * w for d, w in zip(value, ORGNR_WEIGHTS, strict=True)) % 11 == 0
    try:
        ours = clean_orgnr(value) == value
    except ValidationError:
        ours = False
    assert ours == stdnum_orgnr.is_valid(value) == weighted_ok
