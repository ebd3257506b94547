"""Shared fixtures: the real site built once per session, served over local HTTP, and Chromium.

Everything here is real: `built_site` runs the same build as `make serve`, `site_url` is a plain
HTTP server on 127.0.0.1 (Pyodide cannot start from file://), and `browser` is Debian's Chromium
driven by Playwright. Tests that need none of these never pay for them (fixtures are lazy).
"""

from __future__ import annotations

import http.server
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Launch flags from the team brief: no background traffic, so "every request is local" is testable.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    """Debian's Chromium (or $CHROMIUM); None lets Playwright use its own download."""
    from_env = os.environ.get("CHROMIUM")
    if from_env:
        return from_env
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return None


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static file server with the MIME types Pyodide needs (it hangs on a wrong .wasm type)."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".whl": "application/zip",
        ".zip": "application/zip",
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


def serve_directory(
    directory: Path, handler: type[SiteRequestHandler] = SiteRequestHandler
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on a random local port in a daemon thread; returns (server, base URL)."""
    handler_for_directory = partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for_directory)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site (docs/ + flows/), built once per test session into a temp folder."""
    import build_site

    site_dir = tmp_path_factory.mktemp("built") / "site"
    build_site.build(project=ROOT, site_dir=site_dir, quiet=True)
    return site_dir


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


def record_requests(page: Page) -> list[str]:
    """Start recording the URL of every request `page` makes; returns the (growing) list.

    Includes requests from workers and service workers of the page's context, so a fetch from
    the Pyodide worker counts too.
    """
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def request_log() -> Callable[[Page], list[str]]:
    """The `record_requests` helper as a fixture, for tests that cannot import conftest."""
    return record_requests


def pytest_report_header() -> str:
    chromium = chromium_executable() or "playwright's own"
    return f"chromium: {chromium}; node: {shutil.which('node')}"
