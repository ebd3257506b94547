"""The URL layout of the generated site, written once: where each flow, step, view, advice sheet
and runtime file lives. Everything else (the pages, the runtime copy, the site manifest that the
service-worker build, the walker and the tests read) asks here instead of spelling a path.

Paths are relative to the site root, with no leading slash; folders end in "/".
"""

from __future__ import annotations

from collections.abc import Callable

MAIN_FLOW_ID = "back-spasm"
"""The flow published at /algorithm/ (any other at /algorithm/<flow-id>/)."""

ALGORITHM = "algorithm/"
"""Every flow's pages live below this folder."""

FLOW_VIEWS = {"outline": "outline/", "diagram": "diagram/"}
"""A flow's other views, below its base folder."""

REVIEW = ALGORITHM + "review/"
"""The one route review page of all flows."""

FLOWS_DIR = "assets/flows/"
PYODIDE_DIR = "assets/pyodide/"
WALKER_DIR = "assets/walker/"

STDLIB_FILE = "python_stdlib.zip.gz"
"""The site's slim standard library (tools/compile_runtime.py): a zip of uncompressed entries,
gzipped as one file, which the engine worker unpacks as it arrives (issue 17: gzip across the
modules is about 9% smaller than the zip's own per-file compression, and hosts send a .zip as
is). The worker passes its URL to Pyodide as `stdLibURL`."""

WASM_FILE = "pyodide.asm.wasm.zst"
"""Pyodide's WebAssembly module as the site ships it: zstd, about 650 KB less than the gzip a
host would send (sitebuild/recompress.py). The worker fetches it as it starts and unpacks and
compiles it as it arrives; Pyodide gets the compiled module."""

DECODER_FILE = "zstddec-stream.mjs"
"""The zstd decoder web/zstd-stream.mjs imports (beside Pyodide; sitebuild/recompress.py)."""

RUNTIME_PROBE = PYODIDE_DIR + WASM_FILE
"""The runtime file whose presence in the service worker's cache means the runtime is cached."""

MANIFEST = "assets/site-manifest.json"
"""The site manifest (sitebuild/manifest.py)."""

SITE_LAYOUT_MODULE = WALKER_DIR + "site-layout.mjs"
"""The browser's part of the manifest: the layout below and the flow list."""


def flow_base(flow_id: str) -> str:
    """The folder of a flow's start page: `algorithm/` for the main flow."""
    return ALGORITHM if flow_id == MAIN_FLOW_ID else f"{ALGORITHM}{flow_id}/"


def step_path(token: str) -> str:
    """A static step page's folder, relative to its flow's base."""
    return f"{token}/"


def advice_path(outcome_id: str) -> str:
    """An outcome's patient advice sheet's folder, relative to its flow's base."""
    return f"advice/{outcome_id}/"


def flow_json_path(flow_id: str) -> str:
    """The flow as the walker loads it."""
    return f"{FLOWS_DIR}{flow_id}.json"


def flow_json_url(flow_id: str, revision: str) -> str:
    """The flow JSON's URL as the walker fetches it: named by the build's revision of it."""
    return f"{flow_json_path(flow_id)}?v={revision}"


def up(levels: int) -> str:
    """The relative URL `levels` folders up (`""` for none)."""
    return "../" * levels


def step_url_from(start_token: str, prefix: str) -> Callable[[str], str]:
    """Link builder for static answers: `prefix` leads from the linking page to the flow's base."""

    def step_url(token: str) -> str:
        return prefix + ("" if token == start_token else step_path(token)) or "./"

    return step_url


def layout() -> dict[str, object]:
    """The layout as the site manifest and the browser's site-layout.mjs give it (MANIFEST.md):
    templates with `{flow}`, `{token}`, `{base}`, `{outcome}` and `{revision}` placeholders."""
    return {
        "site_root_from_walker": up(WALKER_DIR.count("/")),
        "walker_dir": WALKER_DIR,
        "pyodide_dir": PYODIDE_DIR,
        "flows_dir": FLOWS_DIR,
        "flow_json": flow_json_path("{flow}"),
        "flow_json_url": flow_json_url("{flow}", "{revision}"),
        "algorithm": ALGORITHM,
        "main_flow": MAIN_FLOW_ID,
        "flow_base": f"{ALGORITHM}{{flow}}/",
        "step_page": "{base}" + step_path("{token}"),
        "share_link": "{base}#{token}",
        "flow_views": dict(FLOW_VIEWS),
        "advice_page": "{base}" + advice_path("{outcome}"),
        "review_page": REVIEW,
        "runtime_probe": RUNTIME_PROBE,
        "stdlib": PYODIDE_DIR + STDLIB_FILE,
        "wasm": PYODIDE_DIR + WASM_FILE,
    }
