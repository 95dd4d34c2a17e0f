"""Backup and restore with scripts/backup.sh and scripts/restore.sh: the demo data goes into a fresh database, is
backed up, restored into an empty one, and every row of every table (and every uploaded file) comes back the same.

The SQLite variant runs in the SQLite pass, the PostgreSQL variant in the PostgreSQL pass (scripts/run-tests.sh);
each needs only the command-line tools the scripts use. Slow-ish: the demo data takes half a minute to build.
"""

import hashlib
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres:", "postgresql:"))

# Tables the demo fills: a restore that loses any of them fails, whatever else it keeps.
MUST_HAVE_ROWS = [
    "accounts_user",
    "accounts_officemembership",
    "organisations_organisation",
    "needs_needsreport",
    "needs_submission",
    "assessment_ranking",
    "allocation_recommendation",
    "decisions_decision",
    "payouts_payout",
    "reporting_recipientreport",
    "activity_event",
    "django_migrations",
]


def _env(database_url: str, media: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-secret-key",
        "DJANGO_DEBUG": "false",
        "DJANGO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHON": sys.executable,
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _build_demo(env: dict[str, str]) -> None:
    _run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    _run([sys.executable, "manage.py", "demo"], env)


def _model_tables() -> set[str]:
    """Every table Django's models use, the many-to-many ones included."""
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed}


def _value(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value


def _fingerprint(tables: Iterable[str], rows_of: Callable[[str], list[tuple]]) -> dict[str, list[str]]:
    """Table → the sorted checksums of its rows (one per row, of every column's value)."""
    return {
        table: sorted(hashlib.sha256(repr(tuple(map(_value, row))).encode()).hexdigest() for row in rows_of(table))
        for table in tables
    }


def _media_files(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def _assert_same(source: dict[str, list[str]], restored: dict[str, list[str]]) -> None:
    assert set(restored) == set(source), "the restored database has other tables"
    assert _model_tables() <= set(restored), f"tables missing: {sorted(_model_tables() - set(restored))}"
    for table in MUST_HAVE_ROWS:
        assert source[table], f"the demo left {table} empty: the test proves nothing for it"
    for table, rows in source.items():
        assert len(restored[table]) == len(rows), f"{table}: {len(restored[table])} rows restored of {len(rows)}"
        assert restored[table] == rows, f"{table}: rows differ after the restore"


def _assert_media_restored(media: Path, restored_media: Path, backup: Path) -> None:
    files = _media_files(media)
    assert files, "the demo wrote no files (decision letters): the media backup is untested"
    assert _media_files(restored_media) == files
    with tarfile.open(backup / "media.tar.gz") as archive:
        assert {name.removeprefix("./") for name in archive.getnames() if archive.getmember(name).isfile()} == set(
            files
        )


# ---------------------------------------------------------------------------------------------------------- SQLite


def _sqlite_fingerprint(path: Path) -> dict[str, list[str]]:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Table names come from the database's own catalogue.
        return _fingerprint(tables, lambda table: connection.execute(f'SELECT * FROM "{table}"').fetchall())  # noqa: S608
    finally:
        connection.close()


def _sqlite_backup_restores_every_record(tmp_path):
    import sqlite3

    source_db, media = tmp_path / "source.sqlite3", tmp_path / "media"
    env = _env(f"sqlite:///{source_db}", media)
    _build_demo(env)
    backup = tmp_path / "backup"
    _run(["bash", "scripts/backup.sh", str(backup)], env)
    assert sorted(path.name for path in backup.iterdir()) == [
        "MANIFEST",
        "SHA256SUMS",
        "database.sqlite3",
        "media.tar.gz",
    ]

    restored_db, restored_media = tmp_path / "restored" / "db.sqlite3", tmp_path / "restored" / "media"
    restored_env = _env(f"sqlite:///{restored_db}", restored_media)
    _run(["bash", "scripts/restore.sh", str(backup)], restored_env)

    _assert_same(_sqlite_fingerprint(source_db), _sqlite_fingerprint(restored_db))
    _assert_media_restored(media, restored_media, backup)
    # The restored database is one Django accepts as up to date, and the audit trail is still append-only.
    _run([sys.executable, "manage.py", "migrate", "--check"], restored_env)
    connection = sqlite3.connect(restored_db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("UPDATE activity_event SET comment = 'endret'")
    connection.close()
    # A second restore over the first is refused without --force.
    refused = subprocess.run(
        ["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=restored_env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "--force" in refused.stderr


def test_restore_refuses_a_damaged_backup(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "database.sqlite3").write_bytes(b"not a database")
    (backup / "media.tar.gz").write_bytes(b"")
    (backup / "MANIFEST").write_text("engine=sqlite\n")
    (backup / "SHA256SUMS").write_text(f"{'0' * 64}  database.sqlite3\n")
    env = _env(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "media")
    result = subprocess.run(
        ["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "damaged" in result.stderr
    assert not (tmp_path / "target.sqlite3").exists()


# ------------------------------------------------------------------------------------------------------ PostgreSQL


def _postgres_settings() -> dict:
    import dj_database_url

    return dj_database_url.parse(os.environ["DATABASE_URL"])


def _postgres_url(database: str) -> str:
    db = _postgres_settings()
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{database}"


def _postgres_connect(database: str):
    import psycopg

    db = _postgres_settings()
    return psycopg.connect(
        dbname=database,
        user=db["USER"] or None,
        password=db.get("PASSWORD") or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def _postgres_fingerprint(database: str) -> tuple[dict[str, list[str]], dict[str, int | None]]:
    """The rows of every table, and where every sequence stands (so new rows get fresh ids after a restore)."""
    from psycopg import sql

    with _postgres_connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        select = sql.SQL("SELECT * FROM {}")
        rows = _fingerprint(tables, lambda table: connection.execute(select.format(sql.Identifier(table))).fetchall())
        sequences = dict(
            connection.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        )
    return rows, sequences


def _postgres_backup_restores_every_record(tmp_path):
    import psycopg
    from psycopg import sql

    suffix = uuid.uuid4().hex[:8]
    source, target = f"dekomp_backup_source_{suffix}", f"dekomp_backup_target_{suffix}"
    with _postgres_connect("postgres") as admin:
        for name in (source, target):
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        media = tmp_path / "media"
        env = _env(_postgres_url(source), media)
        _build_demo(env)
        backup = tmp_path / "backup"
        _run(["bash", "scripts/backup.sh", str(backup)], env)
        assert (backup / "database.pgdump").stat().st_size > 0

        restored_media = tmp_path / "restored-media"
        restored_env = _env(_postgres_url(target), restored_media)
        _run(["bash", "scripts/restore.sh", str(backup)], restored_env)

        source_rows, source_sequences = _postgres_fingerprint(source)
        restored_rows, restored_sequences = _postgres_fingerprint(target)
        _assert_same(source_rows, restored_rows)
        assert restored_sequences == source_sequences
        _assert_media_restored(media, restored_media, backup)
        _run([sys.executable, "manage.py", "migrate", "--check"], restored_env)
        # The append-only triggers came back with the data (pg_restore creates them after loading the rows).
        with _postgres_connect(target) as connection, pytest.raises(psycopg.errors.RestrictViolation):
            connection.execute("UPDATE activity_event SET comment = 'endret'")
        refused = subprocess.run(
            ["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=restored_env, capture_output=True, text=True
        )
        assert refused.returncode != 0 and "--force" in refused.stderr
        # With --force the restore replaces what is there (pg_restore --clean), and the data is still the same.
        _run(["bash", "scripts/restore.sh", "--force", str(backup)], restored_env)
        assert _postgres_fingerprint(target)[0] == source_rows
    finally:
        with _postgres_connect("postgres") as admin:
            for name in (source, target):
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_backup_restores_every_record(tmp_path):
    """On the database this pass of the suite runs on (CI runs both): SQLite's backup, or pg_dump and pg_restore."""
    if ON_POSTGRES:
        _postgres_backup_restores_every_record(tmp_path)
    else:
        _sqlite_backup_restores_every_record(tmp_path)
