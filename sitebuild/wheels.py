"""The slow, cached parts of the browser's runtime: the engine as a wheel (built from a private
copy of its sources with its PEP 517 backend), the pure-Python wheels it needs (from PyPI once),
Pyodide's lock file with them added, and the precompiled standard library and wheels
(tools/compile_runtime.mjs, run by Pyodide under Node). Each is cached in .build/cache under
the hash of its inputs. `python -m sitebuild.wheels engine-wheel` prints the engine wheel's path
(tests/pyodide/run.sh installs that one in Pyodide)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from sitebuild.common import ROOT, BuildError, sha256_file, sha256_text, write_atomic
from sitebuild.flows import engine_digest
from sitebuild.urls import DECODER_FILE, STDLIB_FILE, WASM_FILE

STOCK_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
"""Pyodide's files as npm ships them: what `compiled_runtime` starts from."""

COMPILED_RUNTIME_FILES = (STDLIB_FILE,)
"""What the site ships precompiled in place of the stock python_stdlib.zip (the standard
library and the engine's modules, as bytecode; see sitebuild.urls.STDLIB_FILE)."""

RECOMPRESSED_RUNTIME_FILES = (WASM_FILE, DECODER_FILE)
"""What the site ships in place of the stock pyodide.asm.wasm: the module as zstd and the worker's
decoder for it (sitebuild/recompress.py)."""

PYODIDE_RUNTIME_FILES = (
    *STOCK_RUNTIME_FILES[:2],
    *RECOMPRESSED_RUNTIME_FILES,
    *COMPILED_RUNTIME_FILES,
)
"""Everything Pyodide needs to start offline (the lockfile is added separately)."""

PURE_WHEELS = ("markdown-it-py", "mdurl")
"""The engine's runtime dependencies, shipped to the browser as pure-Python wheels (versions are
the ones installed in the build environment, which pyproject.toml pins)."""


def engine_wheel(project: Path, cache: Path) -> Path:
    """The engine as a wheel, built with its PEP 517 backend; cached by the hash of its sources."""
    folder = cache / "engine-wheel" / engine_digest(project)
    wheels = list(folder.glob("*.whl"))
    if wheels:
        return wheels[0]
    import build
    from pyproject_hooks import quiet_subprocess_runner

    # Build from a private copy of the sources: concurrent builds must not share setuptools'
    # build/ folder in the project root.
    with tempfile.TemporaryDirectory(dir=cache, prefix="engine-src-") as temp:
        source = Path(temp) / "src"
        shutil.copytree(
            project / "engine", source / "engine", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copy2(project / "pyproject.toml", source / "pyproject.toml")
        readme = project / "README.md"
        if readme.exists():
            shutil.copy2(readme, source / "README.md")
        else:
            (source / "README.md").write_text("Back Spasm Guide engine\n")
        out = Path(temp) / "dist"
        builder = build.ProjectBuilder(source, runner=quiet_subprocess_runner)
        wheel = Path(builder.build("wheel", out))
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / wheel.name
        shutil.copy2(wheel, folder / f".{wheel.name}.part")
        os.replace(folder / f".{wheel.name}.part", target)
    return target


def pure_wheels(cache: Path) -> list[Path]:
    """The engine's runtime dependencies as pure wheels (from PyPI once, then from the cache)."""
    pins = [f"{name}=={installed_version(name)}" for name in PURE_WHEELS]
    folder = cache / "pure-wheels" / sha256_text(" ".join(pins))[:16]
    wheels = sorted(folder.glob("*.whl"))
    if len(wheels) == len(pins):
        return wheels
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", temp, *pins]
        if subprocess.run(command, check=False).returncode != 0:
            raise BuildError([f"could not download {' '.join(pins)} from PyPI (needed once)"])
        for wheel in Path(temp).glob("*.whl"):
            os.replace(wheel, folder / wheel.name)
    return sorted(folder.glob("*.whl"))


def compiled_runtime(
    project: Path, cache: Path, wheels: list[Path], flows: list[Path] | None = None
) -> Path:
    """Folder with the precompiled standard library (tools/compile_runtime.py).

    Made by the vendored Pyodide under Node (a few seconds), then cached by the hash of
    everything that goes in; the output is byte-for-byte reproducible.
    """
    pyodide_dir = project / "node_modules" / "pyodide"
    tools = [project / "tools" / name for name in COMPILE_TOOLS]
    flows = flows or []
    inputs = [*(pyodide_dir / name for name in STOCK_RUNTIME_FILES), *tools, *wheels, *flows]
    key = sha256_text("\n".join(f"{path.name} {sha256_file(path)}" for path in inputs))
    folder = cache / "compiled-runtime" / key[:16]
    if (folder / "modules.txt").exists():
        return folder
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        out = Path(temp) / "out"
        command = ["node", str(tools[0]), str(pyodide_dir), str(out), *map(str, wheels)]
        command += ["--", *map(str, flows)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(["compiling the runtime failed:", *result.stderr.splitlines()])
        for file in out.iterdir():
            file.chmod(0o644)  # Node's file system mount writes 0666
        folder.parent.mkdir(parents=True, exist_ok=True)
        if folder.exists() and not (folder / "modules.txt").exists():
            shutil.rmtree(folder)  # an incomplete folder left by an older build
        try:
            os.replace(out, folder)
        except OSError:
            # A concurrent build (another test worker) put the same folder in place first:
            # it is complete (the rename is atomic) and may be in use, so keep it.
            if not (folder / "modules.txt").exists():
                raise
    return folder


COMPILE_TOOLS = ("compile_runtime.mjs", "compile_runtime.py", "site_fallback.py")


def site_lock(lock: dict[str, Any], compiled: Path) -> dict[str, Any]:
    """The lock file listing only what the site ships (issue 17: 120 KB -> 1 KB): our wheels,
    with the sha256 of the compiled copies that ship."""
    packages = {}
    for name, package in lock["packages"].items():
        shipped = compiled / package["file_name"]
        if shipped.exists():
            packages[name] = {**package, "sha256": sha256_file(shipped)}
    return {**lock, "packages": packages}


def pyodide_lockfile(project: Path, cache: Path, wheels: list[Path]) -> Path:
    """Pyodide's lockfile plus our wheels (sha256 included), via `pyodide lockfile add-wheels`."""
    upstream = project / "node_modules" / "pyodide" / "pyodide-lock.json"
    key = sha256_text("\n".join([sha256_file(upstream), *(sha256_file(w) for w in wheels)]))
    cached = cache / "lockfile" / f"{key[:16]}.json"
    if cached.exists():
        return cached
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        for wheel in wheels:
            shutil.copy2(wheel, Path(temp) / wheel.name)
        output = Path(temp) / "pyodide-lock.json"
        pyodide_cli = Path(sys.executable).parent / "pyodide"
        command = [str(pyodide_cli), "lockfile", "add-wheels", "--input", str(upstream)]
        command += ["--output", str(output), *(str(Path(temp) / w.name) for w in wheels)]
        result = subprocess.run(command, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(["pyodide lockfile add-wheels failed:", *result.stderr.splitlines()])
        write_atomic(cached, output.read_bytes())
    return cached


# --- Post-processing of MkDocs' output --------------------------------------------------------


def main(argv: list[str]) -> int:
    """`engine-wheel [PROJECT]`: build (or find in the cache) the engine wheel; print its path."""
    if len(argv) not in (1, 2) or argv[0] != "engine-wheel":
        print("usage: python -m sitebuild.wheels engine-wheel [PROJECT]", file=sys.stderr)
        return 2
    project = Path(argv[1]).resolve() if len(argv) == 2 else ROOT
    cache = project / ".build" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    print(engine_wheel(project, cache))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
