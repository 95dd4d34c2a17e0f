"""The database refuses every UPDATE and DELETE on the activity record, whoever sends it.

SQLite: two triggers that abort. PostgreSQL: one plpgsql function behind two row triggers; it lets a change through
only when the transaction has set ``dekomp.activity_maintenance`` to ``on``, which only
``dekomp.activity.maintenance`` does (for the demo data). TRUNCATE is left alone: it is how ``manage.py flush`` and
the test runner empty a PostgreSQL database, never something the application does.
"""

from django.db import migrations

MESSAGE = "activity_event is append-only: events cannot be changed or deleted"

SQLITE_CREATE = [
    f"CREATE TRIGGER activity_event_no_update BEFORE UPDATE ON activity_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER activity_event_no_delete BEFORE DELETE ON activity_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS activity_event_no_update;",
    "DROP TRIGGER IF EXISTS activity_event_no_delete;",
]

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION activity_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('dekomp.activity_maintenance', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$;
    """,
    "CREATE TRIGGER activity_event_no_update BEFORE UPDATE ON activity_event "
    "FOR EACH ROW EXECUTE FUNCTION activity_event_append_only();",
    "CREATE TRIGGER activity_event_no_delete BEFORE DELETE ON activity_event "
    "FOR EACH ROW EXECUTE FUNCTION activity_event_append_only();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS activity_event_no_update ON activity_event;",
    "DROP TRIGGER IF EXISTS activity_event_no_delete ON activity_event;",
    "DROP FUNCTION IF EXISTS activity_event_append_only();",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, index: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(f"No append-only triggers for {schema_editor.connection.vendor}.")
    for sql in statements[index]:
        schema_editor.execute(sql)


def create_triggers(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
