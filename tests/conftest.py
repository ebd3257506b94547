"""Shared fixtures: the real site built once per session, served over local HTTP, and Chromium.

Everything here is real: `built_site` runs the same build as `make serve`, `site_url` is a plain
HTTP server on 127.0.0.1 (Pyodide cannot start from file://), and `browser` is Debian's Chromium
driven by Playwright. Tests that need none of these never pay for them (fixtures are lazy).

A build costs seconds to minutes on a busy 2-core machine, so each shared site is built once per
run, even when pytest-xdist runs the tests in several worker processes (`build_once`). Tests only
read the shared sites; a test that changes a site copies it or builds its own.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sitehelpers import (  # re-exported: older tests import them from conftest
    CHROMIUM_ARGS,
    ROOT,
    SiteRequestHandler,
    build_once,
    chromium_executable,
    launch_test_chromium,
    record_requests,
    serve_directory,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

__all__ = [
    "CHROMIUM_ARGS",
    "ROOT",
    "SiteRequestHandler",
    "chromium_executable",
    "record_requests",
    "serve_directory",
]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build_real_site(folder: Path) -> Path:
    import build_site

    return build_site.build(project=ROOT, site_dir=folder / "site", quiet=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site (docs/ + flows/), built once per test run into a temp folder (read only)."""
    return build_once(tmp_path_factory, "built", build_real_site)


@pytest.fixture(scope="session")
def graded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small graded site of tests/gradedsite.py, built once per test run (read only)."""
    from gradedsite import build_graded_site

    return build_once(tmp_path_factory, "graded", build_graded_site)


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL (ending in "/") of a local HTTP server serving `built_site`."""
    server, url = serve_directory(built_site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the session; make a fresh context per test for isolation."""
    browser = launch_test_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cache or storage shared with other tests)."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def request_log() -> Callable[[Page], list[str]]:
    """The `record_requests` helper as a fixture, for tests that cannot import conftest."""
    return record_requests


SLOWEST_FIRST = (
    "browser/test_outcomes_phone.py",
    "browser/test_outcomes_phone_live.py",
    "build/test_build_hostile.py",
    "build/test_build_swap.py",
    "browser/test_walk_every_route.py",
    "offline/test_offline.py",
    "browser/test_walker.py",
    "offline/test_update_freshness.py",
    "build/test_build_requests.py",
    "build/test_no_markup_from_content.py",
    "build/test_build_failure.py",
    "governance/test_site.py",
)
"""The longest test modules (`pytest --durations`, 2026-12-02), run first: with `make test`'s two
workers taking whole modules in this order, neither is left running a long one alone at the end.
A stale list only costs balance, never a test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order modules slowest first (SLOWEST_FIRST), the others as collected (a stable sort)."""
    tests = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        module = item.path.relative_to(tests).as_posix() if item.path.is_relative_to(tests) else ""
        return SLOWEST_FIRST.index(module) if module in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)


THIS_CONFTEST = sys.modules[__name__]


def pytest_pycollect_makemodule(module_path: Path) -> None:
    """Keep `from conftest import ...` pointing at this file for test modules it governs.

    pytest imports every conftest.py as the module `conftest`, so after tests/engine/conftest.py
    is loaded that name would mean the engine's file for every later test module.
    """
    nearest = next(
        (folder for folder in module_path.parents if (folder / "conftest.py").exists()), None
    )
    if nearest == Path(__file__).parent:
        sys.modules["conftest"] = THIS_CONFTEST


def pytest_report_header() -> str:
    chromium = chromium_executable() or "playwright's own"
    return f"chromium: {chromium}; node: {shutil.which('node')}"
