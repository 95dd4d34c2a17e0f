"""The activity record is append-only: the ORM and the database (SQLite and PostgreSQL) refuse changes and deletes."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dekomp.activity import maintenance
from dekomp.activity.models import Event, EventImmutableError
from dekomp.activity.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world):
    return record(actor=world.users["caseworker"], verb="checked", target=world.report, changes={"status": ["a", "b"]})


def _stored(event: Event) -> tuple:
    return Event.objects.filter(pk=event.pk).values_list("verb", "changes", "comment", "at").get()


def test_record_writes_one_event_with_json_safe_changes(world):
    from decimal import Decimal

    event = record(
        actor=None, verb="expected", target=world.report, changes={"amount": Decimal("150000.00"), "year": 2027}
    )
    event.refresh_from_db()
    assert event.changes == {"amount": "150000", "year": 2027}
    assert event.actor is None and event.target_id == world.report.pk


def test_saving_an_existing_event_is_refused(event):
    before = _stored(event)
    event.verb = "returned"
    with pytest.raises(EventImmutableError, match="append-only"):
        event.save()
    assert _stored(event) == before


def test_deleting_an_event_is_refused(event):
    with pytest.raises(EventImmutableError):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "action",
    [
        lambda qs, event: qs.update(verb="returned"),
        lambda qs, event: qs.delete(),
        lambda qs, event: Event.objects.bulk_update([event], ["verb"]),
        lambda qs, event: Event.objects.update_or_create(pk=event.pk, defaults={"verb": "returned"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_queryset_writes_are_refused(event, action):
    before = _stored(event)
    event.verb = "returned"
    with pytest.raises(EventImmutableError):
        action(Event.objects.filter(pk=event.pk), event)
    assert _stored(event) == before


def test_a_new_event_with_a_taken_primary_key_is_not_an_update(event):
    clone = Event(pk=event.pk, verb="forged", target_type_id=event.target_type_id, target_id=event.target_id)
    with pytest.raises(DatabaseError), transaction.atomic():
        clone.save()
    assert _stored(event)[0] == "checked"


def test_the_database_refuses_an_update_sent_as_sql(event):
    before = _stored(event)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE activity_event SET verb = %s WHERE id = %s", ["returned", event.pk])
    assert _stored(event) == before


def test_the_database_refuses_a_delete_sent_as_sql(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_backdating_too(event):
    earlier = timezone.now() - timedelta(days=9)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE activity_event SET at = %s WHERE id = %s", [earlier, event.pk])
    assert Event.objects.get(pk=event.pk).at == event.at


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activity_event'")
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'activity_event'::regclass AND NOT tgisinternal"
            )
        return set(cursor.fetchall())


def test_the_migration_installed_both_triggers():
    assert {name for name, _sql in _triggers()} == {"activity_event_no_update", "activity_event_no_delete"}


def test_purging_demo_events_deletes_them_and_puts_the_guards_back(world, event):
    other = record(actor=None, verb="expected", target=world.round)
    triggers = _triggers()
    assert maintenance.purge_demo_events(Event.objects.filter(pk=event.pk)) == 1
    assert not Event.objects.filter(pk=event.pk).exists()
    assert Event.objects.filter(pk=other.pk).exists()
    assert _triggers() == triggers  # the same triggers, as the migration wrote them
    with pytest.raises(EventImmutableError):
        Event.objects.filter(pk=other.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_event WHERE id = %s", [other.pk])


def test_dating_demo_events_stores_their_time(event):
    earlier = timezone.now() - timedelta(days=200)
    event.at = earlier
    maintenance.date_demo_events([event])
    assert Event.objects.get(pk=event.pk).at == earlier
    with pytest.raises(EventImmutableError):
        Event.objects.bulk_update([event], ["at"])


def test_a_failure_inside_maintenance_rolls_back_and_keeps_the_guards(event):
    triggers = _triggers()
    with pytest.raises(RuntimeError), maintenance.unlocked():
        Event.objects.filter(pk=event.pk).delete()
        raise RuntimeError("half-way")
    assert Event.objects.filter(pk=event.pk).exists()
    assert _triggers() == triggers
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_event WHERE id = %s", [event.pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_record_with_everything_else():
    """``manage.py flush`` (and the test runner after a transactional test) may empty the record, as every table."""
    record(actor=None, verb="expected", target=apps.get_model("organisations", "Office").objects.first())
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists()
    assert {name for name, _sql in _triggers()} == {"activity_event_no_update", "activity_event_no_delete"}
