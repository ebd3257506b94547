// Runs tools/compile_runtime.py inside the vendored Pyodide (under Node), at build time only.
//
// Usage: node tools/compile_runtime.mjs PYODIDE_DIR OUT_DIR WHEEL...
//
// The bytecode must come from the interpreter that runs it in the browser (Python 3.14 of this
// exact Pyodide), not from the build's CPython: hence Pyodide here. The host folders are mounted
// into Pyodide's file system (NODEFS), so the script reads the wheels and writes OUT_DIR directly.
// Exits 1 with Python's traceback on stderr if anything fails.
import { mkdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const [pyodideDir, outDir, ...wheels] = process.argv.slice(2).map((arg) => resolve(arg));
if (!pyodideDir || !outDir || wheels.length === 0) {
  console.error("usage: node tools/compile_runtime.mjs PYODIDE_DIR OUT_DIR WHEEL...");
  process.exit(2);
}
const script = resolve(dirname(fileURLToPath(import.meta.url)), "compile_runtime.py");

const { loadPyodide } = await import(resolve(pyodideDir, "pyodide.mjs"));
// PYTHONNODEBUGRANGES: no column positions in the bytecode (tracebacks lose their ^^^ marks),
// which makes the shipped zip 10% and the wheels 20% smaller.
const pyodide = await loadPyodide({
  indexURL: `${pyodideDir}/`,
  stdout: () => {},
  env: { PYTHONNODEBUGRANGES: "1" },
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
try {
  // What web/worker.mjs does: load the wheels, import the bridge. The modules loaded by now are
  // the ones every walker start imports; the script's own imports must not count.
  await pyodide.loadPackage(wheels, { messageCallback: () => {} });
  pyodide.runPython(`
import sys
import engine.bridge
WALKER_MODULES = list(sys.modules)
import runpy
sys.argv = list(argv)
runpy.run_path("/mnt/script/${basename(script)}", {"WALKER_MODULES": WALKER_MODULES}, "__main__")
`);
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
