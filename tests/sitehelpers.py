"""Helpers shared by the tests that need the built site, a local server or Chromium.

Import from here (`from sitehelpers import serve_directory`), not from `conftest`: several
conftest.py files exist under tests/, so `import conftest` may find the wrong one.
"""

from __future__ import annotations

import fcntl
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pytest
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent

# Launch flags (tests and bench/): no background traffic, so "every request is local" is testable.
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


def launch_test_chromium(playwright: Playwright) -> Browser:
    """The tests' Chromium: CHROMIUM_ARGS, and RenderDocument off on top of the features
    Playwright itself turns off.

    DevTools network emulation (Playwright's offline switch, a slow connection) sets
    navigator.onLine and navigator.connection in the document it finds; Chromium 150 makes a
    new document for every navigation (RenderDocument), which then reads online and "4g" while
    the network stays emulated. A second --disable-features replaces Playwright's own (the last
    one wins), so Playwright's list is read off a first browser's chrome://version and joined.
    """
    executable = chromium_executable()
    probe = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        page = probe.new_page()
        page.goto("chrome://version")
        line = page.locator("#command_line").inner_text().split()
    finally:
        probe.close()
    prefix = "--disable-features="
    features = [a.removeprefix(prefix) for a in line if a.startswith(prefix)] + ["RenderDocument"]
    args = [*CHROMIUM_ARGS, prefix + ",".join(features)]
    return playwright.chromium.launch(executable_path=executable, args=args, headless=True)


MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".xml": "application/xml",
    ".gz": "application/gzip",
}
"""Content-Type by file ending, as a host must send the site's files (Pyodide hangs on a wrong
.wasm type); the tests' server and the benchmark's (bench/runtime_bench.py) both send these."""


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static file server with the MIME types Pyodide needs (it hangs on a wrong .wasm type)."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **MIME_TYPES,
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a connection early (a page left mid-load) is not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_directory(
    directory: Path, handler: type[SiteRequestHandler] = SiteRequestHandler
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on a random local port in a daemon thread; returns (server, base URL)."""
    handler_for_directory = partial(handler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler_for_directory)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}/"


@contextmanager
def serving(
    directory: Path, handler: type[SiteRequestHandler] = SiteRequestHandler
) -> Iterator[str]:
    """`serve_directory` for a `with` block: yields the base URL, stops the server after."""
    server, url = serve_directory(directory, handler)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def record_requests(page: Page) -> list[str]:
    """Start recording the URL of every request `page` makes; returns the (growing) list.

    Includes requests from workers and service workers of the page's context, so a fetch from
    the Pyodide worker counts too.
    """
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    return urls


def search_ready(page: Page) -> None:
    """Wait until Material's search has its index (its result line leaves "Initializing search").

    Material runs a query on key events, or on the box's value when the index arrives: a test
    that fills the box (no key events) passes only while the index is slower than the test. So
    wait for the index, then type key by key.
    """
    page.wait_for_function(
        """() => {
          const meta = document.querySelector(".md-search-result__meta");
          return meta !== null && !/Initializing/.test(meta.textContent || "");
        }""",
        timeout=60_000,
    )


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
