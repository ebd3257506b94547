"""The site offline, in real Chromium with the real service worker (tools/build_sw.mjs).

Each test serves its own copy of the built site, so it can stop the server (truly no network,
on top of Playwright's offline switch) or deploy a changed build into the served folder.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, serve_directory
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sitebuild import manifest

READING_PAGES = ["", "treatment/", "red-flags/", "sources/"]


@dataclass
class Served:
    """A private copy of the built site on its own local server."""

    folder: Path
    url: str
    shutdown: Callable[[], None]


@pytest.fixture
def served(built_site: Path, tmp_path: Path) -> Iterator[Served]:
    folder = tmp_path / "site"
    shutil.copytree(built_site, folder)
    server, url = serve_directory(folder)
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            stopped = True
            server.shutdown()
            server.server_close()

    yield Served(folder, url, stop)
    stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def wait_until_controlled(page: Page) -> None:
    """The service worker is installed (precache done) and controls this page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)


def walk_to_outcome(page: Page) -> None:
    """Answer the live walker (first answer, or None of these on a checklist) until an outcome."""
    walker = page.locator("#walker")
    for _ in range(40):
        choices = walker.locator(
            "button[data-choice], [data-action=continue], form button[type=submit]"
        )
        if choices.count() == 0:
            break
        none = walker.locator("input[data-none]")
        if none.count():  # a checklist: nothing ticked is not an answer, "None of these" is
            none.first.check()
        chosen = choices.first.element_handle()
        chosen.click()
        # The walker replaces the step once the engine answered, a screenful per frame; it is
        # aria-busy until the whole step is in.
        page.wait_for_function("(el) => !el.isConnected", arg=chosen, timeout=30_000)
        expect(walker).not_to_have_attribute("aria-busy", "true")
    expect(walker.locator("[class*='urgency-']").first).to_be_visible()


def test_reading_pages_work_offline_without_downloading_the_runtime(
    served: Served, context: BrowserContext
) -> None:
    page = context.new_page()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page.goto(served.url)
    wait_until_controlled(page)
    assert not [url for url in requested if "/assets/pyodide/" in url], (
        "a reading page must not fetch the Pyodide runtime"
    )
    # The service worker's own requests included: Workbox is bundled, nothing from a CDN.
    assert [url for url in requested if not url.startswith(served.url)] == []

    served.shutdown()
    context.set_offline(True)
    for path in READING_PAGES:
        page.goto(served.url + path)
        expect(page.locator("article h1").first).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("ERR_INTERNET_DISCONNECTED")


def test_algorithm_works_offline_after_one_visit(served: Served, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(served.url + "algorithm/")
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    # web/sw-register.mjs marks this once the runtime, wheels and flows are in the cache.
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=60_000)

    served.shutdown()
    context.set_offline(True)
    page.goto(served.url + "algorithm/")
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    walk_to_outcome(page)

    for path in READING_PAGES:
        page.goto(served.url + path)
        expect(page.locator("article h1").first).to_be_visible()


def test_unvisited_step_page_offline_opens_the_walker_at_that_step(
    served: Served, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(served.url + "algorithm/")
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=120_000)
    start_text = page.locator("#walker").inner_text()
    token = a_step_token(served.folder)

    served.shutdown()
    context.set_offline(True)
    page.goto(f"{served.url}algorithm/{token}/")
    # The service worker sends the reader to the start page with the answers as a share link.
    assert page.url.endswith(f"/algorithm/#{token}")
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    expect(page.locator("#walker")).not_to_have_text(start_text)


def test_offline_without_the_runtime_step_pages_say_so_and_never_loop_to_step_one(
    served: Served, context: BrowserContext
) -> None:
    """Review 2026-12, #3: the reader opened reading pages only (the worker is installed, the
    runtime is not cached), then follows the algorithm offline."""
    page = context.new_page()
    page.goto(served.url + "treatment/")
    wait_until_controlled(page)
    token, visited = a_step_token(served.folder), a_step_token(served.folder, 1)
    # One step page opened online, whose walker could not get the runtime: the page is kept.
    context.route("**/pyodide.asm.wasm*", lambda request: request.abort())
    page.goto(f"{served.url}algorithm/{visited}/")
    expect(page.locator("#walker")).to_have_attribute("data-state", "failed", timeout=120_000)
    visited_step = page.locator("#walker h2").first.inner_text()

    served.shutdown()
    context.set_offline(True)
    page.goto(f"{served.url}algorithm/{visited}/")
    expect(page.locator("#walker h2").first).to_have_text(visited_step)
    expect(page.locator("#walker .walker-notice")).to_contain_text("You are offline")

    page.goto(f"{served.url}algorithm/{token}/")
    # Not sent to the start page, where every answer link would come back to step 1.
    assert page.url == f"{served.url}algorithm/{token}/"
    expect(page.locator("h1")).to_have_text("This step is not saved for offline use")
    expect(page.locator("body")).to_contain_text("the reading pages of the guide")

    page.get_by_role("link", name="The first step of the algorithm").click()
    walker = page.locator("#walker")
    expect(walker).to_have_attribute("data-state", "failed", timeout=120_000)
    notice = walker.locator(".walker-notice")
    expect(notice).to_contain_text("You are offline")
    expect(notice).not_to_contain_text("in this browser")
    first_step = walker.locator("h2").first.inner_text()

    # Every answer link of the static page: an honest page, never step 1 again.
    for index in range(walker.locator("a.route").count()):
        page.goto(served.url + "algorithm/")
        page.locator("#walker a.route").nth(index).click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_text("This step is not saved for offline use")
        assert page.locator("#walker h2", has_text=first_step).count() == 0

    for path in READING_PAGES:
        page.goto(served.url + path)
        expect(page.locator("article h1").first).to_be_visible()


def a_step_token(folder: Path, offset: int = 0) -> str:
    """The token of a static step page of the main flow (from the site manifest)."""
    main = manifest.read(folder)["flows"][0]
    tokens = sorted(step["token"] for step in main["steps"])
    return tokens[len(tokens) // 2 + offset]


def deploy_changed_build(folder: Path, marker: str) -> None:
    """A new deployment: one page changed, then the service worker regenerated as the build does."""
    page = folder / "treatment" / "index.html"
    page.write_text(page.read_text().replace("</article>", f"<p>{marker}</p></article>", 1))
    subprocess.run(
        ["node", str(ROOT / "tools" / "build_sw.mjs"), str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_new_build_is_offered_and_applied(served: Served, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(served.url + "treatment/")
    wait_until_controlled(page)
    old_caches = page.evaluate("() => caches.keys()")

    marker = "Reviewed again: this line is new in the second build."
    deploy_changed_build(served.folder, marker)
    page.reload()
    banner = page.locator("#sw-update")
    expect(banner).to_be_visible(timeout=60_000)
    expect(banner).to_contain_text("newer version")
    # Until the reader accepts, the page they read stays as it was: nothing changes under them.
    expect(page.locator("article")).not_to_contain_text(marker)

    banner.get_by_role("button", name="Reload to update").click()
    expect(page.locator("article")).to_contain_text(marker, timeout=60_000)
    expect(page.locator("#sw-update")).to_have_count(0)
    new_caches = page.evaluate("() => caches.keys()")
    assert not set(old_caches) & set(new_caches), "caches of the old build must be deleted"


def test_site_deployed_without_service_worker_drops_the_old_one(
    served: Served, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(served.url + "treatment/")
    wait_until_controlled(page)

    # For example `make serve`, which builds without sw.js, on the same address later.
    (served.folder / "sw.js").unlink()
    page.reload()
    has_registration = "async () => Boolean(await navigator.serviceWorker.getRegistration())"
    for _ in range(120):
        if not page.evaluate(has_registration):
            break
        page.wait_for_timeout(250)
    assert not page.evaluate(has_registration)
    page.reload()
    assert page.evaluate("() => navigator.serviceWorker.controller") is None
