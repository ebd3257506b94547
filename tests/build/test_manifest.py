"""The site manifest (assets/site-manifest.json, sitebuild/manifest.py) describes the built site
exactly: the service-worker build, the walker and the tests read it instead of re-deriving URLs
and file lists, so a wrong entry would break them silently."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from sitebuild import manifest as site_manifest


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> dict[str, Any]:
    return site_manifest.read(built_site)


def test_every_walker_page_is_a_listed_start_or_step_page(
    built_site: Path, manifest: dict[str, Any]
) -> None:
    listed = {}
    for flow in manifest["flows"]:
        listed[flow["base"]] = flow["start_token"]
        for step in flow["steps"]:
            listed[step["page"]] = step["token"]
    found = {}
    for page in built_site.rglob("index.html"):
        token = re.search(r'id="walker"[^>]* data-token="([^"]*)"', page.read_text())
        if token:
            found[page.parent.relative_to(built_site).as_posix() + "/"] = token[1]
    assert found == listed


def test_views_and_advice_sheets_exist(built_site: Path, manifest: dict[str, Any]) -> None:
    for flow in manifest["flows"]:
        pages = [*flow["views"].values(), *flow["advice"].values()]
        assert [p for p in pages if not (built_site / p / "index.html").is_file()] == []
    assert (built_site / manifest["layout"]["review_page"] / "index.html").is_file()


def test_flow_json_and_its_revision(built_site: Path, manifest: dict[str, Any]) -> None:
    for flow in manifest["flows"]:
        data = (built_site / flow["json"]).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:12] == flow["revision"]
        start = (built_site / flow["base"] / "index.html").read_text()
        assert f'data-flow-rev="{flow["revision"]}"' in start


def test_runtime_files_are_every_file_of_the_runtime_folder(
    built_site: Path, manifest: dict[str, Any]
) -> None:
    files = {file["path"]: file for file in manifest["runtime"]["files"]}
    folder = built_site / manifest["layout"]["pyodide_dir"]
    on_disk = {path.relative_to(built_site).as_posix() for path in folder.iterdir()}
    assert set(files) == on_disk
    for path, file in files.items():
        data = (built_site / path).read_bytes()
        assert (file["bytes"], file["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    groups = {Path(path).name: file["group"] for path, file in files.items()}
    assert groups["pyodide.asm.wasm.zst"] == groups["zstddec-stream.mjs"] == groups["pyodide.mjs"]
    assert groups["pyodide.mjs"] == "pyodide"
    assert groups["python_stdlib.zip.gz"] == "stdlib"


def test_the_browser_modules_are_made_from_the_manifest(
    built_site: Path, manifest: dict[str, Any]
) -> None:
    walker = built_site / manifest["layout"]["walker_dir"]
    module = (walker / "site-layout.mjs").read_text()
    [layout] = re.findall(r"^export const LAYOUT = (.*);$", module, flags=re.M)
    assert json.loads(layout) == manifest["layout"]
    sizes = (walker / "runtime-sizes.mjs").read_text()
    [table] = re.findall(r"^export const RUNTIME_SIZES = (.*);$", sizes, flags=re.M)
    started = {
        Path(file["path"]).name: [file["bytes"], file["gzip_bytes"]]
        for file in manifest["runtime"]["files"]
        if file["start"]
    }
    assert json.loads(table) == started
