"""Each role's home shows its own data and runs a fixed number of queries whatever the size of the office."""

import pytest
from django.urls import reverse

from dekomp.organisations.models import Organisation, OrganisationKind, Region, Unit, UnitKind
from dekomp.organisations.validators import synthetic_orgnrs

pytestmark = pytest.mark.django_db


def grow_office(world, owners: int, units_per_owner: int) -> None:
    """Add private owners with units in Fredrikstad, members of the world's region."""
    orgnrs = synthetic_orgnrs(50_000_000 + owners * 1000)
    municipality = world.owner_org.municipality
    new = [
        Organisation.objects.create(
            orgnr=next(orgnrs),
            name=f"Privat eier {i}",
            kind=OrganisationKind.PRIVATE_KINDERGARTEN_OWNER,
            municipality=municipality,
        )
        for i in range(owners)
    ]
    Unit.objects.bulk_create(
        Unit(
            orgnr=next(orgnrs),
            name=f"Barnehage {o.pk}-{j}",
            kind=UnitKind.KINDERGARTEN,
            owner=o,
            municipality=municipality,
            staff_count=10,
        )
        for o in new
        for j in range(units_per_owner)
    )
    world.region.members.add(*new)
    Region.objects.create(office=world.office, name=f"Ekstra {owners}")


def count_queries(client, url, django_assert_max_num_queries, capture):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    ("persona", "url_name", "arg"),
    [
        ("caseworker", "home:office", lambda w: w.office.slug),
        ("wg_member", "home:working_group", lambda w: w.working_group.pk),
        ("forum_member", "home:forum", lambda w: w.forum.pk),
        ("owner", "home:owner", lambda w: w.owner_org.pk),
        ("caseworker", "organisations:list", lambda w: w.office.slug),
        ("national_reader", "home:national", None),
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, world, persona, url_name, arg, django_assert_max_num_queries):
    client.force_login(world.users[persona])
    url = reverse(url_name, args=[arg(world)] if arg else [])
    small = count_queries(client, url, django_assert_max_num_queries, None)
    grow_office(world, owners=15, units_per_owner=4)
    large = count_queries(client, url, django_assert_max_num_queries, None)
    assert small == large, f"{url}: {small} queries before, {large} after adding 15 owners and 60 units"


def test_owner_home_lists_own_units_only(client, world):
    client.force_login(world.users["owner"])
    body = client.get(reverse("home:owner", args=[world.owner_org.pk])).content.decode()
    assert "Skole i Fredrikstad kommune" in body
    assert "Skole i Sarpsborg kommune" not in body
    assert "Dine oppgaver" in body


def test_owner_todo_flags_units_without_staff_count(client, world):
    Unit.objects.filter(owner=world.owner_org).update(staff_count=0)
    client.force_login(world.users["owner"])
    body = client.get(reverse("home:owner", args=[world.owner_org.pk])).content.decode()
    assert "1 enhet mangler antall ansatte" in body


def test_office_admin_todo_names_regions_without_working_group(client, world):
    Region.objects.create(office=world.office, name="Buskerud")
    client.force_login(world.users["office_admin"])
    body = client.get(reverse("home:office", args=[world.office.slug])).content.decode()
    assert "Regionen Buskerud har ingen arbeidsgruppe." in body
    client.force_login(world.users["caseworker"])
    body = client.get(reverse("home:office", args=[world.office.slug])).content.decode()
    assert "Regionen Buskerud har ingen arbeidsgruppe." not in body


def test_working_group_home_shows_seats_and_region_owners(client, world):
    client.force_login(world.users["wg_member"])
    body = client.get(reverse("home:working_group", args=[world.working_group.pk])).content.decode()
    assert "recused_member" in body
    assert "Sarpsborg kommune" in body
    assert "Arbeidsgruppen har ingen leder." in body


def test_organisation_list_filters_and_searches(client, world):
    client.force_login(world.users["caseworker"])
    url = reverse("organisations:list", args=[world.office.slug])
    page = client.get(url, {"type": OrganisationKind.UNIVERSITY}).context["page"]
    assert [o.name for o in page] == ["OsloMet"]
    page = client.get(url, {"q": "sarps"}).context["page"]
    assert [o.name for o in page] == ["Sarpsborg kommune"]
    page = client.get(url, {"q": world.owner_org.orgnr[:5]}).context["page"]
    assert world.owner_org in list(page)
    # Bergen lies in another office's fylke and is never listed here.
    page = client.get(url, {"q": "Bergen"}).context["page"]
    assert list(page) == []
    assert client.get(url, {"type": "tull", "side": "abc"}).status_code == 200


def test_national_overview_counts_per_office(client, world):
    client.force_login(world.users["national_reader"])
    offices = {o.slug: o for o in client.get(reverse("home:national")).context["offices"]}
    assert offices["ostfold-buskerud-oslo-og-akershus"].owner_count == 2
    assert offices["ostfold-buskerud-oslo-og-akershus"].partner_count == 1
    assert offices["ostfold-buskerud-oslo-og-akershus"].unit_count == 2
    assert offices["ostfold-buskerud-oslo-og-akershus"].staff_count == 60
    assert offices["vestland"].owner_count == 1
    assert offices["agder"].unit_count == 0
