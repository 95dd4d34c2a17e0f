# Every target sets up what it needs: a fresh clone needs only `make run` or `make test`.
# A second run reuses what the first installed (stamps under .make/ track pyproject.toml and package-lock.json).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_DEBUG ?= true

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z_-]+:.*?## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMPS):
	@mkdir -p $(STAMPS)

$(STAMPS)/system: scripts/system-packages.sh | $(STAMPS)
	bash scripts/system-packages.sh base
	@touch $@

$(STAMPS)/venv: pyproject.toml $(STAMPS)/system | $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMPS)/venv-test: $(STAMPS)/venv pyproject.toml | $(STAMPS)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(STAMPS)/npm: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMPS)/assets: $(STAMPS)/npm scripts/copy-assets.sh | $(STAMPS)
	bash scripts/copy-assets.sh
	@touch $@

PO_FILES := $(wildcard dekomp/locale/*/LC_MESSAGES/*.po)

$(STAMPS)/messages: $(STAMPS)/venv $(PO_FILES) | $(STAMPS)
	cd dekomp && ../$(BIN)/python ../manage.py compilemessages --verbosity 0
	@touch $@

.PHONY: messages
messages: $(STAMPS)/messages ## Compile the translations (nb, nn, en)

.PHONY: setup
setup: $(STAMPS)/venv $(STAMPS)/assets messages ## Install Python and npm dependencies, copy assets, compile translations

.PHONY: migrate
migrate: setup ## Create or update the database
	$(MANAGE) migrate --no-input

.PHONY: demo
demo: migrate ## Load the demo data (idempotent)
	$(MANAGE) demo

.PHONY: run
# The task worker runs beside the server, as in production: letters, batch decisions and e-mails go through it and
# the pages show their progress. E-mails are one line each on the console, the messages files in tmp/mail/.
run: demo ## Set up, migrate SQLite, load the demo, serve at http://127.0.0.1:8000 with a task worker beside it
	@$(MANAGE) demo_logins --host $(HOST) --port $(PORT)
	@bash scripts/run-with-worker.sh $(MANAGE) $(HOST):$(PORT)

.PHONY: worker
worker: migrate ## Run the background task worker
	$(MANAGE) db_worker

.PHONY: backup
backup: ## Back up the database in DATABASE_URL and the uploaded files (BACKUP=DIR, default backups/dekomp-<time>)
	bash scripts/backup.sh $(BACKUP)

.PHONY: restore
restore: ## Restore BACKUP=DIR into DATABASE_URL and DJANGO_MEDIA_ROOT (FORCE=1 replaces what is there)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=DIR [FORCE=1]" >&2; exit 2; }
	bash scripts/restore.sh $(if $(FORCE),--force) $(BACKUP)

.PHONY: test-setup
test-setup: setup $(STAMPS)/venv-test
	bash scripts/system-packages.sh test

.PHONY: test
test: test-setup ## Set up and run the whole suite on SQLite and on a throwaway PostgreSQL
	bash scripts/run-tests.sh

.PHONY: test-sqlite
test-sqlite: test-setup ## Run the suite on SQLite only
	bash scripts/run-tests.sh sqlite

.PHONY: test-postgres
test-postgres: test-setup ## Run the suite on a throwaway PostgreSQL only
	bash scripts/run-tests.sh postgres

.PHONY: lint
lint: $(STAMPS)/venv-test ## Check style (ruff) and missing migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run --verbosity 0

.PHONY: audit
audit: $(STAMPS)/venv-test ## Check the installed Python packages for known vulnerabilities (pip-audit; needs PyPI)
	$(BIN)/python scripts/audit.py

.PHONY: fmt
fmt: $(STAMPS)/venv-test ## Format the code and fix what ruff can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: makemessages
makemessages: $(STAMPS)/venv ## Extract interface strings into the .po files
	cd dekomp && ../$(BIN)/python ../manage.py makemessages -l nb -l nn -l en --no-obsolete --add-location file

.PHONY: bench
bench: $(STAMPS)/venv ## Time the solver, the year's heavy steps and a round's letters (writes bench/results/)
	$(BIN)/python bench/solver_bench.py
	$(BIN)/python bench/year_bench.py
	$(BIN)/python bench/letters_bench.py

.PHONY: clean
clean: ## Remove the virtualenv, node_modules, copied assets and the SQLite database
	rm -rf $(VENV) node_modules dekomp/static/vendor staticfiles $(STAMPS) db.sqlite3 db.sqlite3-*
