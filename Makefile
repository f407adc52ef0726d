# Two commands on a fresh machine: `make` builds every brief, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.docs-installed

.PHONY: all build check test lint bench docs clean mutation

all: build

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project metadata changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(PY) build.py

check: $(STAMP)
	$(PY) build.py check

test: $(STAMP)
	$(PY) -m pytest

# Mutation testing of the guarantees (tests/mutation.py; slow, not part of `make test`).
mutation: $(STAMP)
	$(PY) -m pip install --quiet 'mutmut>=3.3,<4'
	$(PY) tests/mutation.py

lint: $(STAMP)
	$(PY) -m ruff check briefwright tests build.py bench
	$(PY) -m ruff format --check briefwright tests build.py bench

# The documentation site into site/; strict: any warning (a broken link) fails it.
$(DOCS_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(PY) -m mkdocs build --strict

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf dist site
