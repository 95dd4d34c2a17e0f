#!/usr/bin/env bash
# `make run`: the development server and the task worker side by side; stopping one (Ctrl-C) stops both.
# Usage: scripts/run-with-worker.sh "<python manage.py>" HOST:PORT
set -uo pipefail
manage=($1)
address="$2"
"${manage[@]}" db_worker --interval 1 --no-startup-delay &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
echo "Task worker started (pid $worker)."
"${manage[@]}" runserver "$address"
