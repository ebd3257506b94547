"""The browser's runtime in the finished site: the flow JSON, the Pyodide runtime with the
precompiled standard library and the site's own lock file (from sitebuild/wheels.py), the walker
from web/, and the offline service worker
(tools/build_sw.mjs). Also the check, before anything is built, that node_modules/ is there."""

from __future__ import annotations

import json
import logging
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from sitebuild.common import BuildError
from sitebuild.flows import FlowPages, flow_json
from sitebuild.recompress import write_recompressed
from sitebuild.urls import FLOWS_DIR, PYODIDE_DIR, WALKER_DIR, flow_json_path
from sitebuild.wheels import (
    PYODIDE_RUNTIME_FILES,
    compiled_runtime,
    engine_wheel,
    pure_wheels,
    pyodide_lockfile,
    site_lock,
)

log = logging.getLogger("build_site")

ENGINE_START_MODULE = WALKER_DIR + "engine-start.mjs"
"""The page module that starts the engine worker (overrides/algorithm.html)."""
WORKER_MODULE = WALKER_DIR + "worker.mjs"
"""The engine worker's module, as served."""

STATIC_IMPORT = re.compile(r'^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)";', re.M | re.S)
"""A module's static `import ... from "x";` (and re-exports): the graph a module loads before
any of its code runs."""


def module_graph(project: Path, entry: str) -> list[str]:
    """Site paths of `entry`'s static module graph, from web/ (modules the build writes, such
    as site-layout.mjs, and Pyodide's import nothing the worker waits for)."""
    found: list[str] = []
    todo = [entry]
    while todo:
        path = todo.pop(0)
        if path in found:
            continue
        found.append(path)
        source = project / "web" / path.removeprefix(WALKER_DIR)
        if path.startswith(WALKER_DIR) and source.is_file():
            for target in STATIC_IMPORT.findall(source.read_text(encoding="utf-8")):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return found


def walker_preloads(project: Path) -> list[str]:
    """What an algorithm page preloads (overrides/algorithm.html): the module graphs of
    engine-start.mjs (the page's side) and of the engine worker, so the worker starts without
    waiting on them hop by hop (issue 17). The runtime's big files are started by the worker
    itself (web/worker.mjs), once its modules are in."""
    modules = [*module_graph(project, ENGINE_START_MODULE), *module_graph(project, WORKER_MODULE)]
    modules.remove(ENGINE_START_MODULE)  # the page's own script tag loads it
    return list(dict.fromkeys([*modules, PYODIDE_DIR + "pyodide.mjs"]))


SW_SOURCE = "web/offline/sw.mjs"
"""The service worker's source (bundled into sw.js by tools/build_sw.mjs)."""


def copy_runtime(project: Path, cache: Path, out: Path, all_pages: list[FlowPages]) -> None:
    """Flow JSON, the Pyodide runtime, wheels + lockfile, and the walker's JS/CSS."""

    flows_dir = out / FLOWS_DIR
    flows_dir.mkdir(parents=True)
    for pages in all_pages:
        (out / flow_json_path(pages.flow.id)).write_text(flow_json(pages.flow), encoding="utf-8")

    pyodide_dir = out / PYODIDE_DIR
    pyodide_dir.mkdir(parents=True)
    wheels = [engine_wheel(project, cache), *pure_wheels(cache)]
    compiled = compiled_runtime(project, cache, wheels, sorted(flows_dir.glob("*.json")))
    write_recompressed(project, cache, pyodide_dir)
    for name in PYODIDE_RUNTIME_FILES:
        if (pyodide_dir / name).exists():
            continue
        source = compiled if (compiled / name).exists() else project / "node_modules" / "pyodide"
        shutil.copy2(source / name, pyodide_dir / name)
    # The full archives, fetched only for a module the slim ones lack (tools/site_fallback.py).
    for archive in compiled.glob("*full.zip"):
        shutil.copy2(archive, pyodide_dir / archive.name)
    # The lock file is made from the source wheels (pyodide-lock reads their import names from
    # the .py files), then given the sha256 of the compiled wheels that ship: what Pyodide's own
    # `pyodide py-compile` does for its packages.
    lock = site_lock(json.loads(pyodide_lockfile(project, cache, wheels).read_text()), compiled)
    for package in lock["packages"].values():
        shutil.copy2(compiled / package["file_name"], pyodide_dir / package["file_name"])
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock))

    walker_dir = out / WALKER_DIR
    if (project / "web").is_dir():
        shutil.copytree(project / "web", walker_dir, ignore=not_served, dirs_exist_ok=True)
    walker_dir.mkdir(parents=True, exist_ok=True)
    for name in ("walker.mjs", "walker.css"):
        if not (walker_dir / name).exists():
            log.warning("web/%s is missing: an empty placeholder was written", name)
            (walker_dir / name).write_text(f"/* placeholder: web/{name} does not exist yet */\n")


def not_served(folder: str, names: list[str]) -> set[str]:
    """What of web/ is not copied to the walker's folder: the service worker's source, which
    tools/build_sw.mjs bundles into sw.js at the site root."""
    return {name for name in names if Path(folder, name).as_posix().endswith(SW_SOURCE)}


def write_service_worker(project: Path, out: Path) -> None:
    """sw.js from web/offline/sw.mjs and the site manifest (tools/build_sw.mjs: Workbox modules
    bundled by rollup, precache manifest by Workbox's injectManifest), over the finished site."""
    script = project / "tools" / "build_sw.mjs"
    if not script.exists():
        return
    result = subprocess.run(
        ["node", str(script), str(out)], cwd=project, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BuildError([f"service worker: {line}" for line in result.stderr.splitlines()])
    report_service_worker_warnings(result.stderr)


def report_service_worker_warnings(stderr: str) -> None:
    """Workbox's warnings, which used to be dropped. A file too big to precache fails the build:
    the offline copy would silently lack it (the search index: search stops working offline);
    any other warning is printed."""
    warnings = [line for line in stderr.splitlines() if "warning" in line.lower()]
    too_big = [line for line in warnings if "won't be precached" in line]
    if too_big:
        raise BuildError(
            [f"service worker: {line}" for line in too_big]
            + [
                "service worker: readers offline would miss these files (a search index this "
                "big breaks offline search); make the content smaller, or raise "
                "maximumFileSizeToCacheBytes in tools/build_sw.mjs"
            ]
        )
    for line in warnings:
        log.warning("service worker: %s", line)


NODE_MODULES_NEEDED = (
    "pyodide/pyodide.mjs",
    "pyodide/pyodide-lock.json",
    "zstddec/package.json",
    "@viz-js/viz/package.json",
    "workbox-build/package.json",
)
"""Files of node_modules/ the build reads (the runtime, the diagram renderer, the worker)."""


def check_node_modules(project: Path) -> None:
    """node_modules/ must be installed before anything is built: a clear line, not a traceback
    (warm cache) or a page of Node errors (cold diagram cache)."""
    missing = [
        name for name in NODE_MODULES_NEEDED if not (project / "node_modules" / name).exists()
    ]
    if missing or shutil.which("node") is None:
        what = (
            "node is not installed"
            if shutil.which("node") is None
            else (f"node_modules/{missing[0]} is missing")
        )
        raise BuildError(
            [f"build_site.py: {what}: run `make setup` (or `npm ci`) in {project} first"]
        )
