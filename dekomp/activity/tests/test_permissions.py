"""Who reads the audit trail: an office's admins, for their office."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dekomp.activity.permissions import audited_office_ids, can_read_audit_trail, can_read_user_trail
from tests.personas import PERSONA_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_the_office_admin_reads_the_office_trail(world, persona):
    user = world.users[persona] or AnonymousUser()
    assert can_read_audit_trail(user, world.office) is (persona == "office_admin")
    assert not can_read_audit_trail(user, world.other_office)
    assert audited_office_ids(user) == ({world.office.pk} if persona == "office_admin" else set())


def test_a_superuser_without_an_office_role_reads_no_trail(world, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@test.example", password="pw")
    assert not can_read_audit_trail(root, world.office)
    assert not can_read_user_trail(root, world.users["caseworker"])


@pytest.mark.parametrize(
    ("subject", "readable"),
    [
        ("caseworker", True),
        ("secretariat", True),
        ("owner", True),
        ("co_owner", True),
        ("partner", True),
        ("wg_member", True),
        ("forum_member", True),
        ("other_caseworker", False),
        ("national_reader", False),
        ("outsider", False),
    ],
)
def test_the_admin_reads_people_with_a_role_at_the_office(world, subject, readable):
    assert can_read_user_trail(world.users["office_admin"], world.users[subject]) is readable
    assert not can_read_user_trail(world.users["caseworker"], world.users[subject])
