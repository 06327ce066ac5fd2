# The two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint schema install clean bench bench-import bench-publication bench-disclosure audit-http

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the service on http://127.0.0.1:8000 (embedded PostgreSQL unless DATABASE_URL is set)
run: $(STAMP)
	$(BIN)/jointcode serve --demo

## Run every gate and the whole test suite (TEST_DATABASE_URL, or an embedded PostgreSQL)
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The unit tier: pure logic, no database, seconds
test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

## Style, format, types (strict on the domain packages) and the layer contract
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Regenerate schema/schema.graphql from the code
schema: $(STAMP)
	$(BIN)/jointcode schema export > schema/schema.graphql

## Benchmarks (see README "Benchmarks"): import 100,000 cases from CSV
bench-import: $(STAMP)
	$(BIN)/python -m bench.import_cases --cases 100000

## Preview/publish over 1,000,000 cases, then wrk on the public API (needs wrk)
bench-publication: $(STAMP)
	$(BIN)/python -m bench.publication

## What the public gets before/after issue 10 (records kept, table cells published), pure Python
bench-disclosure: $(STAMP)
	$(BIN)/python -m bench.disclosure

audit-http: $(STAMP)
	bash bench/graphql_http/run.sh

bench: bench-import bench-publication bench-disclosure

clean:
	rm -rf $(VENV) .pytest_cache
