"""The demo data: realistic, idempotent, and every persona lands on its own home."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from dekomp.accounts.models import ForumMembership, User
from dekomp.home.demo.personas import DEMO_PASSWORD, PERSONAS
from dekomp.organisations.models import Organisation, OrganisationKind, Region, Unit, UnitKind
from dekomp.organisations.validators import clean_orgnr

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", verbosity=0)


def snapshot():
    return (
        Organisation.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Region.objects.count(),
        ForumMembership.objects.count(),
        sorted(Unit.objects.values_list("orgnr", "name", "owner__orgnr")),
    )


def test_demo_is_realistic(demo):
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[OrganisationKind.MUNICIPALITY] == 52
    assert kinds[OrganisationKind.COUNTY_MUNICIPALITY] == 3
    assert 18 <= kinds[OrganisationKind.PRIVATE_SCHOOL_OWNER] + kinds[OrganisationKind.PRIVATE_KINDERGARTEN_OWNER] <= 22
    units = dict(Unit.objects.values_list("kind").annotate(n=Count("pk")))
    assert 280 <= units[UnitKind.PRIMARY_SCHOOL] + units[UnitKind.UPPER_SECONDARY_SCHOOL] <= 320
    assert 380 <= units[UnitKind.KINDERGARTEN] <= 420
    assert Region.objects.filter(working_group__isnull=False).count() == 5
    assert all(o.is_demo for o in Organisation.objects.all())
    for orgnr in [*Organisation.objects.values_list("orgnr", flat=True), *Unit.objects.values_list("orgnr", flat=True)]:
        assert clean_orgnr(orgnr) == orgnr
    # Every unit's kind fits its owner (the same rule the forms enforce).
    for unit in Unit.objects.select_related("owner"):
        unit.clean()


def test_demo_forum_is_balanced_and_the_office_has_no_vote(demo):
    seats = ForumMembership.objects.select_related("representing")
    kinds = {seat.representing.kind for seat in seats if seat.representing and seat.role != "sekretariat"}
    assert {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.COUNTY_MUNICIPALITY,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.KS,
        OrganisationKind.PBL,
        OrganisationKind.UNION,
    } <= kinds
    assert all(
        seat.role == "sekretariat"
        for seat in seats
        if seat.representing and seat.representing.kind == OrganisationKind.OFFICE
    )


def test_demo_is_idempotent(demo):
    before = snapshot()
    call_command("demo", verbosity=0)
    assert snapshot() == before


def test_every_persona_lands_on_its_home(demo):
    for persona in PERSONAS:
        client = Client()
        assert client.login(email=persona.email, password=DEMO_PASSWORD), persona.email
        response = client.get(reverse("home:index"), follow=True)
        assert response.status_code == 200, persona.email
        assert response.resolver_match.view_name == persona.home, persona.email


def test_demo_logins_command_lists_every_persona(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert all(persona.email in out for persona in PERSONAS)
