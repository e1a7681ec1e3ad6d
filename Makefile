# Magnet: `make run` serves the app with demo data; `make test` runs the whole suite, `make check` its quick part.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Plain http on loopback: the session cookie cannot be Secure here (it is everywhere else).
# The demo is for trying the system: its logins sign in with a password alone (no second factor).
RUN_ENV = FLASK_SECRET_KEY="$$(cat instance/secret_key)" FLASK_SESSION_COOKIE_SECURE=false FLASK_MFA_REQUIRED_ROLES='[]'

.PHONY: run test check install dev translations messages services fonts lint clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: installing python3-venv"; \
		apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .

dev: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'

translations: $(BIN)/activate
	$(BIN)/pybabel --quiet compile --use-fuzzy -d crm/translations

# After changing user-facing text: extract it and merge it into the English catalogue.
messages: $(BIN)/activate
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o crm/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

# The 月报's charts draw Chinese with a CJK font: installed here when apt can (as root); without one the report is
# still made, its charts' Chinese drawn as boxes, and a warning logged.
fonts:
	@if [ -n "$$(fc-list :lang=zh 2>/dev/null)" ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "installing fonts-noto-cjk for the report's charts"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk || \
		echo "warning: fonts-noto-cjk could not be installed: the report's charts will show boxes for Chinese"; \
	else echo "warning: no Chinese font (apt install fonts-noto-cjk): the report's charts will show boxes for Chinese"; fi

run: install translations instance/secret_key fonts
	$(RUN_ENV) $(BIN)/flask --app crm db upgrade
	$(RUN_ENV) $(BIN)/flask --app crm demo --if-empty
	$(RUN_ENV) $(BIN)/flask --app crm reminders run  # today's reminders for the bell (no mail server set: in the app only)
	@echo "The demo signs in with passwords alone; to require the second factor, run with FLASK_MFA_REQUIRED_ROLES='[\"admin\", \"leader\", \"city\", \"security\", \"auditor\"]' (the default outside make run)."
	@echo "Magnet is serving on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	$(RUN_ENV) $(BIN)/flask --app crm run --host $(HOST) --port $(PORT)

# With CI=true, PostgreSQL and Chromium are made available (or the run fails);
# elsewhere the tests that need them skip and say why.
services:
	@bash scripts/test_services.sh

# One test process per core (pytest-xdist): each has its own databases and browser.
test: dev translations services
	$(BIN)/python -m pytest -n auto

# The quick loop while working: SQLite only, no browser, no benchmark, load or whole-demo run (markers set in
# setup.cfg; tests/plugins/app.py marks every PostgreSQL test `postgresql`). `make test` runs them all.
check: dev translations
	$(BIN)/python -m pytest -q -n auto -m "not browser and not slow and not postgresql"

lint: dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
