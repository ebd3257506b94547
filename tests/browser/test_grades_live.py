"""The live walker (the engine in Pyodide, in the reader's browser) shows the same grades as
the static pages (issue 14), on the small graded site of tests/gradedsite.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sitehelpers import serve_directory

from .conftest import wait_ready

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def graded_url(graded_site: Path) -> Iterator[str]:
    """The session's graded site (tests/conftest.py, shared with tests/build), served."""
    server, url = serve_directory(graded_site)
    yield url
    server.shutdown()
    server.server_close()


def grades_shown(html: str) -> list[str]:
    """Every data-grade value in a piece of HTML, in order."""
    return [part.split('"', 1)[0] for part in html.split('data-grade="')[1:]]


def test_the_live_outcome_shows_the_grades_of_its_static_page(
    browser: Browser, graded_url: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(graded_url + "algorithm/")
        wait_ready(page)
        assert grades_shown(page.inner_html("#walker")) == ["strong/moderate", "ungraded"]
        page.click('#walker button[data-action="choose"][data-choice="yes"]')
        page.wait_for_selector('#walker .outcome a[data-grade="do not offer"]')
        # The outcome comes a screenful per frame; data-token names it once it is all there.
        page.wait_for_selector("#walker[data-kind=outcome]:not([aria-busy])")
        live = page.inner_html("#walker .outcome")
        assert page.get_attribute("#walker", "data-state") == "ready"
        token = page.get_attribute("#walker", "data-token")
        static_href = f"{graded_url}algorithm/{token}/"  # the static page of the same state
        static = context.new_page()
        static.route("**/*.mjs", lambda route: route.abort())  # the static page, no walker
        static.goto(static_href)
        assert grades_shown(live) == grades_shown(static.inner_html("#walker .outcome"))
        assert "very low certainty" in page.inner_text("#walker .outcome")
        assert len(grades_shown(live)) == 8
    finally:
        context.close()
