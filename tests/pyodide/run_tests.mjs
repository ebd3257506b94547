// Run tests/engine inside Pyodide under Node: node run_tests.mjs ROOT WHEEL... -- [pytest args]
// Wheels are installed from local files (no network); tests/ and flows/ are mounted as /tests
// and /flows (the tests only read them).
//
// With SLIM_SITE=<a built site>, Pyodide runs the site's own runtime instead of the npm
// package's: its slim python_stdlib.zip.gz (the walker's modules as bytecode, Pyodide's unused
// start-up imports deferred) and its fallback, which here reads the full archives from the
// site's folder (tools/site_fallback.py; the browser fetches them). Everything else the tests
// import (pytest, the package loader, asyncio, the rest of the engine) then comes through it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const [root, ...rest] = process.argv.slice(2);
const split = rest.indexOf("--");
const wheels = split === -1 ? rest : rest.slice(0, split);
const extraArgs = split === -1 ? [] : rest.slice(split + 1);

const pyodideDir = path.join(root, "node_modules", "pyodide");
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const slimSite = process.env.SLIM_SITE ? path.resolve(process.env.SLIM_SITE) : "";
const siteRuntime = path.join(slimSite, "assets", "pyodide");
/** The site's slim standard library, unpacked as web/worker.mjs does (into a temporary file). */
function slimStdlib() {
  const zip = path.join(mkdtempSync(path.join(tmpdir(), "slim-stdlib-")), "python_stdlib.zip");
  writeFileSync(zip, gunzipSync(readFileSync(path.join(siteRuntime, "python_stdlib.zip.gz"))));
  return zip;
}
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  ...(slimSite ? { stdLibURL: slimStdlib() } : {}),
});
if (slimSite) {
  pyodide.FS.mkdirTree("/site-runtime");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: siteRuntime }, "/site-runtime");
  pyodide.runPython(`
import sys, _site_fallback
def read(url):
    with open(url, "rb") as file:
        return file.read()
sys.meta_path.append(_site_fallback.SiteFallback("/site-runtime/", read))
print("slim runtime: deferred at start", dict(_site_fallback.state))
`);
}

await pyodide.loadPackage(wheels.map((wheel) => path.resolve(wheel)), {
  messageCallback: () => {},
  errorCallback: (message) => console.error(message),
});

for (const folder of ["tests", "flows"]) {
  pyodide.FS.mkdirTree(`/${folder}`);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(root, folder) }, `/${folder}`);
}
// The slim runtime ships the engine as bytecode only: test_boundaries, which reads the engine's
// source files beside engine/__init__, would check nothing (CPython runs it on the sources).
const slimArgs = slimSite ? ["--ignore=/tests/engine/test_boundaries.py"] : [];
pyodide.globals.set("pytest_args", pyodide.toPy([...slimArgs, ...extraArgs]));

const code = await pyodide.runPythonAsync(`
import os, sys
os.chdir("/tmp")  # pytest and hypothesis caches go here, not into the mounted sources
import engine, pytest
print(f"Pyodide {sys.version.split()[0]} on {sys.platform}; engine from {engine.__file__}")
args = ["/tests/engine", "--confcutdir=/tests/engine", "-p", "no:cacheprovider", "-q",
        *pytest_args]
status = int(pytest.main(args))
fallback = [f for f in sys.meta_path if type(f).__name__ == "SiteFallback"]
if fallback:
    print("slim runtime: archives fetched by the fallback", fallback[0].fetched)
status
`);
process.exit(code);
