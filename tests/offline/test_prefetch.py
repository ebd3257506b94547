"""web/prefetch.mjs: the engine starts ahead of need only when it costs the reader nothing.

A returning reader (runtime cached by the service worker) gets the engine started while idle on a
reading page; a reader on a slow connection gets nothing started unasked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

# The DevTools protocol's network emulation also sets navigator.connection.effectiveType:
# a 400 ms round trip reads as "3g", where nothing big is fetched unasked.
SLOW = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 4_000_000 / 8,
    "uploadThroughput": 1_000_000 / 8,
}


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def workers_started(page: Page) -> list[str]:
    started: list[str] = []
    page.on("worker", lambda worker: started.append(worker.url))
    return started


def use_algorithm_once(page: Page, site_url: str) -> None:
    """A first visit that used the algorithm: the runtime ends up in the service worker's cache."""
    page.goto(site_url + "algorithm/")
    expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
    expect(page.locator("html")).to_have_attribute("data-offline", "ready", timeout=60_000)


def test_returning_reader_gets_the_engine_started_on_a_reading_page(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    use_algorithm_once(page, site_url)

    started = workers_started(page)
    page.goto(site_url + "treatment/")
    for _ in range(120):  # up to 30 s for the idle callback on a busy machine
        if any(url.endswith("/assets/walker/worker.mjs") for url in started):
            break
        page.wait_for_timeout(250)
    assert [url for url in started if url.endswith("/assets/walker/worker.mjs")]
    # (With instant navigation the walker then adopts this worker through engineWorker():
    # bench/runtime_bench.py measures that path, on a build whose site_url matches its server.)


def test_first_time_reader_on_a_slow_connection_gets_nothing_started(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    started = workers_started(page)
    page.goto(site_url + "treatment/", timeout=120_000)
    assert page.evaluate("() => navigator.connection.effectiveType") in {"slow-2g", "2g", "3g"}

    # Pointing at the algorithm link is intent, but not enough on 3G: the click will do.
    page.locator("a.md-nav__link[href$='/algorithm/']").first.dispatch_event("pointerover")
    page.wait_for_timeout(5000)  # past the idle callback's 3 s timeout
    assert not [url for url in started if "worker.mjs" in url]
    assert not [url for url in requested if "/assets/pyodide/" in url]
