"""Shared fixtures: the real site built once per session, served over local HTTP, and Chromium.

Everything here is real: `built_site` runs the same build as `make serve`, `site_url` is a plain
HTTP server on 127.0.0.1 (Pyodide cannot start from file://), and `browser` is Debian's Chromium
driven by Playwright. Tests that need none of these never pay for them (fixtures are lazy).

A build costs seconds to minutes on a busy 2-core machine, so each shared site is built once per
run, even when pytest-xdist runs the tests in several worker processes (`build_once`). Tests only
read the shared sites; a test that changes a site copies it or builds its own.
"""

from __future__ import annotations

import fcntl
import os
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
    chromium_executable,
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


def build_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """`build(folder)` run once per test run, its result shared by every pytest-xdist worker.

    The first worker to ask builds into a folder of the run's temp root (shared by the workers)
    under a file lock; the others wait on the lock and reuse what it made. A failed build leaves
    no record, so the next worker to ask tries again and reports its own failure.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # .../pytest-N/popen-gw0 -> .../pytest-N, the run's own root
    record = root / f"{name}.built"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            return Path(record.read_text())
        folder = root / name
        shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
        folder.mkdir()
        result = build(folder)
        record.write_text(str(result))
        return result


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
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
    )
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
