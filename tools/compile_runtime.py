"""Precompile what the walker imports to bytecode, in Pyodide itself (run by compile_runtime.mjs).

Why: Pyodide's npm package ships its standard library as `.py` source, and wheels are `.py`
too, so every start in the browser compiles each imported module again: most of the
interpreter's start-up and of `import engine.bridge` is spent in `compile()`. Bytecode made
here, by the very interpreter that will run it (same version, same magic number), removes that
work from every reader's phone.

- Standard library: the modules imported by Pyodide's start-up plus `import engine.bridge` are
  replaced by their `.pyc` in a copy of the stdlib zip (zipimport reads `x.pyc` in place of
  `x.py`). Every other module stays source, so a module imported later still works, only
  compiled on use; the zip grows by about 15% (a fully compiled one would be 75% bigger).
- Wheels (the engine and its dependencies): every `x.py` is replaced by `x.pyc`, as Pyodide does
  for the packages it distributes. Smaller than keeping both; the cost is tracebacks without
  source lines in the browser (the same code runs from source in CPython and in the tests).

All `.pyc` are "unchecked hash" pycs (PEP 552): valid without comparing timestamps, which an
unpacked archive would not keep. They carry no column positions (compile_runtime.mjs starts
Pyodide with PYTHONNODEBUGRANGES), which makes them smaller. Zip entries get a fixed date, so
the same inputs give the same bytes (and the service worker's runtime cache survives a rebuild).

Run by compile_runtime.mjs after it has loaded the wheels and imported `engine.bridge` just as
the browser's worker does; it passes the names then in `sys.modules` as `WALKER_MODULES`.
Writes OUT_DIR/python_stdlib.zip, OUT_DIR/<each wheel's name> and OUT_DIR/modules.txt (the
precompiled stdlib modules, for review).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import sys
import zipfile
from pathlib import Path

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""Every zip entry's timestamp: reproducible output."""


def bytecode(source: bytes, filename: str) -> bytes:
    """An unchecked-hash `.pyc` for `source` (PEP 552), as this interpreter would write it."""
    code = compile(source, filename, "exec", dont_inherit=True)
    source_hash = importlib.util.source_hash(source)
    return bytes(importlib._bootstrap_external._code_to_hash_pyc(code, source_hash, False))  # type: ignore[attr-defined]


def entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def stdlib_modules(names: list[str], stdlib_zip: str) -> dict[str, str]:
    """Those of `names` that come from the stdlib zip: module name -> path inside the zip."""
    found = {}
    for name in sorted(names):
        module = sys.modules[name]
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.startswith(stdlib_zip + "/") and origin.endswith(".py"):
            found[name] = origin[len(stdlib_zip) + 1 :]
    return found


def compile_stdlib(stdlib_zip: str, members: set[str], target: Path) -> None:
    """Copy the stdlib zip, with each of `members` (x.py) replaced by x.pyc."""
    with zipfile.ZipFile(stdlib_zip) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in members:
                out.writestr(
                    entry(info.filename + "c"), bytecode(data, info.filename), compresslevel=9
                )
            elif not info.is_dir():
                out.writestr(entry(info.filename), data, compresslevel=9)


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def compile_wheel(wheel: Path, target: Path) -> None:
    """Copy a pure wheel with every `x.py` replaced by `x.pyc`, and RECORD to match."""
    with zipfile.ZipFile(wheel) as source:
        files = {
            info.filename: source.read(info) for info in source.infolist() if not info.is_dir()
        }
    record_name = next(name for name in files if name.endswith(".dist-info/RECORD"))
    del files[record_name]
    compiled = {}
    for name, data in files.items():
        if name.endswith(".py"):
            compiled[name + "c"] = bytecode(data, name)
        else:
            compiled[name] = data
    record = [record_line(name, data) for name, data in compiled.items()] + [f"{record_name},,"]
    with zipfile.ZipFile(target, "w") as out:
        for name, data in compiled.items():
            out.writestr(entry(name), data, compresslevel=9)
        out.writestr(entry(record_name), "\n".join(record) + "\n", compresslevel=9)


def main(out_dir: Path, wheels: list[Path], walker_modules: list[str]) -> None:
    stdlib_zip = next(path for path in sys.path if path.endswith(".zip"))
    modules = stdlib_modules(walker_modules, stdlib_zip)
    out_dir.mkdir(parents=True, exist_ok=True)
    compile_stdlib(stdlib_zip, set(modules.values()), out_dir / "python_stdlib.zip")
    for wheel in wheels:
        compile_wheel(wheel, out_dir / wheel.name)
    (out_dir / "modules.txt").write_text("".join(f"{name}\n" for name in modules))


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]], WALKER_MODULES)  # type: ignore[name-defined]  # noqa: F821
