# PSAD case tracker. `make run` serves the demo on http://127.0.0.1:5000; `make test` runs
# every check (lint, types, layers, tests on SQLite and PostgreSQL, browser tests).
VENV ?= .venv
PYTHON ?= python3
PSAD := $(VENV)/bin/psad
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench bench-floor bench-pages bench-bilan clean

$(STAMP): pyproject.toml
	@bash scripts/ensure_system.sh python
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PSAD) config init
	$(PSAD) db upgrade
	$(PSAD) demo
	$(PSAD) serve

test: install
	bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: install
	bash scripts/bench.sh

bench-floor: install
	bash scripts/bench.sh floor

bench-pages: install
	bash scripts/bench.sh pages

# The bilan and the dashboard at 100,000 youth, on SQLite and on a throw-away PostgreSQL
# (bench/bilan_bench.py starts its own unless PSAD_BENCH_PG_URL names a server).
bench-bilan: install
	$(VENV)/bin/python bench/bilan_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
