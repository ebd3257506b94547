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

        # Instant navigation to another reading page keeps working, and so does the toggle there.
        page.keyboard.press("Escape")
        page.locator("nav.md-nav--primary a[href$='red-flags/']").first.click()
        expect(page.locator("article h1").first).to_contain_text("Red flags")
        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme or "")
        assert errors == []
    finally:
        context.close()


def test_the_palette_toggle_shows_one_button_answers_enter_and_never_restyles_for_nothing(
    browser: Browser, site_url: str
) -> None:
    """md-palette.js does the work of Material's palette component (overrides/partials/
    palette.html): one toggle shown, the one for the other scheme; Enter on the focused palette
    input switches, as in Material; the browser's colour scheme follows. And none of the component's
    start-up churn: the body is never marked "switching", and a colour attribute is set only when
    its value changes (each change restyles the whole page)."""
    context = browser.new_context(service_workers="block")
    try:
        context.add_init_script(
            """window.__bodyChanges = [];
            new MutationObserver((records) => {
              for (const r of records) {
                if (r.target === document.body) window.__bodyChanges.push(r.attributeName);
              }
            }).observe(document, { attributes: true, subtree: true });"""
        )
        page = context.new_page()
        page.goto(site_url + "treatment/")
        expect(page.locator("label.md-header__button[for^='__palette']:visible")).to_have_count(1)
        first = page.locator("body").get_attribute("data-md-color-scheme")
        assert first == "default"  # the light scheme, as Chromium prefers by default
        # Set once, by md-palette.js as the body opened (before this page's content).
        changes = page.evaluate("() => window.__bodyChanges")
        assert "data-md-color-switching" not in changes
        assert changes.count("data-md-color-scheme") <= 1
        expect(page.locator("meta[name='theme-color']")).to_have_count(1)
        scheme_meta = page.locator("meta[name='color-scheme']")
        light = scheme_meta.get_attribute("content")

        page.locator("#__palette_0").focus()
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        expect(page.locator("label.md-header__button[for^='__palette']:visible")).to_have_count(1)
        expect(page.locator("label[for='__palette_0']")).to_be_visible()  # back to light
        expect(scheme_meta).not_to_have_attribute("content", light or "")
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
        assert "data-md-color-switching" not in page.evaluate("() => window.__bodyChanges")
    finally:
        context.close()
