"""Who may anonymise whom, what stops it, and the account's part of anonymisation."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from dekomp.accounts.models import OfficeMembership, OfficeRole, User
from dekomp.accounts.privacy import (
    account_anonymise,
    anonymise_problems,
    anonymised_email,
    anonymised_name,
    can_anonymise_user,
    is_anonymised,
    offices_of,
    sole_admin_offices,
)


def test_offices_of_follows_every_kind_of_role(world):
    office = world.office.pk
    assert offices_of(world.users["owner"]) == {office}  # an organisation in the office's fylker
    assert offices_of(world.users["wg_member"]) == {office}  # a working group of the office
    assert offices_of(world.users["forum_member"]) == {office}  # a forum of the office
    assert offices_of(world.users["caseworker"]) == {office}  # at the office itself
    assert offices_of(world.users["other_caseworker"]) == {world.other_office.pk}
    assert offices_of(world.users["outsider"]) == set()


@pytest.mark.parametrize(
    ("subject", "allowed"),
    [
        ("owner", True),
        ("co_owner", True),
        ("partner", True),  # OsloMet lies in Oslo, one of the office's fylker
        ("wg_member", True),
        ("forum_member", True),
        ("caseworker", True),
        ("secretariat", True),
        ("other_caseworker", False),  # another office's caseworker
        ("outsider", False),  # no role anywhere
        ("office_admin", False),  # never oneself
    ],
)
def test_only_an_admin_of_an_office_where_the_person_has_a_role(world, subject, allowed):
    assert can_anonymise_user(world.users["office_admin"], world.users[subject]) is allowed


@pytest.mark.parametrize("persona", ["caseworker", "secretariat", "owner", "national_reader", "other_caseworker"])
def test_nobody_else_may_anonymise(world, persona):
    assert not can_anonymise_user(world.users[persona], world.users["wg_member"])


def test_anonymous_and_inactive_users_may_not(world):
    from django.contrib.auth.models import AnonymousUser

    assert not can_anonymise_user(AnonymousUser(), world.users["owner"])
    admin = world.users["office_admin"]
    admin.is_active = False
    admin.save()
    assert not can_anonymise_user(User.objects.get(pk=admin.pk), world.users["owner"])


def test_superuser_may_anonymise_anyone_but_an_office_admin_not_a_superuser(world):
    root = User.objects.create_superuser(email="root@test.example", password="pw", full_name="Root")
    assert can_anonymise_user(root, world.users["outsider"])
    assert can_anonymise_user(root, world.users["other_caseworker"])
    assert not can_anonymise_user(root, root)
    OfficeMembership.objects.create(user=root, office=world.office, role=OfficeRole.CASEWORKER)
    assert not can_anonymise_user(User.objects.get(pk=world.users["office_admin"].pk), root)


def test_the_only_admin_of_an_office_cannot_be_anonymised(world):
    admin = world.users["office_admin"]
    assert sole_admin_offices(admin) == [world.office.name]
    assert any(world.office.name in problem for problem in anonymise_problems(subject=admin))
    OfficeMembership.objects.create(user=world.users["outsider"], office=world.office, role=OfficeRole.ADMIN)
    assert sole_admin_offices(admin) == []
    assert anonymise_problems(subject=admin) == []


def test_account_anonymise_replaces_the_person_and_ends_the_memberships(world):
    subject = world.users["secretariat"]  # a forum seat and a caseworker role
    LogEntry.objects.create(
        user=world.users["office_admin"],
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(subject.pk),
        object_repr=subject.full_name,
        action_flag=CHANGE,
        change_message="[]",
    )
    subject.phone = "+47 400 00 000"
    subject.save()
    counts = account_anonymise(subject=subject)
    subject.refresh_from_db()
    assert subject.full_name == anonymised_name(subject) == f"Anonymisert bruker #{subject.pk}"
    assert subject.email == anonymised_email(subject) == f"anonymisert-{subject.pk}@invalid"
    assert is_anonymised(subject)
    assert subject.phone == ""
    assert not subject.is_active and not subject.has_usable_password()
    assert not subject.forum_memberships.exists() and not subject.office_memberships.exists()
    assert counts == {"memberships_ended": 2, "admin_history_entries": 1}
    assert LogEntry.objects.get(object_id=str(subject.pk)).object_repr == subject.full_name
    assert anonymise_problems(subject=subject) == ["Brukeren er allerede anonymisert."]
