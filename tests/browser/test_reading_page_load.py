"""A reading page's start-up on a phone (issue 17: Lighthouse 95+ on reading pages).

Lighthouse's mobile audit of Treatment scored 70-90: nearly all of it Total Blocking Time, from
two pieces of work in the page's first second. Each now waits for the reader or an idle moment,
and each test below failed before its change:
- Material's footnote tooltips mounted one tooltip (focus and hover listeners and about a dozen
  observers) on every footnote marker as the page started, over 200 on Treatment. Footnote
  previews are now our own (overrides/assets/footnote-tips.mjs): built for the marker in use.
- Material's search index was fetched, parsed and handed to its worker as the page started. It
  is now asked for once the page has loaded and is idle, or at once when the reader opens the
  search (overrides/assets/theme/search-later.js).

Real site, real Chromium.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect
from sitehelpers import search_ready

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PAGE = "treatment/"
INDEX = "/search/search_index.json"


def listener_types(page: Page, selector: str) -> list[str]:
    """The event types of the listeners attached to the first element matching `selector`."""
    session = page.context.new_cdp_session(page)
    found = session.send(
        "Runtime.evaluate", {"expression": f"document.querySelector({selector!r})"}
    )
    object_id = found["result"]["objectId"]
    listeners = session.send("DOMDebugger.getEventListeners", {"objectId": object_id})
    session.detach()
    return sorted(listener["type"] for listener in listeners["listeners"])


def test_footnote_markers_get_no_listeners_of_their_own(browser: Browser, site_url: str) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + PAGE)
        # Material mounts the content's components in one go: the wrapper it puts around each
        # table is there once the footnote markers' tooltips (if any) are mounted too.
        page.wait_for_selector(".md-typeset__scrollwrap", state="attached")
        markers = page.locator("a.footnote-ref").count()
        assert markers > 100, markers
        assert listener_types(page, "a.footnote-ref") == []
    finally:
        context.close()


def test_a_footnote_marker_previews_its_footnote(browser: Browser, site_url: str) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + PAGE)
        marker = page.locator("article a.footnote-ref").nth(3)
        note_id = (marker.get_attribute("href") or "").split("#", 1)[1]
        note = page.locator(f"[id='{note_id}']")
        expected = (note.locator("p").first.inner_text()).split("\n")[0][:60]
        preview = page.locator(".md-tooltip2")

        # Pointing at the marker shows its footnote's text next to it, and the page stays put.
        marker.scroll_into_view_if_needed()
        scrolled = page.evaluate("() => scrollY")
        marker.hover()
        expect(preview).to_have_count(1)
        expect(preview).to_contain_text(expected)
        expect(preview.locator(".footnote-backref")).to_have_count(0)
        assert preview.locator("[id]").count() == 0, "a copy with ids would duplicate them"
        assert marker.get_attribute("aria-controls") == preview.get_attribute("id")
        assert page.evaluate("() => scrollY") == scrolled

        # Leaving it hides the preview.
        page.mouse.move(1, 1)
        expect(preview).to_have_count(0)

        # The keyboard: focus shows it, Escape hides it.
        marker.focus()
        expect(preview).to_contain_text(expected)
        page.keyboard.press("Escape")
        expect(preview).to_have_count(0)
    finally:
        context.close()


def test_a_reading_page_asks_for_the_search_index_after_its_load(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        events: list[str] = []
        page.on("load", lambda _: events.append("load"))
        page.on(
            "request",
            lambda request: (
                events.append("index") if request.url.split("?", 1)[0].endswith(INDEX) else None
            ),
        )
        page.goto(site_url + PAGE)
        search_ready(page)  # the index arrives, and search works
        page.locator(".md-search__input").press_sequentially("cyclobenzaprine")
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=30_000)
        assert events == ["load", "index"], events
    finally:
        context.close()
