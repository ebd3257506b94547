"""Issue 17, the wire: Pyodide's WebAssembly module ships as zstd (about 650 KB less than the gzip
a host would send), the engine worker unpacks it with a vendored decoder as it arrives, and the
progress bar's sizes are what a host sends. Algorithm pages preload the worker's modules, the
worker starts the runtime's downloads at once, and each file crosses the wire once (the HTTP
cache); reading pages preload nothing.

Real build, real Chromium; the failure cases serve bytes that are not zstd, or half of the file.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import ClassVar

import pytest
import zstandard
from playwright.sync_api import Browser, expect
from sitehelpers import SiteRequestHandler, serving

import build_site
from sitebuild import manifest
from sitebuild.manifest import HOST_UNCOMPRESSED

PYODIDE = "assets/pyodide/"
STOCK_WASM = build_site.ROOT / "node_modules" / "pyodide" / "pyodide.asm.wasm"


def runtime_sizes(site: Path) -> dict[str, list[int]]:
    """The table runtime-sizes.mjs gives the worker's progress bar."""
    module = (site / "assets" / "walker" / "runtime-sizes.mjs").read_text()
    [table] = re.findall(r"^export const RUNTIME_SIZES = (.*);$", module, flags=re.M)
    sizes: dict[str, list[int]] = json.loads(table)
    return sizes


def test_the_site_ships_the_module_as_zstd_of_exactly_pyodides_bytes(built_site: Path) -> None:
    folder = built_site / PYODIDE
    assert not (folder / "pyodide.asm.wasm").exists()  # only the smaller copy ships
    packed = (folder / "pyodide.asm.wasm.zst").read_bytes()
    assert zstandard.ZstdDecompressor().decompress(packed) == STOCK_WASM.read_bytes()
    assert len(packed) < 0.83 * len(gzip.compress(STOCK_WASM.read_bytes(), compresslevel=9))
    decoder = (folder / "zstddec-stream.mjs").read_text()
    assert "export { ZSTDDecoder }" in decoder and "BSD License" in decoder


def test_every_start_file_is_in_the_progress_table_with_what_a_host_sends(
    built_site: Path,
) -> None:
    """A host (GitHub Pages) gzips by type and sends archives (.zst, .gz, .zip) as they are."""
    sizes = runtime_sizes(built_site)
    assert {"pyodide.asm.wasm.zst", "zstddec-stream.mjs", "python_stdlib.zip.gz"} <= set(sizes)
    assert "pyodide.asm.wasm" not in sizes
    for name, (raw, sent) in sizes.items():
        data = (built_site / PYODIDE / name).read_bytes()
        gzipped = len(gzip.compress(data, compresslevel=6, mtime=0))
        as_is = name.endswith(HOST_UNCOMPRESSED)
        assert [raw, sent] == [len(data), len(data) if as_is else gzipped], name


def test_the_walker_gets_ready_from_the_zstd_module_and_shows_its_size(
    browser: Browser, site_url: str, built_site: Path
) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        asked: list[str] = []
        context.on("request", lambda request: asked.append(request.url.split("?")[0]))
        lines: list[str] = []
        page.expose_function("noteLine", lambda line: lines.append(line))
        page.add_init_script(
            """new MutationObserver(() => {
              const line = document.querySelector(".walker-loading");
              if (line && line.textContent) window.noteLine(line.textContent);
            }).observe(document, {subtree: true, childList: true, characterData: true});"""
        )
        # A line slow enough (500 KB/s, the worker's downloads included) that the runtime is
        # still arriving when the walker mounts: on a fast machine it could be all in before.
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 20, "downloadThroughput": 5e5, "uploadThroughput": 5e5},
        )
        page.goto(site_url + "algorithm/")
        expect(page.locator("#walker")).to_have_attribute("data-state", "ready", timeout=120_000)
        names = {url.rsplit("/", 1)[-1] for url in asked}
        assert {"pyodide.asm.wasm.zst", "zstddec-stream.mjs"} <= names
        assert "pyodide.asm.wasm" not in names
        total = sum(sent for _, sent in runtime_sizes(built_site).values())
        assert any(f"of {total / 1e6:.1f} MB" in line for line in lines), lines
    finally:
        context.close()


WATCHDOG_REASON = re.compile("no data arrived|did not start after loading|did not answer")
"""What web/loading.mjs and engine-client.mjs give up with when nothing happens for a while."""
DECODER_REASON = {"corrupt-module": "data is corrupt", "cut-off-module": "Incomplete stream"}
"""What web/zstd-stream.mjs (and zstddec, for a cut-off file) fail with."""


@pytest.mark.parametrize("failure", ["corrupt-module", "cut-off-module", "decoder-missing"])
def test_a_corrupt_module_or_a_missing_decoder_fails_the_start_with_a_notice(
    browser: Browser, site_url: str, built_site: Path, failure: str
) -> None:
    """Never a hang: the page stays static and says the walker could not start, and the reason
    is the failure itself, not a watchdog's (they would hide a decoder that never ends)."""
    context = browser.new_context(service_workers="block")
    try:
        packed = (built_site / PYODIDE / "pyodide.asm.wasm.zst").read_bytes()
        bodies = {
            "corrupt-module": packed[:4] + b"not really zstd " * 5000,  # its magic, then garbage
            "cut-off-module": packed[: len(packed) // 2],
        }
        if failure in bodies:
            body = bodies[failure]
            context.route(
                "**/pyodide.asm.wasm.zst",
                lambda route: route.fulfill(status=200, body=body, content_type="application/zstd"),
            )
        else:
            context.route("**/zstddec-stream.mjs", lambda route: route.abort())
        page = context.new_page()
        warnings: list[str] = []
        page.on("console", lambda message: warnings.append(message.text))
        page.goto(site_url + "algorithm/")
        expect(page.locator("#walker")).to_have_attribute("data-state", "failed", timeout=60_000)
        expect(page.locator("#walker .walker-notice")).to_contain_text("could not start")
        reasons = [text for text in warnings if text.startswith("walker:")]
        assert reasons, warnings
        assert not any(WATCHDOG_REASON.search(text) for text in reasons), reasons
        if failure in DECODER_REASON:
            assert DECODER_REASON[failure] in reasons[0], reasons
    finally:
        context.close()


def preloads(html: str) -> list[str]:
    """The hrefs of a page's `<link rel="modulepreload">` and `<link rel="preload">` tags."""
    tags = re.findall(r"<link rel=\"(?:module)?preload\"[^>]*>", html)
    return [re.findall(r'href="([^"]+)"', tag)[0] for tag in tags]


def test_algorithm_pages_preload_the_workers_modules_and_no_runtime_download(
    built_site: Path,
) -> None:
    """The worker's module graph is preloaded; the big runtime files are not (the worker starts
    them itself): begun before the first paint, Lighthouse's simulation counts them against it."""
    site = manifest.read(built_site)
    started = {file["path"] for file in site["runtime"]["files"] if file["start"]}
    worker_graph = {f"assets/walker/{name}" for name in ("worker.mjs", "contract.mjs")}
    worker_graph |= {"assets/walker/site-layout.mjs", "assets/pyodide/zstddec-stream.mjs"}
    worker_graph |= {"assets/pyodide/pyodide.mjs"}
    step = site["flows"][0]["steps"][0]["page"]
    for page, up in (("algorithm/", "../"), (step, "../../")):
        found = {
            href.removeprefix(up)
            for href in preloads((built_site / page / "index.html").read_text())
        }
        assert worker_graph <= found, page
        assert not found & (started - worker_graph), page
        assert all((built_site / path).is_file() for path in found), page
    for page in ("index.html", "treatment/index.html"):
        assert "assets/pyodide/" not in (built_site / page).read_text(), page


def test_algorithm_pages_start_the_engine_first_and_preload_after_the_stylesheets(
    built_site: Path,
) -> None:
    """engine-start.mjs comes first in the head, right after the Content-Security-Policy: a
    browser runs what follows a parser-blocking script only once that script has run (measured:
    the worker started about 250 ms later on a desktop). The module preloads come after the
    stylesheets, which are then asked for first (measured: ahead of them, the preloads moved
    Lighthouse's first contentful paint from 1.3 to 2.4 s)."""
    site = manifest.read(built_site)
    step = site["flows"][0]["steps"][0]["page"]
    for page in ("algorithm/", step):
        head = (built_site / page / "index.html").read_text().split("</head>")[0]
        tags = re.findall(r"<(?:script|link|meta http-equiv)\b[^>]*>", head)
        blocking = [
            i
            for i, tag in enumerate(tags)
            if tag.startswith("<script")
            and not re.search(r"\b(?:async|defer|type=\"module\")", tag)
        ]
        stylesheets = [i for i, tag in enumerate(tags) if 'rel="stylesheet"' in tag]
        preloads = [i for i, tag in enumerate(tags) if 'rel="modulepreload"' in tag]
        start = next(i for i, tag in enumerate(tags) if "engine-start.mjs" in tag)
        policy = next(i for i, tag in enumerate(tags) if "Content-Security-Policy" in tag)
        assert blocking and stylesheets and preloads, page  # the order matters only with them
        assert policy < start < min(stylesheets) <= max(stylesheets) < min(preloads), page
        assert start < min(blocking), page


class CountingHandler(SiteRequestHandler):
    """Like GitHub Pages (reusable for ten minutes); records every request that reaches it."""

    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path.split("?")[0])
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


def test_a_cold_start_downloads_each_preloaded_file_once(
    browser: Browser, built_site: Path
) -> None:
    """The worker's early downloads and Pyodide's own requests (a fetch, a module import), and
    the page's module preloads, must meet in the HTTP cache, or runtime bytes would cross the
    wire twice."""
    with serving(built_site, CountingHandler) as url:
        context = browser.new_context(service_workers="block")
        try:
            page = context.new_page()
            CountingHandler.requested.clear()
            page.goto(url + "algorithm/")
            expect(page.locator("#walker")).to_have_attribute(
                "data-state", "ready", timeout=120_000
            )
        finally:
            context.close()
    runtime = [path for path in CountingHandler.requested if "/assets/pyodide/" in path]
    assert "/assets/pyodide/pyodide.asm.wasm.zst" in runtime
    assert sorted(runtime) == sorted(set(runtime))
