# The two commands a newcomer needs:  `make serve`  and  `make test`.
# Both set up everything first (virtual environment, pinned Python and npm packages).

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup serve build test lint test-pyodide clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: setup
	$(BIN)/python build_site.py serve

build: setup
	$(BIN)/python build_site.py build

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The engine's own test suite, run again inside real Pyodide under Node (offline).
test-pyodide: setup
	tests/pyodide/run.sh

test: lint
	$(BIN)/pytest
	$(MAKE) test-pyodide

clean:
	rm -rf site .build .cache
