#!/usr/bin/env bash
# Print where DATABASE_URL points, as config/settings.py reads it: "sqlite <absolute path>" or
# "postgresql <libpq connection URI>". Used by scripts/backup.sh and scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3
"$PYTHON" - <<'PY'
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

url = os.environ.get("DATABASE_URL") or ""
if not url:
    print("sqlite", Path("db.sqlite3").resolve())
    sys.exit()
parts = urlsplit(url)
if parts.scheme == "sqlite":
    import dj_database_url

    print("sqlite", Path(dj_database_url.parse(url)["NAME"]).resolve())
elif parts.scheme in ("postgres", "postgresql", "pgsql"):
    # libpq understands postgresql:// (and postgres://); dj-database-url's pgsql:// is spelled out for it.
    print("postgresql", urlunsplit(parts._replace(scheme="postgresql")))
else:
    sys.exit(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (PostgreSQL or SQLite)")
PY
