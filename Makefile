# The README's first two commands are `make run` and `make test`; everything else is here too.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint e2e bench audit install messages compilemessages seed clean format

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) compilemessages

compilemessages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
	  DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0; \
	else echo "msgfmt (Debian package gettext) is missing: French translations are not compiled"; fi

# Rebuild the .po catalogues from the source (each app keeps its own under <app>/locale).
messages: $(STAMP)
	@for app in accounts notifications courses mentoring wellbeing threat_feed; do \
	  (cd $$app && DJANGO_DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l fr -v0 --no-obsolete); done
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l fr -v0 --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=accounts --ignore=notifications --ignore=courses \
	  --ignore=mentoring --ignore=wellbeing --ignore=threat_feed --ignore=tests --ignore=bench

# The demo, every role, on the embedded default (SQLite + filesystem broker under var/),
# or on PostgreSQL and Redis when DATABASE_URL and CELERY_BROKER_URL are set.
# Web, worker and beat run together; Ctrl-C stops all three.
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py demo_logins
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy .
	$(BIN)/lint-imports
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run -v1

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Needs a reachable vulnerability database, which these build machines do not have.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet '.[audit]'
	$(BIN)/pip-audit

seed: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input -v0
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo

clean:
	rm -rf var/db.sqlite3 var/test-db.sqlite3 var/broker var/cache var/mail

# The current authenticator code of a demo user: make totp EMAIL=trainer@nps.example
totp: $(STAMP)
	@DJANGO_DEBUG=1 $(BIN)/python manage.py demo_totp $(EMAIL)
