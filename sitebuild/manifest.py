"""The site manifest: one description of what a build produced (the flows with their step pages,
the runtime files with their sizes, hashes and cache groups, the URL layout), written into the
site as assets/site-manifest.json. The service-worker build (tools/build_sw.mjs) and the tests
read it; the browser gets its small part as modules beside the walker (site-layout.mjs: the
layout and the flows; runtime-sizes.mjs: what a cold start downloads). The format is described
in MANIFEST.md of the round and in `site_manifest` below; `format` changes on any incompatible
change.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from sitebuild.common import sha256_file
from sitebuild.flows import FlowPages, flow_revision
from sitebuild.urls import (
    FLOW_VIEWS,
    MANIFEST,
    PYODIDE_DIR,
    SITE_LAYOUT_MODULE,
    WALKER_DIR,
    advice_path,
    flow_json_path,
    layout,
    step_path,
)
from sitebuild.wheels import COMPILED_RUNTIME_FILES, PYODIDE_RUNTIME_FILES

FORMAT = 1

RUNTIME_SIZES_MODULE = WALKER_DIR + "runtime-sizes.mjs"


def runtime_group(name: str) -> str:
    """Which cache a runtime file belongs to (each group's cache is named by its own content).

    "pyodide": Pyodide's own files, the same bytes for one Pyodide release; "stdlib": the
    precompiled standard library, which holds the engine and so changes with it; "fallback":
    the full archives fetched only for a module the slim ones lack; "engine": the rest (the lock
    file, any wheel), which change with each build.
    """
    if name in COMPILED_RUNTIME_FILES:
        return "stdlib"
    if name in PYODIDE_RUNTIME_FILES:
        return "pyodide"
    if name.endswith("full.zip"):
        return "fallback"
    return "engine"


def starts_with(name: str) -> bool:
    """Whether every cold start of the walker fetches this runtime file."""
    return name in PYODIDE_RUNTIME_FILES or name == "pyodide-lock.json" or name.endswith(".whl")


HOST_UNCOMPRESSED = (".zst", ".gz", ".zip", ".whl")
"""Files a host sends as they are: GitHub Pages gzips by MIME type, and an archive's type
(application/zstd or octet-stream, application/gzip, application/zip) is not one it
compresses."""


def sent_bytes(name: str, data: bytes) -> int:
    """A file's body as a host sends it: gzip -6 unless it is an archive already."""
    if name.endswith(HOST_UNCOMPRESSED):
        return len(data)
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def runtime_files(out: Path) -> list[dict[str, Any]]:
    """Every file under the site's Pyodide folder, with its sizes (`gzip_bytes`: as a host
    sends it, gzip or not, see sent_bytes), sha256, cache group and whether a cold start
    fetches it."""
    files = []
    for path in sorted((out / PYODIDE_DIR).iterdir()):
        data = path.read_bytes()
        files.append(
            {
                "path": PYODIDE_DIR + path.name,
                "bytes": len(data),
                "gzip_bytes": sent_bytes(path.name, data),
                "sha256": sha256_file(path),
                "group": runtime_group(path.name),
                "start": starts_with(path.name),
            }
        )
    return files


def flow_entry(pages: FlowPages) -> dict[str, Any]:
    """One flow: its pages (start, views, steps, advice sheets) and its JSON with the revision."""
    flow = pages.flow
    return {
        "id": flow.id,
        "title": flow.title,
        "version": flow.version,
        "base": pages.base,
        "json": flow_json_path(flow.id),
        "revision": flow_revision(flow),
        "start_token": pages.steps[0].token,
        "views": {name: pages.base + folder for name, folder in FLOW_VIEWS.items()},
        "steps": [
            {"token": step.token, "node": step.node_id, "page": pages.base + step_path(step.token)}
            for step in pages.steps[1:]
        ],
        "advice": {
            node.id: pages.base + advice_path(node.id)
            for node in flow.nodes
            if node.kind == "outcome" and node.patient is not None
        },
    }


def site_manifest(out: Path, all_pages: list[FlowPages]) -> dict[str, Any]:
    """The manifest of the site in `out` (its runtime files must be in place)."""
    return {
        "format": FORMAT,
        "layout": layout(),
        "flows": [flow_entry(pages) for pages in all_pages],
        "runtime": {"files": runtime_files(out)},
    }


def write_manifest(out: Path, all_pages: list[FlowPages]) -> dict[str, Any]:
    """Write the manifest and the browser's two modules made from it; returns the manifest."""
    manifest = site_manifest(out, all_pages)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    flows = {
        entry["id"]: {"base": entry["base"], "json": entry["json"]} for entry in manifest["flows"]
    }
    (out / SITE_LAYOUT_MODULE).write_text(
        f"// Written by the build (sitebuild/manifest.py) from {MANIFEST}.\n"
        f"export const LAYOUT = {json.dumps(manifest['layout'], sort_keys=True)};\n"
        f"export const FLOWS = {json.dumps(flows, sort_keys=True, ensure_ascii=False)};\n"
    )
    sizes = {
        file["path"].removeprefix(PYODIDE_DIR): [file["bytes"], file["gzip_bytes"]]
        for file in manifest["runtime"]["files"]
        if file["start"]
    }
    (out / RUNTIME_SIZES_MODULE).write_text(
        "// Written by the build (sitebuild/manifest.py): [bytes, bytes a host sends] per file.\n"
        f"export const RUNTIME_SIZES = {json.dumps(sizes, sort_keys=True)};\n"
    )
    return manifest


def read(site: Path) -> dict[str, Any]:
    """The manifest of a built site."""
    manifest: dict[str, Any] = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    return manifest
