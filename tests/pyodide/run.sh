#!/usr/bin/env bash
# Run the engine's test suite inside real Pyodide (the npm package the site vendors), under Node.
#
# 1. pure-Python wheels of pytest, hypothesis and markdown-it-py for Python 3.14, downloaded from
#    PyPI once and cached in .cache/pyodide-tests/ (keyed by requirements.txt);
# 2. the engine wheel, built from a private copy of the sources (no network);
# 3. Node loads Pyodide from node_modules/pyodide, installs the wheels offline and runs
#    pytest.main on tests/engine; the exit status is pytest's.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
python=${PYTHON:-$root/.venv/bin/python}
here=tests/pyodide
key=$(sha256sum "$here/requirements.txt" | cut -c1-16)
deps=.cache/pyodide-tests/deps-$key

if [ ! -f "$deps/.complete" ]; then
    echo "pyodide tests: downloading pure-Python test wheels into $deps"
    rm -rf "$deps" && mkdir -p "$deps"
    "$python" -m pip download --quiet --only-binary=:all: --python-version 3.14 \
        --implementation py --abi none --platform any --dest "$deps" -r "$here/requirements.txt"
    touch "$deps/.complete"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/engine-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp -r engine pyproject.toml "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
if [ -f README.md ]; then cp README.md "$work/src/"; else echo "engine" > "$work/src/README.md"; fi
"$python" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$work/dist" "$work/src"

exec node "$here/run_tests.mjs" "$root" "$work/dist"/*.whl "$deps"/*.whl -- "$@"
