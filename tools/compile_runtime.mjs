// Runs tools/compile_runtime.py inside the vendored Pyodide (under Node), at build time only.
//
// Usage: node tools/compile_runtime.mjs PYODIDE_DIR OUT_DIR WHEEL... [-- FLOW_JSON...]
//
// With flows (the build's artefacts), each is loaded as the walker loads it (trusted by its hash)
// and its first step rendered before the imported modules are recorded: the modules a walk
// needs ship, all others stay out.
//
// The bytecode must come from the interpreter that runs it in the browser (Python 3.14 of this
// exact Pyodide), not from the build's CPython: hence Pyodide here. The host folders are mounted
// into Pyodide's file system (NODEFS), so the script reads the wheels and writes OUT_DIR directly.
// Exits 1 with Python's traceback on stderr if anything fails.
import { mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const split = argv.includes("--") ? argv.indexOf("--") : argv.length;
const [pyodideDir, outDir, ...wheels] = argv.slice(0, split).map((arg) => resolve(arg));
const flows = argv.slice(split + 1).map((arg) => readFileSync(resolve(arg), "utf8"));
if (!pyodideDir || !outDir || wheels.length === 0) {
  console.error("usage: node tools/compile_runtime.mjs PYODIDE_DIR OUT_DIR WHEEL...");
  process.exit(2);
}
const script = resolve(dirname(fileURLToPath(import.meta.url)), "compile_runtime.py");
const fallback = resolve(dirname(script), "site_fallback.py");

const { loadPyodide } = await import(resolve(pyodideDir, "pyodide.mjs"));
// PYTHONNODEBUGRANGES: no column positions in the bytecode (tracebacks lose their ^^^ marks),
// which makes the shipped zip 10% and the wheels 20% smaller.
// fsInit: tools/site_fallback.py as sitecustomize, in place before Python starts, as the slim
// zip has it: this start defers what the browser's does (Pyodide's start-up imports the walker
// never uses) and the modules recorded below are the browser's.
const pyodide = await loadPyodide({
  indexURL: `${pyodideDir}/`,
  stdout: () => {},
  env: { PYTHONNODEBUGRANGES: "1" },
  fsInit: async (FS, { sitePackages }) => {
    FS.writeFile(`${sitePackages}/sitecustomize.py`, readFileSync(fallback, "utf8"));
  },
});
mkdirSync(outDir, { recursive: true });
/** Mount a host folder into Pyodide's file system; returns the path it has there. */
const mount = (root, path) => {
  pyodide.FS.mkdirTree(path);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, path);
  return path;
};
mount(outDir, "/mnt/out");
mount(dirname(script), "/mnt/script");
// The wheels may sit in different folders: one mount each.
const args = wheels.map(
  (wheel, index) => `${mount(dirname(wheel), `/mnt/wheels/${index}`)}/${basename(wheel)}`,
);
pyodide.globals.set("argv", pyodide.toPy(["compile_runtime.py", "/mnt/out", ...args]));
pyodide.globals.set("flows", pyodide.toPy(flows));
try {
  // What web/worker.mjs does: the wheels' modules on sys.path (the browser has them in its slim
  // zip), import the bridge, load the flows and render their first step. The modules loaded by
  // now are the ones every walker start imports; the script's own imports must not count, and
  // nor do the stand-ins of the deferred ones (DEFERRED_STATE: compile_runtime.py checks them).
  // The page names each flow's artefact by its hash, so the walker loads it trusted: the full
  // checks, the prover and markdown-it-py (the artefact carries its texts rendered) are not
  // imported and stay in the full archives, fetched only for an artefact that is not the build's.
  // DATACLASS_METHODS: the methods dataclasses writes meanwhile, compiled (tools/site_fallback.py).
  pyodide.runPython(`
import sys
sys.path[0:0] = list(argv[2:])
import json
import _site_fallback
DATACLASS_METHODS = _site_fallback.record_dataclass_code()
import engine.bridge
for text in flows:
    flow_id = engine.bridge.add_flow(text, engine.bridge.digest(text))
    for op in ("open", "restart"):
        engine.bridge.handle(json.dumps({"op": op, "flow": flow_id, "token": "start", "site_root": "/"}))
WALKER_MODULES = list(sys.modules)
DEFERRED_STATE = dict(_site_fallback.state)
import runpy
sys.argv = list(argv)
runpy.run_path(
    "/mnt/script/${basename(script)}",
    {"WALKER_MODULES": WALKER_MODULES, "DEFERRED_STATE": DEFERRED_STATE, "DATACLASS_METHODS": DATACLASS_METHODS},
    "__main__",
)
`);
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
