"""Reading pages on paper (issue 15): the Treatment page printed on 18 A4 pages.

Printed with Chromium (JavaScript on and off) and read back with pypdf, as the outcome print
tests do: no blank page, no site chrome (header, navigation, table of contents), the page's own
text from the first page on, footnotes once at the end, and a page count fit for the content.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MAX_PAGES = {"treatment/": 8, "red-flags/": 6, "differentiation/": 5}
"""A4 and Letter; the Treatment page printed on 18 A4 pages before its print rules."""
CHROME = ("Table of contents", "Writing flowcharts", "Clinical safety", "Skip to content")
"""Navigation and table-of-contents text that must not be printed."""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_reading_pages_print_compactly_without_chrome(
    browser: Browser, site_url: str, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    problems = []
    try:
        for path, most in MAX_PAGES.items():
            page.goto(site_url + path)
            title = page.text_content("article h1") or ""
            for paper in ("A4", "Letter"):
                pages = PdfReader(io.BytesIO(page.pdf(format=paper))).pages
                texts = [sheet.extract_text() for sheet in pages]
                if len(texts) > most:
                    problems.append(f"{path} {paper}: {len(texts)} pages (at most {most})")
                blank = [n for n, text in enumerate(texts, 1) if not text.strip()]
                if blank:
                    problems.append(f"{path} {paper}: blank pages {blank}")
                if title.split()[0] not in texts[0]:
                    problems.append(f"{path} {paper}: the first page lacks the title {title!r}")
                chrome = [word for word in CHROME if any(word in text for text in texts)]
                if chrome:
                    problems.append(f"{path} {paper}: site chrome printed: {chrome}")
                if "Printed from http" not in texts[-1]:
                    problems.append(f"{path} {paper}: no address on the last page")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
