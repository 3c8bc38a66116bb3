# Violeta: `make run` for a local instance with demo data, `make test` for the test suite.
# Everything runs from .venv, which `make venv` builds from the hash-pinned requirements.lock.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python 3.11 exactly (Django 5.2 LTS; see docs/architecture.md). python3 is accepted when it is 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.PHONY: help venv run test bench lint format vendor clean

help:
	@echo "make run      migrate, load the demo data, start the worker, the sender and the server on http://127.0.0.1:8000/"
	@echo "make test     run the tests (PYTEST_ARGS='-k …' to choose; DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make bench    the benchmarks of docs/performance.md (SCALE=small|state, LOAD_MINUTES=10 adds the load test)"
	@echo "make lint     ruff check, ruff format --check and lint-imports (the layers of docs/architecture.md)"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make vendor   fetch the pinned front-end libraries into violeta/static/vendor/"
	@echo "make clean    remove the virtualenv and caches (keeps var/: the local database and keys)"

venv: $(STAMP)

# Rebuilt only when the lock file or pyproject.toml change.
$(STAMP): requirements.lock pyproject.toml
	@if [ ! -x "$(BIN)/python" ]; then \
		if [ -z "$(PYTHON)" ]; then echo "Python 3.11 is needed (python3.11 not found)." >&2; exit 1; fi; \
		version=$$("$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
		if [ "$$version" != "3.11" ]; then \
			echo "Python 3.11 is needed; $(PYTHON) is $$version. Install python3.11 or set PYTHON=/path/to/python3.11." >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with $(PYTHON) ($$version)"; \
		"$(PYTHON)" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data
	@echo "Starting the task worker, the message sender and the server (Ctrl-C stops them all)."
	@$(MANAGE) db_worker --interval 0.2 & worker=$$!; \
	$(MANAGE) messaging_sender & sender=$$!; \
	trap 'kill $$worker $$sender 2>/dev/null; wait $$worker $$sender 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

SCALE ?= small
LOAD_MINUTES ?= 0
bench: venv
	$(BIN)/python bench/all.py --scale $(SCALE) --load-minutes $(LOAD_MINUTES)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
