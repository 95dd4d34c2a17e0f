#!/usr/bin/env bash
# Run the whole suite on SQLite and on a throwaway PostgreSQL cluster (initdb/pg_ctl on a free local port),
# removed afterwards. Usage: scripts/run-tests.sh [all|sqlite|postgres] [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"
shift || true
PYTHON=.venv/bin/python
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production}"
export DJANGO_DEBUG=false
export PYTHONHASHSEED=0
summary=()

run_pytest() {
  # pytest exits 5 when it collected no tests: that is a failure here, never a pass.
  local label="$1"; shift
  echo "=== Test suite on $label ==="
  local status=0
  "$PYTHON" -m pytest "$@" || status=$?
  if [[ $status -eq 5 ]]; then echo "No tests were collected on $label: failing." >&2; return 1; fi
  if [[ $status -ne 0 ]]; then echo "Tests failed on $label." >&2; return "$status"; fi
  summary+=("$label: passed")
}

find_pg_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  for dir in /usr/lib/postgresql/*/bin; do [[ -x "$dir/initdb" ]] && { echo "$dir"; return; }; done
  echo "PostgreSQL (initdb) is not installed: run 'make test' to install it." >&2
  return 1
}

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Global, not local: the EXIT trap that removes the cluster runs after run_postgres has returned or failed.
PG_BIN="" PG_DIR="" PG_AS=()
cleanup_pg() {
  [[ -n "$PG_DIR" ]] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
trap cleanup_pg EXIT

run_postgres() {
  local bin pgdir port as_user=()
  bin="$(find_pg_bin)"
  pgdir="$(mktemp -d /tmp/dekomp-pg.XXXXXX)"
  port="$(free_port)"
  # initdb refuses to run as root: run the throwaway cluster as the postgres system user then.
  if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pgdir"
    as_user=(runuser -u postgres --)
  fi
  PG_BIN="$bin" PG_DIR="$pgdir" PG_AS=("${as_user[@]}")
  "${as_user[@]}" "$bin/initdb" -D "$pgdir/data" -U dekomp --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  "${as_user[@]}" "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port ($pgdir)"
  DATABASE_URL="postgres://dekomp@127.0.0.1:$port/dekomp" run_pytest "PostgreSQL" "$@"
  cleanup_pg
}

case "$mode" in
  sqlite) DATABASE_URL="" run_pytest "SQLite" "$@" ;;
  postgres) run_postgres "$@" ;;
  all)
    DATABASE_URL="" run_pytest "SQLite" "$@"
    run_postgres "$@"
    ;;
  *) echo "usage: $0 [all|sqlite|postgres] [pytest args...]" >&2; exit 2 ;;
esac
printf '%s\n' "${summary[@]}"
