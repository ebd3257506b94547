"""In real Chromium, every request a page makes goes to the local server (no CDN, no fonts, no
analytics), on every page except most static step pages (clones of one template: a sample)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from sitehelpers import record_requests

STEP_PAGES_PER_FLOW = 1


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
    page = context.new_page()
    requests = record_requests(page)
    try:
        for url in page_urls(built_site):
            page.goto(site_url + url, wait_until="networkidle")
    finally:
        context.close()
    assert requests, "no request was recorded"
    off_site = [url for url in requests if not url.startswith(site_url)]
    assert off_site == []
