# Two commands for a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := seminar_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev migrate demo translations messages lint format bench rehearsal clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed translations
setup-dev: $(VENV)/.installed-dev translations

# Each catalogue is compiled when its .po is newer, so that two `make test` running at once
# (.ci/run) never rewrite a .mo that the other is reading.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard seminar_app/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o seminar_app/translations/messages.pot .
	$(BIN)/pybabel update -i seminar_app/translations/messages.pot -d seminar_app/translations

migrate: setup
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo-data
	$(BIN)/flask mail send

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)."
	@echo "Mail is not sent: each message is written to instance/mail/*.eml and listed at http://$(HOST):$(PORT)/admin/mail/"
	@echo "Scheduled jobs (reminders, feedback requests, deletion of access needs) run every minute meanwhile."
	@( while true; do $(BIN)/flask jobs run >/dev/null; sleep 60; done ) & runner=$$!; \
	trap 'kill $$runner 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup-dev
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && [ ! -d tests/tools/node_modules/ical.js ]; then npm ci --prefix tests/tools --no-audit --no-fund; fi
	$(BIN)/pytest

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup-dev
	PYTHONPATH=. $(BIN)/python bench/pages.py
	PYTHONPATH=. $(BIN)/python bench/registration.py
	PYTHONPATH=. $(BIN)/python bench/reports.py
	PYTHONPATH=. $(BIN)/python bench/campaign.py
	PYTHONPATH=. $(BIN)/python bench/import_bombs.py

# Production rehearsal on loopback (deploy/README.md); needs PostgreSQL on 127.0.0.1:5432.
# REHEARSAL_ARGS="--duration 120" for the benchmark figures.
REHEARSAL_ARGS ?= --duration 30 --users 20
rehearsal: setup-dev
	deploy/rehearsal.sh $(REHEARSAL_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
