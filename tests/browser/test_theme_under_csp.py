"""Every page has the site's Content-Security-Policy (no inline script may run), and Material's own
features still work under it: its inline scripts were moved into files (overrides/partials/
javascripts/). Real site, real Chromium; a blocked script shows as a console error."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sitehelpers import search_ready


def test_search_palette_and_navigation_work_with_no_csp_error(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site_url + "treatment/")
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
        expect(policy).to_have_count(1)
        script_src = (policy.get_attribute("content") or "").split("script-src")[1].split(";")[0]
        assert "'unsafe-inline'" not in script_src

        # Palette: the toggle switches the scheme, and the choice survives a reload (md-base.js's
        # __md_get/__md_set and md-palette.js at work).
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", scheme or "")
        chosen = page.locator("body").get_attribute("data-md-color-scheme")
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", chosen or "")

        # Search (Material's worker) finds pages.
        search_ready(page)
        page.locator(".md-search__input").press_sequentially("spasm")  # key events, as a reader
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=30_000)

        # Instant navigation to another reading page keeps working.
        page.keyboard.press("Escape")
        page.locator("nav.md-nav--primary a[href$='red-flags/']").first.click()
        expect(page.locator("article h1").first).to_contain_text("Red flags")
        assert errors == []
    finally:
        context.close()
