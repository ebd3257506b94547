#!/usr/bin/env bash
# Run the engine's test suite inside real Pyodide (the npm package the site vendors), under Node.
#
# 1. pure-Python wheels of pytest, hypothesis and markdown-it-py for Python 3.14, downloaded from
#    PyPI once and cached in .cache/pyodide-tests/ (keyed by requirements.txt);
# 2. the engine wheel, as the site build makes it (`python -m sitebuild.wheels engine-wheel`);
# 3. Node loads Pyodide from node_modules/pyodide, installs the wheels offline and runs
#    pytest.main on tests/engine; the exit status is pytest's.
#
# SLIM_SITE=site tests/pyodide/run.sh runs the same suite on a built site's own runtime (its
# slim standard library and fallback, as the walker starts it; run_tests.mjs says how).
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

# The same engine wheel the site build makes (sitebuild/wheels.py, cached in .build/cache).
wheel=$("$python" -m sitebuild.wheels engine-wheel "$root")

exec node "$here/run_tests.mjs" "$root" "$wheel" "$deps"/*.whl -- "$@"
