# The two commands a newcomer needs: `make run` and `make test`.
# Every package comes from uv.lock (exact versions and hashes), never from pyproject's ranges.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# uv itself is pinned here and installed in a folder of its own, apart from the app's packages.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: run test test-sqlite test-postgres lint lock-check upgrade format messages bench profile clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv==$(UV_VERSION)

# Bytecode is compiled once here: a machine with PYTHONDONTWRITEBYTECODE set would otherwise
# compile every imported module again in each process (a test's server, a command, a worker).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra test --quiet --compile-bytecode
	touch $(STAMP)

## Serve the app on SQLite (var/marrakech.db) with the historical record loaded.
run: $(STAMP)
	$(BIN)/marrakech db upgrade
	$(BIN)/marrakech seed
	$(BIN)/marrakech serve --port $(PORT)

## The whole suite: on SQLite, then on a throwaway PostgreSQL cluster, then the linter.
test: test-sqlite test-postgres lint

test-sqlite: $(STAMP)
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -n 2 --durations=10

# The browser journeys (marker `browser`) run in the SQLite pass only: they check what a reader
# sees and types, which the database does not change; every request they make is also tested
# through HTTP on both databases.
test-postgres: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(PY) -m pytest -q -n 2 --durations=10 -m "not browser"; \
	else .ci/with-postgres $(PY) -m pytest -q -n 2 --durations=10 -m "not browser"; fi

## Fails when pyproject.toml and uv.lock disagree (a dependency changed without `make upgrade`).
lock-check: $(UV)
	$(UV) lock --check

## Refresh uv.lock to the newest releases the ranges allow, on purpose; then run `make test`.
upgrade: $(UV)
	$(UV) lock --upgrade
	$(UV) sync --locked --extra test

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

format: $(STAMP)
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

## Refresh the translation catalogues after changing user-facing text.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k _n:1,2 --no-location --sort-output --omit-header \
		-o app/locale/messages.pot .
	for lang in fr ar; do \
		$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale -l $$lang --no-fuzzy-matching --omit-header --ignore-obsolete; \
	done

## Every bench, on SQLite and a throwaway PostgreSQL; rewrites the README's table from the
## figures. `make bench QUICK=1` takes a few minutes. `make profile`: where a request's time goes.
bench: $(STAMP)
	.ci/with-postgres $(PY) bench/run.py $(if $(QUICK),--quick)

profile: $(STAMP)
	$(PY) bench/profile.py

clean:
	rm -rf $(VENV) .tools var .pytest_cache
