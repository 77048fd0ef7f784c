# The two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check messages ci bench install install-dev install-node clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The HTML checker and axe-core, for the validator and browser tests; without npm their tests
# skip (and fail in CI). No install scripts: vnu-jar's would download a JVM of its own.
NPM := $(shell command -v npm 2>/dev/null)

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install-node: $(if $(NPM),node_modules/.installed)

# The local demo: DEBUG on, SQLite beside the project unless DATABASE_URL says otherwise.
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite, on SQLite unless DATABASE_URL points at PostgreSQL.
test: install-dev install-node
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: export DEBUG ?= true
migrations-check: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run

# The translation catalogs (needs GNU gettext). The compiled .mo files are committed, so `make run`
# and `make test` need no gettext; a test fails when a .mo no longer matches its .po.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=config/locale
messages: export DEBUG ?= true
messages: install-dev
	$(BIN)/python manage.py makemessages -l ru -l kk --no-obsolete --add-location=file $(I18N_IGNORE)
	$(BIN)/python manage.py compilemessages $(I18N_IGNORE)

ci:
	bash .ci/run

# The load benchmark (bench/run.py): gunicorn with production settings, driven by wrk
# (`apt-get install wrk`), on the PostgreSQL database DATABASE_URL names (SQLite is refused):
#   DATABASE_URL=postgres://user:password@127.0.0.1:5432/detentions_bench make bench
# Options go in BENCH_ARGS, e.g. BENCH_ARGS="--duration 30 --workers 3". Writes bench/results.md.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache test-results
