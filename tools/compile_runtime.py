"""Precompile what the walker imports to bytecode, in Pyodide itself (run by compile_runtime.mjs).

Why: Pyodide's npm package ships its standard library as `.py` source, and wheels are `.py`
too, so every start in the browser compiles each imported module again: most of the
interpreter's start-up and of `import engine.bridge` is spent in `compile()`. Bytecode made
here, by the very interpreter that will run it (same version, same magic number), removes that
work from every reader's phone.

- Standard library: only the modules imported by Pyodide's start-up, `import engine.bridge` and a
  first step of every flow go into the site's slim `python_stdlib.zip.gz`, as `.pyc` (zipimport
  reads `x.pyc` in place of `x.py`). The full zip ships beside it as
  `python_stdlib_full.zip`, fetched only if a module outside the set is ever imported
  (`tools/site_fallback.py`, shipped in the slim zip as `sitecustomize`, with the index of the
  names each full archive holds). Issue 17: 2.9 MB of standard library became about 0.3 MB.
- Of Pyodide's start-up imports, those a walker never uses (asyncio, pyodide.webloop,
  pyodide._package_loader and what they import: 66 modules) are deferred: the start gets
  stand-ins for them (tools/site_fallback.py, DEFERRED), so they are not in the set and the
  fallback fetches them if ever used. `check_deferred` fails the build if the pinned Pyodide no
  longer fits that. Issue 17: the slim zip went from 867 KB to 467 KB.
  The flows are loaded as the walker loads the build's artefacts (trusted by their hash, their
  texts already rendered), so neither markdown-it-py nor the prover is imported and neither
  ships in the slim zip; both stay in the full archives for an artefact that is not the build's.
- Wheels (the engine and its dependencies): no wheel ships. Their imported modules go into the
  same slim zip, as `.pyc`: no package loader runs in the browser (its own imports were 0.5 MB
  of the standard library), no lock entry and no request per wheel. Each source wheel ships as
  `<wheel>.full.zip` for the fallback. The cost is tracebacks without source lines in the
  browser (the same code runs from source in CPython and in the tests).

All `.pyc` are "unchecked hash" pycs (PEP 552): valid without comparing timestamps, which an
unpacked archive would not keep. They carry no column positions (compile_runtime.mjs starts
Pyodide with PYTHONNODEBUGRANGES) and only `def` lines (`def_lines_only`), which makes them
smaller. Zip entries get a fixed date, so
the same inputs give the same bytes (and the service worker's runtime cache survives a rebuild).

Run by compile_runtime.mjs after it has loaded the wheels and imported `engine.bridge` just as
the browser's worker does (with this start's deferral in place); it passes the names then in
`sys.modules` as `WALKER_MODULES` and the deferred ones' states as `DEFERRED_STATE`.
Writes OUT_DIR/python_stdlib.zip.gz (slim, gzipped), OUT_DIR/python_stdlib_full.zip,
OUT_DIR/<each wheel's name>.full.zip and OUT_DIR/modules.txt (every shipped module, for review).
"""

from __future__ import annotations

import ast
import gzip
import importlib.util
import io
import marshal
import sys
import types
import zipfile
from pathlib import Path
from typing import Any

OPTIMIZE = 2
"""As `python -OO`: no docstrings, no asserts (CPython's own tests run the standard library
so; the engine's asserts only narrow types). The shipped zip is about a quarter smaller."""

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""Every zip entry's timestamp: reproducible output."""


def def_lines_only(code: types.CodeType) -> types.CodeType:
    """`code` (and the code inside it) with a line table that puts every instruction on the
    line of its `def` (or `class`; 1 for a module's own code).

    Why: the exact line tables are 15% of the slim zip (467 -> 399 KB gzipped). A traceback in
    the browser still names each frame's file, function and `def` line, not the failing line
    (the same code runs from source, with exact lines, in CPython and in the tests). An empty
    table is smaller still but breaks `traceback` itself (StopIteration in Python 3.14).
    The format is CPython's (Objects/locations.md): entries of up to 8 code units, each "no
    columns" (code 13) with a line delta of 0 from the previous line, the first `co_firstlineno`.
    """
    table = bytearray()
    units = len(code.co_code) // 2
    while units > 0:
        length = min(units, 8)
        table += bytes([0x80 | (13 << 3) | (length - 1), 0])
        units -= length
    consts = tuple(
        def_lines_only(const) if isinstance(const, types.CodeType) else const
        for const in code.co_consts
    )
    return code.replace(co_linetable=bytes(table), co_consts=consts)


def dataclass_docstrings_kept(tree: ast.Module) -> ast.Module:
    """`tree` with each dataclass's docstring turned into a `__doc__ = ...` assignment, which
    `-OO` keeps.

    Why: `@dataclass` gives a class without a docstring one made from `inspect.signature(cls)`,
    and `-OO` strips them all: importing the engine's 57 dataclasses computed 57 signatures,
    about a sixth of `import engine.bridge` in the browser (issue 17)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or not any(
            "dataclass" in ast.unparse(decorator) for decorator in node.decorator_list
        ):
            continue
        doc = ast.get_docstring(node, clean=False)
        if doc is not None:
            target = ast.Name("__doc__", ast.Store())
            node.body[0] = ast.copy_location(ast.Assign([target], ast.Constant(doc)), node.body[0])
    return ast.fix_missing_locations(tree)


def bytecode(source: bytes, filename: str) -> bytes:
    """An unchecked-hash `.pyc` for `source` (PEP 552), as this interpreter would write it, with
    line tables of `def` lines only (`def_lines_only`) and dataclasses' docstrings kept
    (`dataclass_docstrings_kept`)."""
    tree = dataclass_docstrings_kept(ast.parse(source, filename))
    code = compile(tree, filename, "exec", dont_inherit=True, optimize=OPTIMIZE)
    code = def_lines_only(code)
    source_hash = importlib.util.source_hash(source)
    return bytes(importlib._bootstrap_external._code_to_hash_pyc(code, source_hash, False))  # type: ignore[attr-defined]


def entry(name: str) -> zipfile.ZipInfo:
    """Stored, not deflated: the whole zip is gzipped as one file (see `slim_zip`)."""
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


FULL_STDLIB = "python_stdlib_full.zip"
SLIM_STDLIB = "python_stdlib.zip.gz"
"""sitebuild.urls.STDLIB_FILE (this script runs inside Pyodide, without the build package)."""
FALLBACK_MODULE = "sitecustomize"
"""tools/site_fallback.py's name in the slim zip: Python's `site` imports it as Python starts."""
FALLBACK_INDEX = "_site_fallback.txt"
DATACLASS_CODE = "_dataclass_code.marshal"
"""tools/site_fallback.py's DATACLASS_CODE: the code of the methods dataclasses wrote while the
walker's modules were imported here."""


def module_files(names: list[str], archive: str) -> dict[str, str]:
    """Those of `names` loaded from `archive` (a zip or a folder): module -> path inside it."""
    found = {}
    for name in sorted(names):
        module = sys.modules.get(name)
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.startswith(archive + "/") and origin.endswith(".py"):
            found[name] = origin[len(archive) + 1 :]
    return found


def module_name(path: str) -> str | None:
    """`a/b/__init__.py` -> `a.b`, `a/c.py` -> `a.c`; None for anything that is not a module.

    A top-level file's name may be no identifier: Python's own
    `_sysconfigdata__emscripten_wasm32-emscripten` is imported by name (by sysconfig). A folder's
    must be (which leaves out a wheel's `name-1.0.dist-info/`).
    """
    if not path.endswith(".py"):
        return None
    parts = path[: -len(".py")].split("/")
    if len(parts) == 1:
        return parts[0] if "." not in parts[0] else None
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if all(part.isidentifier() for part in parts) else None


def slim_zip(files: dict[str, bytes], keep: set[str], target: Path) -> None:
    """A zip of `keep` (paths of x.py) as x.pyc, plus every non-module file whose folder holds
    a kept module (package data, a wheel's .dist-info), written gzipped to `target`.

    The entries are stored uncompressed and the whole zip is gzipped (level 9) as one file:
    deflate then finds what modules share (names, common code) across files, and the site's
    gzip is about 9% smaller than a zip of deflated entries (953 -> 868 KB), which hosts send
    as is. The engine worker unpacks it as it arrives (web/worker.mjs) and Pyodide gets the zip.
    """
    folders = {path.rpartition("/")[0] for path in keep}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in sorted(files.items()):
            if name in keep:
                out.writestr(entry(name + "c"), bytecode(data, name))
            elif not name.endswith(".py") and (
                name.rpartition("/")[0] in folders or ".dist-info/" in name
            ):
                out.writestr(entry(name), data)
    target.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0))


def read_zip(path: Path | str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as source:
        return {info.filename: source.read(info) for info in source.infolist() if not info.is_dir()}


def fallback_index(archives: dict[str, dict[str, bytes]], shipped: set[str]) -> str:
    """`@archive` lines, each followed by the module names only that archive holds."""
    lines = []
    for archive, files in archives.items():
        lines.append(f"@{archive}")
        names = {module_name(path) for path in files} - {None} - shipped
        lines.extend(sorted(name for name in names if name))
    return "\n".join(lines) + "\n"


def check_deferred(states: dict[str, str]) -> None:
    """Fails the build unless the deferral of tools/site_fallback.py still fits this Pyodide.

    Every name in DEFERRED must have been imported by the start, as a stand-in, and none may
    have run during the start or a walk (`states`, recorded then). Here each then runs for real:
    the stand-ins' values must be the real ones (SITE_PACKAGES, ...), and Pyodide's event loop
    must be in place once asyncio has run.
    """
    # sitecustomize (compile_runtime.mjs put it in place), also known as _site_fallback
    import _site_fallback as fallback  # type: ignore[import-not-found]

    errors = []
    for name in fallback.DEFERRED:
        if name not in states:
            errors.append(f"{name}: no longer imported by Pyodide's start-up (remove it)")
        elif states[name] != "deferred":
            errors.append(f"{name}: used by Pyodide's start-up or by a walk (it ran)")
    if errors:
        raise RuntimeError(DEFER_MISFIT + "\n  ".join(errors))
    modules = {name: sys.modules[name] for name in fallback.DEFERRED}
    stand_ins = {
        (name, attribute): getattr(modules[name], attribute)
        for name, attributes in fallback.DEFERRED.items()
        for attribute in attributes
    }
    for name, module in modules.items():
        if not module.__file__:  # a first use of a stand-in: runs the real module
            errors.append(f"{name}: did not run at its first use")
    for (name, attribute), stand_in in stand_ins.items():
        real = getattr(modules[name], attribute, None)
        if callable(stand_in):
            if not callable(real):
                errors.append(f"{name}.{attribute}: not a function in the real module")
        elif str(real) != str(stand_in):
            errors.append(f"{name}.{attribute}: the stand-in is {stand_in}, the real {real}")
    import asyncio
    import time

    webloop = modules["pyodide.webloop"]
    if type(asyncio.get_event_loop()) is not webloop.WebLoop or time.sleep is not webloop._sleep:
        errors.append("pyodide.webloop: its event loop was not installed when asyncio ran")
    if errors:
        raise RuntimeError(DEFER_MISFIT + "\n  ".join(errors))


DEFER_MISFIT = (
    "tools/site_fallback.py defers modules of Pyodide's start-up, checked against Pyodide "
    "314.0.7; this Pyodide no longer fits (update DEFERRED there):\n  "
)


def main(
    out_dir: Path, wheels: list[Path], walker_modules: list[str], dataclass_code: dict[str, Any]
) -> None:
    """The wheels were on sys.path as zips (compile_runtime.mjs): their imported modules go
    into the slim zip beside the standard library's, so the browser needs no wheel, no
    package loader (whose imports alone weigh 0.5 MB of standard library) and no lock entry."""
    stdlib_zip = next(
        path
        for path in sys.path
        if path.endswith("python_stdlib.zip") or (path.endswith(".zip") and "/lib/" in path)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stdlib = read_zip(stdlib_zip)
    keep = module_files(walker_modules, stdlib_zip)
    slim = {path: stdlib[path] for path in keep.values()}
    shipped = set(keep)
    archives = {FULL_STDLIB: stdlib}
    (out_dir / FULL_STDLIB).write_bytes(Path(stdlib_zip).read_bytes())
    for wheel in wheels:
        files = read_zip(wheel)
        mounted = next(path for path in sys.path if path.endswith("/" + wheel.name))
        wheel_keep = module_files(walker_modules, mounted)
        shipped |= set(wheel_keep)
        slim.update({path: files[path] for path in wheel_keep.values()})
        archive = f"{wheel.name}.full.zip"
        (out_dir / archive).write_bytes(wheel.read_bytes())
        archives[archive] = files
    slim[f"{FALLBACK_MODULE}.py"] = Path(__file__).with_name("site_fallback.py").read_bytes()
    slim[FALLBACK_INDEX] = fallback_index(archives, shipped).encode()
    slim[DATACLASS_CODE] = marshal.dumps(dataclass_code)
    slim_zip(slim, {path for path in slim if path.endswith(".py")}, out_dir / SLIM_STDLIB)
    (out_dir / "modules.txt").write_text("".join(f"{name}\n" for name in sorted(shipped)))


if __name__ == "__main__":
    states: dict[str, str] = DEFERRED_STATE  # type: ignore[name-defined]  # noqa: F821
    check_deferred(states)  # runs the deferred modules: the list below is from before
    walker = [name for name in WALKER_MODULES if name not in states]  # type: ignore[name-defined]  # noqa: F821
    recorded: dict[str, Any] = DATACLASS_METHODS  # type: ignore[name-defined]  # noqa: F821
    main(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]], walker, recorded)
