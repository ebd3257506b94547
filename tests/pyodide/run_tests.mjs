// Run tests/engine inside Pyodide under Node: node run_tests.mjs ROOT WHEEL... -- [pytest args]
// Wheels are installed from local files (no network); tests/ and flows/ are mounted as /tests
// and /flows (the tests only read them).
import path from "node:path";
import { pathToFileURL } from "node:url";

const [root, ...rest] = process.argv.slice(2);
const split = rest.indexOf("--");
const wheels = split === -1 ? rest : rest.slice(0, split);
const extraArgs = split === -1 ? [] : rest.slice(split + 1);

const pyodideDir = path.join(root, "node_modules", "pyodide");
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });

await pyodide.loadPackage(wheels.map((wheel) => path.resolve(wheel)), {
  messageCallback: () => {},
  errorCallback: (message) => console.error(message),
});

for (const folder of ["tests", "flows"]) {
  pyodide.FS.mkdirTree(`/${folder}`);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(root, folder) }, `/${folder}`);
}
pyodide.globals.set("pytest_args", pyodide.toPy(extraArgs));

const code = await pyodide.runPythonAsync(`
import os, sys
os.chdir("/tmp")  # pytest and hypothesis caches go here, not into the mounted sources
import engine, pytest
print(f"Pyodide {sys.version.split()[0]} on {sys.platform}; engine from {engine.__file__}")
args = ["/tests/engine", "--confcutdir=/tests/engine", "-p", "no:cacheprovider", "-q",
        *pytest_args]
int(pytest.main(args))
`);
process.exit(code);
