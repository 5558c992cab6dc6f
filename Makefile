# CWP Outcomes Monitor. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8050
# Test processes (pytest-xdist): one per core; each browser test file runs whole on one.
TEST_WORKERS ?= auto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test browser run serve test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "Installing python3-venv (Debian) ..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv; \
	  $(PYTHON) -m venv $(VENV); }
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	@touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) install -q -r requirements-test.txt
	@touch $@

# Debian's Chromium and its driver, for the browser tests (headless).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "Installing chromium and chromium-driver (Debian) ..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

run: install
	$(PY) -m dash_app init-db
	$(PY) -m dash_app seed-demo --if-empty --demo-password-file instance/demo-password
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(PY) -m dash_app serve --host $(HOST) --port $(PORT)

test: install-test browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest --headless -q -n $(TEST_WORKERS) --dist loadgroup

lint: install-test
	$(VENV)/bin/ruff check .

# County scale on SQLite and PostgreSQL, national on PostgreSQL; writes benchmarks/README.md.
bench: install-test browser
	$(PY) benchmarks/run.py --full --write-readme

clean:
	rm -rf $(VENV) .pytest_cache
