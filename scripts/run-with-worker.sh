#!/usr/bin/env bash
# `make run`: the development server and the task worker side by side; stopping one (Ctrl-C) stops both.
# Usage: scripts/run-with-worker.sh <python> manage.py HOST:PORT
set -uo pipefail
address="${!#}"
manage=("${@:1:$#-1}")
"${manage[@]}" db_worker --interval 1 --no-startup-delay &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
echo "Task worker started (pid $worker); e-mails are one line each here, the messages in tmp/mail/."
"${manage[@]}" runserver "$address"
