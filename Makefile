# The two commands a newcomer needs:  `make serve`  and  `make test`.
# Both set up everything first (virtual environment, pinned Python and npm packages).

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup serve build test lint test-pyodide bench-build clean contract

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	# `npm ci`: installs exactly what package-lock.json pins and never rewrites it (a fresh clone
	# stays clean). The lock lists rollup's optional per-platform packages for every platform,
	# as `npm install` writes them, so both commands agree; after changing package.json, run
	# `npm install` and commit the lock file it writes.
	npm ci --no-audit --no-fund
	touch $@

# Build site/ and serve it at http://127.0.0.1:8000, rebuilding and reloading on every change
# to docs/, flows/, engine/, web/, overrides/ or mkdocs.yml.
serve: setup
	$(BIN)/python build_site.py serve

# Build site/ once (what the GitHub Pages workflow runs; set SITE_URL for a project subpath).
build: setup
	$(BIN)/python build_site.py build

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	# The browser code: JSDoc types checked by TypeScript (page modules; the engine worker with a
	# worker's globals), then Biome's linter and formatter (web/, overrides/assets/, tests/js/).
	node_modules/.bin/tsc -p tsconfig.json
	node_modules/.bin/tsc -p tsconfig.worker.json
	# The service worker's source (web/offline/sw.mjs), with a service worker's globals.
	node_modules/.bin/tsc -p tsconfig.sw.json
	node_modules/.bin/biome check

# The engine's own test suite, run again inside real Pyodide under Node (offline): on the npm
# package's runtime, then on the runtime the site ships (a build's slim standard library, with
# Pyodide's unused start-up modules deferred and the fallback for everything else).
PYODIDE_TEST_SITE := .build/pyodide-test-site
test-pyodide: setup
	tests/pyodide/run.sh
	$(BIN)/python build_site.py build --site-dir $(PYODIDE_TEST_SITE) > /dev/null
	SLIM_SITE=$(PYODIDE_TEST_SITE) tests/pyodide/run.sh

# The whole test suite: lint, every pytest test (real Chromium, real Pyodide), engine in Pyodide.
# pytest runs in TEST_WORKERS processes (pytest-xdist), a test module on one worker at a time
# (--dist loadfile: module fixtures such as a shared page or a site build are made once), the
# slowest modules first (tests/conftest.py, SLOWEST_FIRST; --no-loadscope-reorder keeps that
# order); the real site is still built once for all workers (tests/sitehelpers.py, build_once).
TEST_WORKERS ?= 2
test: lint
	node --test tests/js/*.test.mjs
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
	$(MAKE) test-pyodide

# web/contract.mjs from engine/contract.py (committed; tests/js/test_contract.py fails when stale).
contract: setup
	$(BIN)/python -c "from engine.contract import js_module; print(js_module(), end='')" > web/contract.mjs

# Build speed and size (writes bench/results/build.md).
bench-build: setup
	$(BIN)/python bench/build_bench.py

# Also what killed builds left beside site/ (the next build removes those too).
clean:
	rm -rf site .build .cache .site-new-* .site-old-* .site-swap.json .site.paused-*
