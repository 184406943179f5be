# Two commands do all set-up on a fresh machine:
#   make run    — create .venv, install, run the bot (demo against the local emulator when no token is set)
#   make test   — create .venv, install, lint, and run every test on SQLite and PostgreSQL
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test demo bench lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

demo: $(STAMP)
	$(PY) -m bot demo

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m bot kb check
	bash tests/ensure_postgres.sh
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/qa_latency.py
	$(PY) bench/broadcast.py
	$(PY) bench/digest.py
	$(PY) bench/e2e_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
