"""Issue 17: on an algorithm page, Material's search index (about 80 KB gzip) does not share a
cold walker start's network: it is requested once the walker is ready or has failed, or when the
reader opens the search (overrides/assets/theme/search-later.js). A reading page asks for it
once it has loaded and is idle (the order: tests/browser/test_reading_page_load.py).

Real site, real Chromium. The walker is kept from turning ready by holding back its standard
library, so "before ready" lasts as long as the test needs.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Request, Route, expect

INDEX = "/search/search_index.json"


def is_index(request: Request) -> bool:
    return request.url.split("?", 1)[0].endswith(INDEX)


def test_the_search_index_waits_for_the_walker_or_the_reader(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url) if is_index(request) else 0)
        held: list[Route] = []
        page.route("**/python_stdlib.zip.gz", lambda route: held.append(route))
        # Material's bundle (a classic script) asks for the index as it starts, before the
        # walker's module runs and its worker asks for the standard library.
        page.goto(site_url + "algorithm/")
        for _ in range(300):
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the walker should be waiting for its standard library"
        assert page.locator("#walker").get_attribute("data-state") not in ("ready", "failed")
        assert asked == []

        # Opening the search asks for the index at once, and the search works.
        page.locator(".md-search__input").fill("spasm")
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=30_000)
        assert len(asked) == 1
    finally:
        context.close()


def test_a_reading_page_asks_for_the_search_index_at_once(browser: Browser, site_url: str) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        with page.expect_request(is_index, timeout=30_000):
            page.goto(site_url + "treatment/")
    finally:
        context.close()
