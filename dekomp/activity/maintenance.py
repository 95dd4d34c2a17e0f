"""The one way round the append-only activity record, for the demo data only.

The demo command rebuilds its rounds from a seed: it removes the events of the objects it removes, and dates the
events it records to when each thing happened in the story. Nothing else may change or delete an event, and no
service calls this module. Both functions lift the guards (the ORM's and the database's triggers) inside one
transaction and put them back before it ends; if anything fails, the rollback puts them back too.

- SQLite: the triggers are dropped and created again inside the transaction (SQLite's DDL is transactional, and
  the transaction holds the write lock, so no other connection writes in between).
- PostgreSQL: the transaction sets ``dekomp.activity_maintenance`` to ``on`` with ``set_config(..., true)``
  (transaction-local), which the trigger function lets through; nothing is dropped and no table lock is taken.

This keeps honest code honest; it is not a defence against someone with SQL access to the database. In production,
run migrations as the table owner and grant the application's role only SELECT and INSERT on ``activity_event``.

``manage.py flush`` (which empties every table, the record included, and is how Django's test runner resets a
SQLite database) goes through ``unlocked()`` as well: see ``management/commands/flush.py``.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import import_module

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet

from .models import Event, _maintenance

# The triggers exactly as the migration created them, so that they come back the same.
append_only = import_module("dekomp.activity.migrations.0002_append_only")

POSTGRES_SETTING = "dekomp.activity_maintenance"


def _lift(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in append_only.SQLITE_DROP:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [POSTGRES_SETTING])


def _restore(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in append_only.SQLITE_CREATE:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [POSTGRES_SETTING])


@contextmanager
def unlocked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside this block (one transaction) events may be changed and deleted; for this module and flush only."""
    with transaction.atomic(using=using):
        _lift(using)
        token = _maintenance.set(True)
        try:
            yield
        finally:
            _maintenance.reset(token)
        _restore(using)


def purge_demo_events(events: QuerySet[Event]) -> int:
    """Delete these events of demo objects the demo command is about to rebuild; returns how many."""
    with unlocked():
        deleted, _by_model = events.delete()
    return deleted


def date_demo_events(events: Iterable[Event]) -> None:
    """Store the ``at`` set on these just-recorded demo events: when each thing happened in the demo's story."""
    with unlocked():
        Event.objects.bulk_update(list(events), ["at"], batch_size=500)
