"""After a new build is deployed, the reader sees only its text, even through the HTTP cache
(review 2026-12, #1).

GitHub Pages sends `Cache-Control: max-age=600`, so for ten minutes the browser may answer any
request from its HTTP cache. The test server here sends the same header. Two builds of one
project differ in one recommendation's text (the flow's version is not bumped: a content fix).
Build 1 is served and used; build 2 is deployed into the served folder; then the walker (live,
from the flow JSON) and the static step page must show build 2's text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sitehelpers import ROOT, SiteRequestHandler, serving

import build_site
from sitebuild import manifest
from sitebuild.common import scratch_project

OLD_TEXT = "Keep moving; avoid bed rest."
NEW_TEXT = "Keep moving (second build); avoid bed rest."
FLOW_ID = "fresh"
READING_MARKER = "This sentence is new in the second build."


ENGINE_EDIT = "\n# A comment added for the second build: the engine changed.\n"
"""Build 2 also has an engine edit: it changes the precompiled standard library (which holds the
engine), and nothing of Pyodide itself."""

PYODIDE_OWN_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm.zst", "zstddec-stream.mjs")


class MaxAgeHandler(SiteRequestHandler):
    """Like GitHub Pages: every response may be reused from the HTTP cache for ten minutes.
    Records the path of every request that reaches the server."""

    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


@dataclass
class Builds:
    one: Path
    two: Path
    advice_token: str
    """The static step page of the outcome that shows the changed recommendation."""
    age_token: str
    """The step before it."""


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    project = scratch_project(tmp_path_factory.mktemp("fresh-project"))
    demo = (ROOT / "tests" / "engine" / "flows" / "demo.yaml").read_text()
    assert OLD_TEXT in demo
    flow_file = project / "flows" / f"{FLOW_ID}.yaml"
    flow_file.write_text(demo.replace("id: demo ", f"id: {FLOW_ID} ", 1))
    out = tmp_path_factory.mktemp("fresh-builds")
    one = build_site.build(project, out / "one", quiet=True)
    flow_file.write_text(flow_file.read_text().replace(OLD_TEXT, NEW_TEXT))
    treatment = project / "docs" / "treatment.md"
    treatment.write_text(treatment.read_text() + f"\n{READING_MARKER}\n")
    bridge = project / "engine" / "bridge.py"
    bridge.write_text(bridge.read_text() + ENGINE_EDIT)
    two = build_site.build(project, out / "two", quiet=True)

    [fresh] = [flow for flow in manifest.read(one)["flows"] if flow["id"] == FLOW_ID]
    steps = {step["node"]: step["token"] for step in fresh["steps"]}
    return Builds(one, two, steps["advice"], steps["age"])


@dataclass
class Served:
    folder: Path
    url: str

    def deploy(self, build: Path) -> None:
        shutil.rmtree(self.folder)
        shutil.copytree(build, self.folder)


@pytest.fixture
def served(builds: Builds, tmp_path: Path) -> Iterator[Served]:
    folder = tmp_path / "site"
    shutil.copytree(builds.one, folder)
    with serving(folder, MaxAgeHandler) as url:
        yield Served(folder, url)


def flow_page(served: Served, token: str) -> str:
    return f"{served.url}algorithm/{FLOW_ID}/{token}/"


def live_walker(page: Page) -> None:
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    expect(page.locator("#walker")).not_to_have_attribute("aria-busy", "true")


def deploy_and_accept(page: Page, served: Served, build: Path) -> None:
    """Deploy `build`, reload, and accept the update the page offers; the server's request log
    then starts from the deploy."""
    served.deploy(build)
    MaxAgeHandler.requested.clear()
    page.reload()
    banner = page.locator("#sw-update")
    expect(banner).to_be_visible(timeout=60_000)
    banner.get_by_role("button", name="Reload to update").click()
    expect(page.locator("#sw-update")).to_have_count(0, timeout=60_000)
    page.wait_for_load_state("load")


def test_after_the_reader_accepts_an_update_walker_and_pages_show_the_new_build(
    builds: Builds, served: Served, browser: Browser
) -> None:
    context: BrowserContext = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served.url + "treatment/")  # a reading page, into the HTTP cache too
        page.goto(flow_page(served, builds.advice_token))
        live_walker(page)
        expect(page.locator("#walker")).to_contain_text(OLD_TEXT)
        # The service worker has installed and cached what the walker used (web/sw-register.mjs).
        expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=60_000)

        deploy_and_accept(page, served, builds.two)

        # The live walker renders from the flow JSON: the new build's.
        live_walker(page)
        expect(page.locator("#walker")).to_contain_text(NEW_TEXT)
        expect(page.locator("#walker")).not_to_contain_text(OLD_TEXT)

        # The static step page, opened by a plain link (the HTTP cache has the old one).
        response = page.goto(flow_page(served, builds.advice_token))
        assert response is not None and NEW_TEXT in response.text()
        live_walker(page)
        expect(page.locator("#walker")).to_contain_text(NEW_TEXT)

        page.goto(served.url + "treatment/")
        expect(page.locator("article")).to_contain_text(READING_MARKER)
    finally:
        context.close()


def test_without_a_service_worker_a_new_page_never_gets_the_old_flow_json(
    builds: Builds, served: Served, browser: Browser
) -> None:
    """The walker fetches `<flow>.json?v=<revision>`: the old build's copy has another URL."""
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(flow_page(served, builds.age_token))
        live_walker(page)  # the old flow JSON is now in the HTTP cache

        served.deploy(builds.two)
        page.goto(flow_page(served, builds.advice_token))  # never opened: the new page
        live_walker(page)
        expect(page.locator("#walker")).to_contain_text(NEW_TEXT)
    finally:
        context.close()


def test_an_engine_update_does_not_download_pyodide_again(
    builds: Builds, served: Served, browser: Browser
) -> None:
    """Issue 17: the runtime cache was named by a hash that included python_stdlib.zip, which
    holds the engine: every engine edit made returning readers download the 9.6 MB WebAssembly
    again. Pyodide's own files are now cached under their own content's hash."""
    one, two = manifest.read(builds.one), manifest.read(builds.two)
    hashes = [{f["path"]: f["sha256"] for f in m["runtime"]["files"]} for m in (one, two)]
    stdlib, wasm = "assets/pyodide/python_stdlib.zip.gz", "assets/pyodide/pyodide.asm.wasm.zst"
    assert hashes[0][stdlib] != hashes[1][stdlib], "the engine edit must change the stdlib zip"
    assert hashes[0][wasm] == hashes[1][wasm]
    context: BrowserContext = browser.new_context()
    try:
        page = context.new_page()
        page.goto(flow_page(served, builds.advice_token))
        live_walker(page)
        expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=60_000)

        deploy_and_accept(page, served, builds.two)
        live_walker(page)
        expect(page.locator("#walker")).to_contain_text(NEW_TEXT)
        expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=60_000)

        fetched = {path.split("?")[0].rsplit("/", 1)[-1] for path in MaxAgeHandler.requested}
        assert "python_stdlib.zip.gz" in fetched  # the new engine is downloaded...
        assert not fetched & set(PYODIDE_OWN_FILES)  # ...and nothing of Pyodide itself
    finally:
        context.close()
