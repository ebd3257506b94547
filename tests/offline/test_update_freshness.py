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
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sitehelpers import ROOT, SiteRequestHandler, serve_directory

import build_site

OLD_TEXT = "Keep moving; avoid bed rest."
NEW_TEXT = "Keep moving (second build); avoid bed rest."
FLOW_ID = "fresh"
READING_MARKER = "This sentence is new in the second build."


class MaxAgeHandler(SiteRequestHandler):
    """Like GitHub Pages: every response may be reused from the HTTP cache for ten minutes."""

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


def scratch_project(folder: Path) -> Path:
    """A copy of the project's sources (node_modules and the content-addressed cache shared)."""
    build_site.copy_sources(ROOT, folder)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build").mkdir(exist_ok=True)
    (folder / ".build").symlink_to(ROOT / ".build")
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import engine

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
    two = build_site.build(project, out / "two", quiet=True)

    flow = engine.load_flow_file(flow_file)
    steps = {step.node_id: step.token for step in build_site.flow_steps(flow)}
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
    server, url = serve_directory(folder, MaxAgeHandler)
    yield Served(folder, url)
    server.shutdown()
    server.server_close()


def flow_page(served: Served, token: str) -> str:
    return f"{served.url}algorithm/{FLOW_ID}/{token}/"


def live_walker(page: Page) -> None:
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    expect(page.locator("#walker")).not_to_have_attribute("aria-busy", "true")


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

        served.deploy(builds.two)
        page.reload()
        banner = page.locator("#sw-update")
        expect(banner).to_be_visible(timeout=60_000)
        banner.get_by_role("button", name="Reload to update").click()
        expect(page.locator("#sw-update")).to_have_count(0, timeout=60_000)
        page.wait_for_load_state("load")

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
