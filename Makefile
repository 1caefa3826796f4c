# The README's first two commands are `make run` and `make test`; everything else is here too.
# Every target works on a fresh clone: the first one that needs the virtualenv creates it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
export PYTHONDONTWRITEBYTECODE := 1
# The embedded default runs with DEBUG on (a generated secret under var/); production sets 0.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
APPS := accounts notifications courses mentoring wellbeing threat_feed reporting
NOT_PROJECT := .venv var node_modules tests bench $(APPS)

.PHONY: run test lint e2e bench audit install messages compilemessages seed clean format totp \
	axe help vendor

help:
	@echo "make run        the demo (web + worker + beat), every role, on SQLite or DATABASE_URL"
	@echo "make test       the whole test suite"
	@echo "make lint       ruff, format check, mypy, import contracts, missing migrations"
	@echo "make e2e        only the browser tests (Debian Chromium + axe-core)"
	@echo "make bench      the benchmarks under bench/, printed as ratios"
	@echo "make audit      pip-audit (needs a reachable vulnerability database)"
	@echo "make messages   refresh the French catalogues from the source"
	@echo "make totp EMAIL=trainer@nps.example   the current sign-in code of a demo user"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) compilemessages

# The .mo files are build products (not committed): French needs msgfmt (Debian: gettext).
compilemessages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
	  $(RUN_ENV) $(BIN)/python manage.py compilemessages -v0 \
	    --ignore=.venv --ignore=var --ignore=node_modules; \
	else echo "msgfmt (Debian package gettext) is missing: French translations are not compiled"; fi

# Rebuild the .po catalogues from the source: each app keeps its own under <app>/locale,
# the project's templates/ and lms/ strings live in locale/.
messages: $(STAMP)
	@for app in $(APPS); do if [ -d $$app/locale ]; then \
	  (cd $$app && $(RUN_ENV) ../$(BIN)/python ../manage.py makemessages -l fr -v0 --no-obsolete); fi; done
	$(RUN_ENV) $(BIN)/python manage.py makemessages -l fr -v0 --no-obsolete $(NOT_PROJECT:%=--ignore=%)

# axe-core for the browser tests, from package-lock.json.
axe: $(AXE)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "npm is missing: browser tests will skip their accessibility audit"; fi

# htmx is served from static/ (CSP: script-src 'self'), copied from the npm package pinned in
# package.json; tests/test_settings_static.py checks the copy is that release, byte for byte.
vendor: $(AXE)
	cp node_modules/htmx.org/dist/htmx.min.js static/js/vendor/htmx.min.js

# The demo, every role, on the embedded default (SQLite + filesystem broker under var/),
# or on PostgreSQL and Redis when DATABASE_URL and CELERY_BROKER_URL are set.
# Web, worker and beat run together; Ctrl-C stops all three.
run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@$(RUN_ENV) $(BIN)/python manage.py demo_logins
	$(RUN_ENV) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile start

test: install axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: install axe
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

# Each script prints ratios against baselines measured in the same run (DESIGN section 9).
bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; \
	  $(BIN)/python $$script || exit 1; done

# Needs a reachable vulnerability database, which these build machines do not have.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,audit]'
	$(BIN)/pip-audit --skip-editable

seed: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

clean:
	rm -rf var/db.sqlite3 var/test-db.sqlite3 var/broker var/cache var/mail

# The current authenticator code of a demo user: make totp EMAIL=trainer@nps.example
totp: $(STAMP)
	@$(RUN_ENV) $(BIN)/python manage.py demo_totp $(EMAIL)
