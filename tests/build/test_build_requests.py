"""In real Chromium, every request a page makes goes to the local server (no CDN, no fonts, no
analytics), on every page except most static step pages (clones of one template: a sample)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from sitehelpers import record_requests

STEP_PAGES_PER_FLOW = 1
TABS = 4
"""Pages loaded at once: each waits for its network to be idle (500 ms without a request), and
those waits overlap instead of adding up."""


def page_urls(built_site: Path) -> list[str]:
    """Site-relative URLs: every non-step page, and a few static step pages per flow."""
    urls = []
    step_pages: dict[Path, int] = {}
    for path in sorted(built_site.rglob("index.html")):
        relative = path.parent.relative_to(built_site).as_posix()
        url = "" if relative == "." else relative + "/"
        text = path.read_text()
        is_step = 'id="walker"' in text and "XSTEP" not in text and url.count("/") > 1
        if is_step and not url.endswith(("outline/", "diagram/")):
            step_pages[path.parent.parent] = step_pages.get(path.parent.parent, 0) + 1
            if step_pages[path.parent.parent] > STEP_PAGES_PER_FLOW:
                continue
        urls.append(url)
    return [*urls, "no-such-page/"]


def test_every_request_goes_to_the_local_server(browser: Browser, built_site: Path, site_url: str):
    context = browser.new_context(service_workers="block")
    tabs = [context.new_page() for _ in range(TABS)]
    requests = record_requests(tabs[0])  # every request of the context, from any tab
    urls = page_urls(built_site)
    try:
        for start in range(0, len(urls), TABS):
            batch = list(zip(tabs, urls[start : start + TABS], strict=False))
            for tab, url in batch:  # the pages of a batch load side by side
                tab.goto(site_url + url, wait_until="commit")
            for tab, _ in batch:  # each until its network is idle, as one page at a time was
                tab.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert requests, "no request was recorded"
    off_site = [url for url in requests if not url.startswith(site_url)]
    assert off_site == []
