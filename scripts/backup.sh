#!/usr/bin/env bash
# Back up the database and the uploaded files (attachments, decision letters, plans) into one folder.
#
#   scripts/backup.sh [DIR]      DIR must be new or empty; default backups/dekomp-<UTC time>
#
# The database is the one in DATABASE_URL, as the application reads it (empty: db.sqlite3 in the project folder):
#   PostgreSQL  pg_dump --format=custom           → DIR/database.pgdump
#   SQLite      the online backup API (.backup)    → DIR/database.sqlite3 (safe while the application runs)
# The files under DJANGO_MEDIA_ROOT (default media/) go into DIR/media.tar.gz, and DIR/SHA256SUMS lists checksums
# that scripts/restore.sh verifies. Restore with scripts/restore.sh DIR. See docs/backup.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3

die() { echo "backup: $*" >&2; exit 1; }

dest="${1:-backups/dekomp-$(date -u +%Y%m%dT%H%M%SZ)}"
if [[ -e "$dest" ]]; then
  [[ -d "$dest" && -z "$(ls -A "$dest")" ]] || die "$dest exists and is not an empty folder"
fi
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"

# "sqlite <path>" or "postgresql <libpq URI>", from DATABASE_URL exactly as config/settings.py reads it.
target="$(bash scripts/db-target.sh)"
engine="${target%% *}"
location="${target#* }"
media="${DJANGO_MEDIA_ROOT:-$PWD/media}"

case "$engine" in
  postgresql)
    dbfile=database.pgdump
    command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: postgresql-client)"
    pg_dump --format=custom --no-owner --no-privileges --file="$dest/database.pgdump" --dbname="$location"
    pg_restore --list "$dest/database.pgdump" >/dev/null  # a readable archive, or fail now rather than on restore
    ;;
  sqlite)
    dbfile=database.sqlite3
    [[ -f "$location" ]] || die "no SQLite database at $location"
    # The sqlite3 shell's .backup, or the same online backup API from Python when the shell is missing (or the
    # path has a quote the shell's command line cannot carry).
    if command -v sqlite3 >/dev/null && [[ "$dest" != *"'"* ]]; then
      sqlite3 "$location" ".timeout 5000" ".backup '$dest/database.sqlite3'"
    else
      "$PYTHON" - "$location" "$dest/database.sqlite3" <<'PY'
import sqlite3, sys
source, copy = sqlite3.connect(sys.argv[1], timeout=5), sqlite3.connect(sys.argv[2])
with copy:
    source.backup(copy)
copy.close()
source.close()
PY
    fi
    "$PYTHON" - "$dest/database.sqlite3" <<'PY'
import re, sqlite3, sys
copy = sqlite3.connect(sys.argv[1])
# The CHECK constraints use REGEXP, which Django adds to its own connections; the integrity check evaluates them.
copy.create_function("REGEXP", 2, lambda pattern, value: value is not None and re.search(pattern, str(value)) is not None)
result = copy.execute("PRAGMA integrity_check").fetchone()[0]
# A self-contained file: the copy inherits the WAL journal mode, whose side files are not part of the backup.
copy.execute("PRAGMA journal_mode=DELETE")
copy.close()
sys.exit(0 if result == "ok" else f"backup: the copy fails SQLite's integrity check: {result}")
PY
    ;;
  *) die "unknown database engine: $engine" ;;
esac

if [[ -d "$media" ]]; then
  tar -C "$media" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi

{
  echo "engine=$engine"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
} >"$dest/MANIFEST"
(cd "$dest" && sha256sum "$dbfile" media.tar.gz MANIFEST >SHA256SUMS)
echo "Backup of the $engine database and $media written to $dest"
