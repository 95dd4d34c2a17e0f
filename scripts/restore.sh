#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database in DATABASE_URL and into DJANGO_MEDIA_ROOT.
#
#   scripts/restore.sh [--force] DIR
#
# The checksums in DIR/SHA256SUMS are verified first. The target should be empty: a PostgreSQL database created
# with createdb (no tables), a SQLite file that does not exist yet, an empty media folder. --force restores over
# what is there (PostgreSQL: pg_restore --clean drops and recreates every table; SQLite: the file is overwritten;
# media: files are extracted over the existing ones). Afterwards run `manage.py migrate` if the code is newer than
# the backup. See docs/backup.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3

die() { echo "restore: $*" >&2; exit 1; }

force=0
if [[ "${1:-}" == "--force" ]]; then force=1; shift; fi
[[ $# -eq 1 ]] || die "usage: scripts/restore.sh [--force] DIR"
src="$(cd "$1" && pwd)" || die "no backup folder $1"
[[ -f "$src/SHA256SUMS" ]] || die "$src has no SHA256SUMS: not a backup made by scripts/backup.sh"
(cd "$src" && sha256sum --check --quiet SHA256SUMS) || die "checksums do not match: the backup is damaged"

target="$(bash scripts/db-target.sh)"
engine="${target%% *}"
location="${target#* }"
media="${DJANGO_MEDIA_ROOT:-$PWD/media}"
backup_engine="$(sed -n 's/^engine=//p' "$src/MANIFEST")"
[[ "$engine" == "$backup_engine" ]] || die "the backup is of a $backup_engine database, DATABASE_URL is $engine"

case "$engine" in
  postgresql)
    command -v pg_restore >/dev/null || die "pg_restore is not installed (Debian: postgresql-client)"
    tables="$(psql "$location" --no-psqlrc --tuples-only --no-align \
      --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
    [[ "$tables" == "0" || $force -eq 1 ]] || die "the database already has $tables tables: use --force to replace them"
    # Tables and data first, then indexes, constraints and triggers (the archive's post-data section), all in one
    # transaction: a failed restore leaves the database as it was.
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="$location" "$src/database.pgdump"
    ;;
  sqlite)
    if [[ -s "$location" && $force -eq 0 ]]; then die "$location exists: use --force to overwrite it"; fi
    mkdir -p "$(dirname "$location")"
    # The backup API writes the whole database page by page into the target (and its WAL), like sqlite3's .restore.
    "$PYTHON" - "$src/database.sqlite3" "$location" <<'PY'
import re, sqlite3, sys
backup, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2], timeout=5)
with target:
    backup.backup(target)
# The CHECK constraints use REGEXP, which Django adds to its own connections; the integrity check evaluates them.
target.create_function("REGEXP", 2, lambda pattern, value: value is not None and re.search(pattern, str(value)) is not None)
result = target.execute("PRAGMA integrity_check").fetchone()[0]
target.close()
backup.close()
sys.exit(0 if result == "ok" else f"restore: the restored database fails SQLite's integrity check: {result}")
PY
    ;;
  *) die "unknown database engine: $engine" ;;
esac

mkdir -p "$media"
if [[ -n "$(ls -A "$media")" && $force -eq 0 ]]; then die "$media is not empty: use --force to extract over it"; fi
tar -C "$media" -xzf "$src/media.tar.gz"
echo "Restored the $engine database and $media from $src. Run 'manage.py migrate' if the code is newer."
