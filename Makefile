# The two commands of the README: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test venv dev-deps browser

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(VENV)/.runtime

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; \
	fi

# Starts the site on the embedded default: SQLite, in-memory channel layer, files under var/.
# The background worker runs beside Daphne and stops with it. Ctrl+C reaches both, and each
# shuts down by itself (a `kill 0` on top, sent while they were shutting down, ended in make
# reporting "Segmentation fault"); if the server stops on its own, the worker is stopped; a
# TERM to the shell stops everything.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C stops the server and the worker)"
	@trap 'interrupted=1' INT; trap 'kill 0' TERM; \
	trap '[ -n "$$interrupted" ] || kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(PY) manage.py db_worker & worker=$$!; \
	bin/serve $(HOST) $(PORT)

# The layer contract (.importlinter), then the whole suite, in PYTEST_WORKERS processes
# (pytest-xdist; each has its own test database and files). With DATABASE_URL / REDIS_URL set
# the suite runs on PostgreSQL / Redis instead.
PYTEST_WORKERS ?= 2
test: $(VENV)/.dev node_modules/.installed browser
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
