"""Runtime benchmark: the algorithm page against a bare Pyodide page, in headless Chromium.

    .venv/bin/python bench/runtime_bench.py            # full run (several minutes)
    .venv/bin/python bench/runtime_bench.py --quick    # one run of each, no Lighthouse

Builds the site into a temporary folder (so `site_url` matches the local server and Material's
instant navigation is on), serves it over local HTTP with gzip and GitHub-Pages-like caching
headers, serves `bench/baseline.html` beside it, and measures side by side, in one run:

- the baseline: time until a bare page that loads Pyodide as npm ships it has run `1+1`;
- the algorithm page: first question visible with its answers clickable, walker `ready`, the
  longest main-thread task while loading, click-to-next-step-painted latency (p50/p95) over
  scripted walks, and the floor under it (the same measure for a click that changes a paragraph);
- a reading page: DOMContentLoaded (the target for the first question) and first paint;
- cold (fresh profile) and warm (second visit with the same profile), each also with 4x CPU
  throttling and a slow network (DevTools protocol);
- a returning reader who opens the algorithm from a reading page (instant navigation);
- bytes sent by the server per page type, with and without the runtime cached;
- Lighthouse (mobile) scores on a reading page and the algorithm page.

Every number is the median of the runs. Results go to bench/results/runtime.md. Why a server of
our own: it counts every byte it sends (workers and the service worker included) and compresses
like a real host, so transfer sizes and slow-network times are realistic.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from sitehelpers import CHROMIUM_ARGS, MIME_TYPES  # noqa: E402  (the tests' flags and types)

sys.path.insert(0, str(ROOT))
from engine.contract import CHECKLIST_ITEM_NAME  # noqa: E402
from sitebuild.urls import MAIN_FLOW_ID, PYODIDE_DIR, flow_base, flow_json_path  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BASELINE_URL_PATH = "__bench__/baseline.html"
# The baseline loads Pyodide as npm ships it, from here (the site's copy is precompiled).
BASELINE_PYODIDE_PATH = "__bench__/pyodide/"
STOCK_PYODIDE = ROOT / "node_modules" / "pyodide"
RUNTIME_PATHS = ("/" + PYODIDE_DIR, "/" + BASELINE_PYODIDE_PATH)
READING_PAGE = "treatment/"
ALGORITHM_PAGE = flow_base(MAIN_FLOW_ID)
PROBE_PAGE = flow_json_path(MAIN_FLOW_ID)
RESULTS = ROOT / "bench" / "results" / "runtime.md"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LOAD_TIMEOUT_MS = 180_000
# How long the returning reader reads a reading page before opening the algorithm.
READING_SECONDS = 10
# Scripted walks: how long the reader reads each step before answering. One second is quicker
# than any real reading of a clinical step; 0 (answering the moment the whole step is on the
# page) is the worst case, with no time for the walker to prepare the next steps.
READER_PAUSES_MS = {"reads each step 1 s": 1000, "answers at once": 0}
# True once web/sw-register.mjs has cached the algorithm's runtime (or when the page has no
# service worker registration script, so there is nothing to wait for).
OFFLINE_READY = """() => document.documentElement.dataset.offline === "ready" ||
  !document.querySelector("script[src*='sw-register']")"""


@dataclass(frozen=True)
class Condition:
    """Emulated device and network, applied through the DevTools protocol."""

    name: str
    cpu_slowdown: float = 1
    network: dict[str, Any] | None = None
    cpu_share: float | None = None
    """The whole browser (every Chromium process: page, worker, GPU) gets only this share of
    the CPU, by a cpulimit-style duty cycle (`cpu_quota`): unlike DevTools' CPU throttling,
    it slows the walker's Web Worker too."""


SLOW_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 9_000_000 / 8,
    "uploadThroughput": 1_500_000 / 8,
}


CONDITIONS = [
    Condition("desktop"),
    Condition("4x CPU", cpu_slowdown=4),
    # Poor hospital Wi-Fi / slow 4G: 9 Mbit/s down, 1.5 Mbit/s up, 150 ms round trip.
    Condition("slow network", network=SLOW_NETWORK),
    # A mid-range phone on that network: a quarter of a desktop core for everything, worker
    # included (see cpu_quota), and the slow network.
    Condition("phone", network=SLOW_NETWORK, cpu_share=0.25),
]
WALK_CONDITIONS = ("desktop", "4x CPU", "phone")

# Bytes per file of a cold algorithm visit before issue 17 (commit 231591a), as this server sends
# them: the "before" column of the report. Written by `bench/cold_bytes.py --json` from a build of
# that commit; read, never typed by hand.
BYTES_BEFORE_FILE = ROOT / "bench" / "results" / "cold_bytes_before.json"


def file_name(path: str) -> str:
    """The last part of a request's path: how the per-file rows name a request."""
    return path.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "/"


def bytes_before() -> dict[str, int]:
    """Per file name, bytes sent (headers included) of the cold start in BYTES_BEFORE_FILE."""
    if not BYTES_BEFORE_FILE.is_file():
        return {}
    sizes: dict[str, int] = {}
    for row in json.loads(BYTES_BEFORE_FILE.read_text())["requests"]:
        name = file_name(row["path"])
        sizes[name] = sizes.get(name, 0) + row["sent"] + HEADER_BYTES
    return sizes


# A fixed amount of work, timed on the main thread and in a Web Worker: shows which of them a
# condition slows (DevTools' CPU throttling slows only the page; the phone's quota slows both).
CPU_PROBE = """
async () => {
  const work = "let x = 0; for (let i = 0; i < 3e7; i++) x = (x + i * 7) % 1000003; x";
  const t0 = performance.now(); (0, eval)(work); const main = performance.now() - t0;
  const code = `const t0 = performance.now(); ${work}; postMessage(performance.now() - t0);`;
  const worker = new Worker(URL.createObjectURL(new Blob([code], {type: "text/javascript"})));
  const inWorker = await new Promise((r) => {
    worker.onmessage = (e) => r(e.data);
    worker.onerror = () => r(null);
    setTimeout(() => r(null), 60000);
  });
  worker.terminate();
  return [main, inWorker];
}
"""

# Recorded in every page before its own scripts run: when the walker (or the baseline's result)
# turns ready, when the first answer of the algorithm is painted, every long task and long
# animation frame, and which of those frames ran the walker's scripts.
MEASURE_SCRIPT = """
(() => {
  const m = (window.__bench = {
    readyAt: null, answersAt: null, longTasks: [], longFrames: [], walkerFrames: [],
    walkerChanges: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) m.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
    // Long animation frames name the scripts that ran in them: [start, duration, the walker's
    // script time, the frame's rendering time (rAF callbacks, style, layout, paint)]. See
    // walker_frame_cost for what of a frame counts as the walker's.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        let walker = 0;
        for (const s of e.scripts || []) {
          if ((s.sourceURL || "").includes("/assets/walker/")) walker += s.duration;
        }
        const rendering = e.renderStart > 0 ? e.startTime + e.duration - e.renderStart : 0;
        m.longFrames.push([e.startTime, e.duration]);
        if (walker > 0) m.walkerFrames.push([e.startTime, e.duration, walker, rendering]);
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch {}
  const check = (records) => {
    const root = document.getElementById("walker") || document.getElementById("result");
    if (!root) return;
    // Once the walker runs (its state is no longer "static"), it is what changes its root.
    if (root.id === "walker" && root.dataset.state !== "static" &&
        records.some((r) => r.type === "childList" && root.contains(r.target))) {
      m.walkerChanges.push(performance.now());
    }
    if (m.readyAt === null && root.dataset.state === "ready") m.readyAt = performance.now();
    if (m.answersAt === null && m.answersSeen === undefined && root.id === "walker" &&
        root.querySelector("a[href], button[data-choice]")) {
      m.answersSeen = performance.now();
      // The next frame after the answers exist: they are painted and a tap follows them.
      requestAnimationFrame(() => setTimeout(() => { m.answersAt = performance.now(); }, 0));
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"],
  });
})();
"""

# One scripted walk: read each step for `pauseMs`, then click an answer (the i-th, wrapping), until
# an outcome; per step, the time from the click to the frame after the new step replaced the old,
# to the frame after its first answer (or an outcome's first key action) was on the page, and to
# the frame after the whole step was.
ANSWER_SELECTOR = (
    f"button[data-choice], [data-action=continue], input[name={CHECKLIST_ITEM_NAME}], "
    "[data-actions] li"
)
"""A step's answers (a checklist's boxes, an outcome's key actions), for WALK_SCRIPT."""
WALK_SCRIPT = """
async ([choiceIndex, pauseMs, ANSWER]) => {
  const root = document.getElementById("walker");
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const latencies = [];
  for (let step = 0; step < 40; step++) {
    await new Promise((r) => setTimeout(r, pauseMs));
    const choices = [...root.querySelectorAll("button[data-choice]")];
    // A checklist is answered "None of these" (nothing ticked is not an answer).
    const none = root.querySelector("input[data-none]");
    if (!choices.length && none && !none.checked) none.click();
    const target = choices.length
      ? choices[choiceIndex % choices.length]
      : root.querySelector("[data-action=continue], form button[type=submit]");
    if (!target) break;
    const replaced = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!target.isConnected) { observer.disconnect(); resolve(); }
      });
      observer.observe(root, { childList: true, subtree: true });
    });
    const t0 = performance.now();
    target.click();
    await Promise.race([replaced, new Promise((r) => setTimeout(r, 10000))]);
    await nextFrame();
    const shown = performance.now() - t0;
    // The walker shows a long step a screenful per frame; aria-busy until the whole of it is in.
    // Its first answer (a key action on an outcome) may come in a later frame than the first.
    let answers = root.querySelector(ANSWER) ? shown : null;
    while (root.hasAttribute("aria-busy") && performance.now() - t0 < 10000) {
      await nextFrame();
      if (answers === null && root.querySelector(ANSWER)) answers = performance.now() - t0;
    }
    const whole = performance.now() - t0;
    latencies.push([shown, answers ?? whole, whole]);
  }
  return latencies;
}
"""

# The floor under the answer latency: on the same page, under the same condition, the same measure
# (a click, then the frame after the change) for a change the walker cannot undercut: its step
# replaced by `size` plain paragraphs, by a click on a button already on the page. Run after the
# walks (it empties the walker); returns one latency per repetition.
FLOOR_SCRIPT = """
async ([size, repetitions]) => {
  const root = document.getElementById("walker");
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const latencies = [];
  for (let i = 0; i < repetitions; i++) {
    const button = document.createElement("button");
    button.textContent = "Next";
    button.addEventListener("click", () => {
      const paragraphs = [];
      for (let k = 0; k < size; k++) {
        const p = document.createElement("p");
        p.textContent = `Paragraph ${k} of a step, about a line of text on a phone.`;
        paragraphs.push(p);
      }
      root.replaceChildren(...paragraphs);
    });
    root.replaceChildren(button);
    await nextFrame();
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    button.click();
    await nextFrame();
    latencies.push(performance.now() - t0);
  }
  return latencies;
}
"""
# The floor on two more pages, to show what the algorithm page's own CSS and scripts add to it: a
# blank page (nothing but the walker's empty root) and the algorithm page without its scripts
# (Material's and the site's CSS, the static step; no Material, no walker). Served by the bench
# (floor_pages), under the same condition and profile as the walks.
FLOOR_PAGES_PATH = "__bench__/floor/"
FLOOR_WALKED_PAGE = "algorithm page"
FLOOR_BLANK_PAGE = "blank page"
FLOOR_PAGES = {
    FLOOR_WALKED_PAGE: None,
    "algorithm page without its scripts": "algorithm-without-scripts.html",
    FLOOR_BLANK_PAGE: "blank.html",
}
"""The pages the floor is measured on, by name, and their files (None: the walked page itself)."""
FLOOR_SIZES = (1, 40)
"""Paragraphs in the floor's change: one, and as many as the walker's first frame holds."""
FLOOR_REPETITIONS = 30
FLOOR_TEMPO = next(iter(READER_PAUSES_MS))
"""The floor is measured once per condition, after the last walk of the reader who reads."""


def paragraphs(size: int) -> str:
    """The floor's change, in words: "1 paragraph", "40 paragraphs"."""
    return f"{size} paragraph{'s' if size > 1 else ''}"


def floor_pages(site_dir: Path) -> dict[str, bytes]:
    """The extra pages of the floor (FLOOR_PAGES) by file name, made from the built site."""
    page = (site_dir / ALGORITHM_PAGE / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.DOTALL)
    page = re.sub(r"<link\b[^>]*\bmodulepreload\b[^>]*>", "", page)
    # Served from FLOOR_PAGES_PATH: its relative links resolve as on the algorithm page (without
    # them the page would have no CSS, and its floor would silently be the blank page's).
    if "<head>" not in page:
        raise SystemExit(f"{ALGORITHM_PAGE}index.html: no <head> to put the floor page's base in")
    page = page.replace("<head>", f'<head><base href="/{ALGORITHM_PAGE}">', 1)
    blank = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<title>Blank page</title></head><body><div id="walker"></div></body></html>'
    )
    return {
        "algorithm-without-scripts.html": page.encode("utf-8"),
        "blank.html": blank.encode("utf-8"),
    }


# --- Server -------------------------------------------------------------------------------------


class TransferLog:
    """Bytes the server sent, per path, since the last reset (thread-safe). Each response is
    logged with the time its request arrived (`time.monotonic()`), so a count can stop at a
    moment: "until ready" counts the requests made before the walker was seen ready."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int, float]] = []
        self.last_request = time.monotonic()

    def add(self, path: str, size: int, asked_at: float) -> None:
        with self.lock:
            self.sent.append((path, size, asked_at))
            self.last_request = time.monotonic()

    def reset(self) -> None:
        with self.lock:
            self.sent = []

    def per_file(self, until: float = float("inf")) -> dict[str, int]:
        """Bytes sent per file name (the last part of the path), largest first, for the
        requests that arrived by `until`."""
        sizes: dict[str, int] = {}
        with self.lock:
            for path, size, asked_at in self.sent:
                if asked_at <= until:
                    sizes[file_name(path)] = sizes.get(file_name(path), 0) + size
        return dict(sorted(sizes.items(), key=lambda item: -item[1]))

    def total(self, prefix: str | tuple[str, ...] = "", until: float = float("inf")) -> int:
        """Bytes sent for the requests under `prefix` that arrived by `until`."""
        with self.lock:
            return sum(
                size for path, size, at in self.sent if path.startswith(prefix) and at <= until
            )

    def wait_quiet(self, seconds: float = 1.5, limit: float = 30) -> None:
        """Wait until no request came for `seconds` (a service worker's precache has settled)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if time.monotonic() - self.last_request >= seconds:
                return
            time.sleep(0.2)


# Headers are a few hundred bytes: each response counts its body exactly plus this.
HEADER_BYTES = 250

COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".wasm", ".xml", ".txt", ".map"}


class BenchHandler(http.server.BaseHTTPRequestHandler):
    """Static files like a typical host: gzip, ETag, `Cache-Control: max-age=600` (GitHub Pages)."""

    site_dir: ClassVar[Path]
    floor_dir: ClassVar[Path]
    log: ClassVar[TransferLog]
    cache: ClassVar[dict[tuple[Path, bool], tuple[bytes, str]]] = {}
    cache_lock: ClassVar[threading.Lock] = threading.Lock()
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def resolve(self) -> Path | None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.lstrip("/") == BASELINE_URL_PATH:
            return ROOT / "bench" / "baseline.html"
        if path.lstrip("/").startswith(FLOOR_PAGES_PATH):
            page = self.floor_dir / path.lstrip("/").removeprefix(FLOOR_PAGES_PATH)
            return page if page.is_file() and page.parent == self.floor_dir else None
        if path.lstrip("/").startswith(BASELINE_PYODIDE_PATH):
            stock = STOCK_PYODIDE / path.lstrip("/").removeprefix(BASELINE_PYODIDE_PATH)
            return stock if stock.is_file() and stock.parent == STOCK_PYODIDE else None
        relative = path.lstrip("/")
        target = (self.site_dir / relative).resolve()
        if not target.is_relative_to(self.site_dir.resolve()):
            return None
        if target.is_dir():
            if not path.endswith("/"):
                return None
            target = target / "index.html"
        return target if target.is_file() else None

    def body(self, file: Path, compress: bool) -> tuple[bytes, str]:
        key = (file, compress)
        with self.cache_lock:
            if key not in self.cache:
                data = file.read_bytes()
                if compress:
                    data = gzip.compress(data, compresslevel=6, mtime=0)
                self.cache[key] = (data, hashlib.sha256(data).hexdigest()[:16])
            return self.cache[key]

    def do_HEAD(self) -> None:
        self.respond(with_body=False)

    def do_GET(self) -> None:
        self.respond(with_body=True)

    def respond(self, *, with_body: bool) -> None:
        asked_at = time.monotonic()
        file = self.resolve()
        if file is None:
            self.send_error(404)
            self.log.add(self.path, HEADER_BYTES, asked_at)  # headers only
            return
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compress = accepts_gzip and file.suffix in COMPRESSIBLE
        data, etag = self.body(file, compress)
        if self.headers.get("If-None-Match") == f'"{etag}"':
            self.send_response(304)
            self.send_header("ETag", f'"{etag}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log.add(self.path, HEADER_BYTES, asked_at)  # headers only
            return
        self.send_response(200)
        self.send_header("Content-Type", MIME_TYPES.get(file.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("ETag", f'"{etag}"')
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if not with_body:
            self.log.add(self.path, HEADER_BYTES, asked_at)
            return
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the browser went away (a closed profile): nothing was delivered
        self.log.add(self.path.split("?", 1)[0], len(data) + HEADER_BYTES, asked_at)


@contextmanager
def serve(site_dir: Path, port: int) -> Iterator[tuple[str, TransferLog]]:
    log = TransferLog()
    floor_dir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    for name, data in floor_pages(site_dir).items():
        (floor_dir / name).write_bytes(data)
    attributes = {"site_dir": site_dir, "floor_dir": floor_dir, "log": log, "cache": {}}
    handler = type("Handler", (BenchHandler,), attributes)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/", log
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(floor_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_site(site_dir: Path, site_url: str) -> None:
    """The real build, with `site_url` set to the bench server so instant navigation works."""
    env = {**os.environ, "SITE_URL": site_url}
    subprocess.run(
        [sys.executable, str(ROOT / "build_site.py"), "build", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- Browser ------------------------------------------------------------------------------------


@dataclass
class Profile:
    """A Chromium profile folder: fresh for a cold visit, reused for a warm one."""

    playwright: Playwright
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-profile-")))

    @contextmanager
    def context(self) -> Iterator[BrowserContext]:
        context = self.playwright.chromium.launch_persistent_context(
            str(self.folder),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 412, "height": 823},
        )
        context.add_init_script(MEASURE_SCRIPT)
        try:
            yield context
        finally:
            context.close()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def browser_pids() -> list[int]:
    """Every Chromium process descended from this one (launched by Playwright's driver)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
        names[int(entry.name)] = name
    found, todo = [], [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            if "chrom" in names.get(child, "").lower():
                found.append(child)
    return found


@contextmanager
def cpu_quota(share: float | None, period: float = 0.02) -> Iterator[None]:
    """While inside, every Chromium process of this run runs only `share` of each period and is
    stopped (SIGSTOP) for the rest, as `cpulimit` does; the pids are looked up again every
    half second, so browsers launched inside are throttled too. SIGCONT on the way out."""
    if share is None:
        yield
        return
    import signal

    stop = threading.Event()

    def signal_all(pids: list[int], sig: int) -> None:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)

    def cycle() -> None:
        pids: list[int] = []
        looked = 0.0
        while not stop.is_set():
            if time.monotonic() - looked > 0.5:
                pids, looked = browser_pids(), time.monotonic()
            signal_all(pids, signal.SIGCONT)
            time.sleep(period * share)
            signal_all(pids, signal.SIGSTOP)
            time.sleep(period * (1 - share))
        signal_all(browser_pids(), signal.SIGCONT)

    thread = threading.Thread(target=cycle, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def measure_cpu_probe(
    playwright: Playwright, base: str, results: Results, condition: Condition
) -> None:
    """CPU_PROBE under `condition`: which threads it slows (main thread, Web Worker)."""
    profile = Profile(playwright)
    try:
        with profile.context() as context:
            # A file of the site without the pages' Content-Security-Policy (which forbids the
            # probe's eval and blob worker).
            page, _ = visit(context, base + PROBE_PAGE, condition, wait_ready=False)
            main_ms, worker_ms = page.evaluate(CPU_PROBE)
            results.probes.setdefault(condition.name, []).append((main_ms, worker_ms))
    finally:
        profile.remove()


def emulate(context: BrowserContext, page: Page, condition: Condition) -> None:
    session = context.new_cdp_session(page)
    if condition.cpu_slowdown != 1:
        session.send("Emulation.setCPUThrottlingRate", {"rate": condition.cpu_slowdown})
    if condition.network:
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", condition.network)


def page_metrics(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              const fcp = performance.getEntriesByName("first-contentful-paint")[0];
              return {
                dcl: nav ? nav.domContentLoadedEventEnd : null,
                load: nav ? nav.loadEventEnd : null,
                fcp: fcp ? fcp.startTime : null,
                bench: window.__bench,
                offline: document.documentElement.dataset.offline || null,
              };
            }"""
        )
    )


def visit(
    context: BrowserContext, url: str, condition: Condition, *, wait_ready: bool
) -> tuple[Page, dict[str, Any]]:
    page = context.pages[0] if context.pages else context.new_page()
    emulate(context, page, condition)
    page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    # When the page loaded, or the walker turned ready, on this process's clock: bytes "until
    # ready/load" count the requests that arrived by then.
    settled_at = time.monotonic()
    if wait_ready:
        page.wait_for_function(
            "() => window.__bench && window.__bench.readyAt !== null", timeout=LOAD_TIMEOUT_MS
        )
        # The page's clock read at `before` or later, so this is at or before the real moment:
        # what the walker's readiness itself set off (the service worker, the search index) is
        # never counted as before it.
        before = time.monotonic()
        since_ready = page.evaluate("() => performance.now() - window.__bench.readyAt")
        settled_at = before - since_ready / 1000
        page.wait_for_timeout(300)  # let the last long tasks be reported
    return page, {**page_metrics(page), "settled_at": settled_at}


def walker_frame_cost(bench: dict[str, Any], until: float) -> float:
    """The longest frame the walker is answerable for while loading (frames starting by `until`).

    In a frame in which the walker changed the page: its script and all of the frame's rendering
    (rAF callbacks, style, layout, paint), as if the change caused all of it; other scripts in
    the frame (Material's start-up, the harness's own injected script) are not the walker's. In
    any other frame only the walker's own script time counts.
    """
    changes = bench.get("walkerChanges") or []
    costs = [0.0]
    for start, duration, walker_script, rendering in bench.get("walkerFrames") or []:
        if start <= until:
            changed = any(start <= when <= start + duration for when in changes)
            costs.append(walker_script + rendering if changed else walker_script)
    return max(costs)


def summarize_load(metrics: dict[str, Any]) -> dict[str, float | None]:
    bench = metrics["bench"] or {}
    ready = bench.get("readyAt")
    tasks = bench.get("longTasks") or []
    until = (ready if ready is not None else metrics["load"] or 0) + 100
    longest = max((duration for start, duration in tasks if start <= until), default=0.0)
    walker = walker_frame_cost(bench, until=until)
    return {
        "ready": ready,
        "answers": bench.get("answersAt"),
        "dcl": metrics["dcl"],
        "fcp": metrics["fcp"],
        "longest_task": longest,
        "walker_frame": walker,
    }


# --- Scenarios ----------------------------------------------------------------------------------


@dataclass
class Results:
    rows: dict[tuple[str, str, str], list[dict[str, float | None]]] = field(default_factory=dict)
    bytes: dict[str, list[int]] = field(default_factory=dict)
    probes: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    files: dict[str, list[int]] = field(default_factory=dict)
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    """Per (condition, reader): click to the next step painted (its first screenful)."""
    to_answers: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    """The same clicks: until the step's first answer (an outcome's first key action) was shown."""
    completions: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    """The same clicks: until the whole step was on the page."""
    walk_longest: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    floors: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    """Per (condition, page of FLOOR_PAGES, paragraphs): the floor's latencies (FLOOR_SCRIPT)."""
    lighthouse: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    """Per page, the category scores of each Lighthouse run."""
    notes: list[str] = field(default_factory=list)

    def add(self, page: str, profile: str, condition: str, row: dict[str, float | None]) -> None:
        self.rows.setdefault((page, profile, condition), []).append(row)

    def add_bytes(self, label: str, size: int) -> None:
        self.bytes.setdefault(label, []).append(size)


def measure_page(
    playwright: Playwright,
    base: str,
    log: TransferLog,
    results: Results,
    page_name: str,
    path: str,
    condition: Condition,
    *,
    wait_ready: bool,
) -> None:
    """One cold visit (fresh profile) and one warm visit (same profile, browser restarted)."""
    profile = Profile(playwright)
    try:
        for temperature in ("cold", "warm"):
            with profile.context() as context:
                log.reset()
                page, metrics = visit(context, base + path, condition, wait_ready=wait_ready)
                results.add(page_name, temperature, condition.name, summarize_load(metrics))
                if (condition.name, temperature, page_name) == ("desktop", "cold", "algorithm"):
                    for name, size in log.per_file(until=metrics["settled_at"]).items():
                        results.files.setdefault(name, []).append(size)
                if condition.name == "desktop":
                    until = metrics["settled_at"]
                    results.add_bytes(
                        f"{page_name}, {temperature}: until ready/load", log.total(until=until)
                    )
                    results.add_bytes(
                        f"{page_name}, {temperature}: of it Pyodide runtime",
                        log.total(RUNTIME_PATHS, until=until),
                    )
                if temperature == "cold" and page_name == "algorithm":
                    # Let the service worker install and keep the runtime for the warm visit.
                    with_timeout(
                        lambda p=page: p.wait_for_function(
                            OFFLINE_READY,
                            timeout=60_000,
                        ),
                        results,
                        "the runtime was not cached for offline use within 60 s",
                    )
                log.wait_quiet()
                if condition.name == "desktop" and page_name == "reading page":
                    results.add_bytes(f"{page_name}, {temperature}: with precache", log.total())
    finally:
        profile.remove()


def with_timeout(action: Callable[[], Any], results: Results, note: str) -> None:
    try:
        action()
    except Exception:
        if note not in results.notes:
            results.notes.append(note)


def measure_walks(
    playwright: Playwright,
    base: str,
    results: Results,
    condition: Condition,
    walks: int,
    tempo: str,
) -> None:
    """Scripted walks to an outcome on a warm profile: click-to-next-step-painted latencies;
    after the last walk of the reader who reads, the floor under them (FLOOR_SCRIPT).

    During a walk the page does nothing but answer the clicks, so every long task and frame in it
    is the walker's doing. (Long animation frames cannot name the walker here: the walk script
    clicks, so the walker's work runs inside it.)
    """
    profile = Profile(playwright)
    try:
        with profile.context() as context:
            visit(context, base + ALGORITHM_PAGE, Condition("desktop"), wait_ready=True)
        with profile.context() as context:
            latencies: list[float] = []
            to_answers: list[float] = []
            completions: list[float] = []
            longest_task = longest_frame = 0.0
            for walk in range(walks):
                page, _ = visit(context, base + ALGORITHM_PAGE, condition, wait_ready=True)
                before = page.evaluate("() => performance.now()")
                for shown, answered, complete in page.evaluate(
                    WALK_SCRIPT, [walk, READER_PAUSES_MS[tempo], ANSWER_SELECTOR]
                ):
                    latencies.append(shown)
                    to_answers.append(answered)
                    completions.append(complete)
                bench = page.evaluate("() => window.__bench")
                for start, duration in bench["longTasks"]:
                    if start >= before:
                        longest_task = max(longest_task, duration)
                for start, duration in bench["longFrames"]:
                    if start >= before:
                        longest_frame = max(longest_frame, duration)
                if walk == walks - 1 and tempo == FLOOR_TEMPO:
                    measure_floors(context, page, base, results, condition)
            results.latencies[(condition.name, tempo)] = latencies
            results.to_answers[(condition.name, tempo)] = to_answers
            results.completions[(condition.name, tempo)] = completions
            results.walk_longest[(condition.name, tempo)] = (longest_task, longest_frame)
    finally:
        profile.remove()


def measure_floors(
    context: BrowserContext, page: Page, base: str, results: Results, condition: Condition
) -> None:
    """The floor (FLOOR_SCRIPT) on each page of FLOOR_PAGES: first on `page`, the walked one."""
    for name, file in FLOOR_PAGES.items():
        if file is not None:
            page, _ = visit(context, base + FLOOR_PAGES_PATH + file, condition, wait_ready=False)
            page.wait_for_timeout(1000)  # the page's start-up is over
        for size in FLOOR_SIZES:
            floor = page.evaluate(FLOOR_SCRIPT, [size, FLOOR_REPETITIONS])
            results.floors[(condition.name, name, size)] = floor


def measure_from_reading_page(
    playwright: Playwright, base: str, results: Results, condition: Condition
) -> None:
    """A returning reader: idle on a reading page, then opens the algorithm from the navigation.

    Time from the click to the walker being ready (web/prefetch.mjs may have started the engine
    while the reader was reading; instant navigation keeps it).
    """
    profile = Profile(playwright)
    try:
        with profile.context() as context:
            page, _ = visit(context, base + ALGORITHM_PAGE, Condition("desktop"), wait_ready=True)
            with_timeout(
                lambda: page.wait_for_function(OFFLINE_READY, timeout=60_000),
                results,
                "the runtime was not cached for offline use within 60 s",
            )
        with profile.context() as context:
            page, _ = visit(context, base + READING_PAGE, condition, wait_ready=False)
            page.wait_for_timeout(READING_SECONDS * 1000)  # the reader reads
            clicked_at = page.evaluate("() => performance.timeOrigin + performance.now()")
            # The navigation drawer is closed on a phone-sized viewport: click the link from
            # script (Material's instant navigation handles the click either way).
            link = page.locator(f"a[href$='/{ALGORITHM_PAGE}']").first
            link.dispatch_event("pointerover")
            page.wait_for_timeout(200)  # from pointing at the link to clicking it
            link.evaluate("(a) => a.click()")
            page.wait_for_function(
                "() => window.__bench && window.__bench.readyAt !== null", timeout=LOAD_TIMEOUT_MS
            )
            ready_at = page.evaluate("() => performance.timeOrigin + window.__bench.readyAt")
            results.add(
                "algorithm from a reading page",
                "warm",
                condition.name,
                {"ready": max(0.0, ready_at - clicked_at)},
            )
    finally:
        profile.remove()


def lighthouse(url: str, out_dir: Path) -> dict[str, int]:
    """Lighthouse's mobile audit (its default) in Debian's Chromium; category scores 0-100."""
    report = out_dir / "lighthouse.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run(
        [
            str(ROOT / "node_modules" / ".bin" / "lighthouse"),
            url,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={flags}",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    categories = json.loads(report.read_text())["categories"]
    return {name: round((value["score"] or 0) * 100) for name, value in categories.items()}


def lighthouse_median(runs: list[dict[str, int]]) -> dict[str, int]:
    """Each category's median score over the runs (the lower middle one of an even count)."""
    return {c: sorted(r[c] for r in runs)[(len(runs) - 1) // 2] for c in LIGHTHOUSE_CATEGORIES}


# --- Report -------------------------------------------------------------------------------------


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} ms"


def ratio(value: float | None, baseline: float | None) -> str:
    if value is None or not baseline:
        return "n/a"
    return f"{value / baseline:.2f}x"


def kib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1024:,.0f} KiB"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def issue17_targets(
    results: Results, get: Callable[[str, str, str, str], float | None]
) -> list[str]:
    """The targets of issue 17, each with what this run measured."""
    cold = median([float(v) for v in results.bytes.get("algorithm, cold: until ready/load", [])])
    rows = [
        f"| cold walker start transfers at most 4.3 MB (every request until ready) | "
        f"{kib(cold)} ({cold / 1e6:.2f} MB) | {verdict(cold <= 4.3e6)} |"
        if cold
        else "| cold walker start at most 4.3 MB | n/a | n/a |"
    ]
    for condition, limit in (("desktop", 0.6), ("slow network", 0.65)):
        ready = get("algorithm", "cold", condition, "ready")
        base = get("baseline", "cold", condition, "ready")
        ok = None if ready is None or not base else ready / base <= limit
        rows.append(
            f"| walker ready, cold, {condition}: at most {limit}x bare Pyodide | "
            f"{ms(ready)} vs {ms(base)}: {ratio(ready, base)} | {verdict(ok)} |"
        )
    for condition in ("4x CPU", "phone"):
        values = {t: v for (c, t), v in results.latencies.items() if c == condition}
        p95 = {t: percentile(v, 0.95) for t, v in values.items()}
        tasks = {t: results.walk_longest.get((condition, t), (None, None))[0] for t in values}
        ok = None if not p95 else all(v is not None and v <= 35 for v in p95.values())
        ok_tasks = None if not tasks else all(v is not None and v <= 50 for v in tasks.values())
        rows.append(
            f"| {condition}: answer p95 at most 35 ms; no task over 50 ms | "
            + "; ".join(
                f"{t}: p95 {ms(p95[t])} (to its answers "
                f"{ms(percentile(results.to_answers.get((condition, t), []), 0.95))}), "
                f"longest task {ms(tasks[t])}"
                for t in values
            )
            + "".join(
                f"; floor, {paragraphs(size)}: "
                f"p95 {ms(percentile(results.floors[(condition, name, size)], 0.95))} ({name})"
                for name in (FLOOR_WALKED_PAGE, FLOOR_BLANK_PAGE)
                for size in FLOOR_SIZES
                if (condition, name, size) in results.floors
            )
            + f" | {verdict(ok)}; tasks {verdict(ok_tasks)} |"
        )
    return [
        "",
        "## Targets of issue 17",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *rows,
    ]


def report(results: Results, runs: int, quick: bool, elapsed: float) -> str:
    def get(page: str, profile: str, condition: str, key: str) -> float | None:
        rows = results.rows.get((page, profile, condition), [])
        return median([row.get(key) for row in rows])

    lines = [
        "# Runtime benchmark",
        "",
        f"Written by `bench/runtime_bench.py{' --quick' if quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: medians of {runs} run(s) each, "
        f"headless Debian Chromium, viewport 412x823, {os.cpu_count()} CPU cores shared with "
        f"other work (total {elapsed / 60:.1f} min). Times are from the start of navigation.",
        "Slow network: 9 Mbit/s down, 1.5 Mbit/s up, 150 ms round trip. Warm: the same profile "
        "on a second visit (HTTP cache, and for the site its service worker).",
        "",
        "## Start-up, side by side",
        "",
        "| visit | condition | baseline: `1+1` done | reading page DCL | algorithm: first "
        "question clickable | algorithm: walker ready | ready vs baseline | longest main-thread "
        "task (baseline / reading page / algorithm) | longest frame of the walker |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for profile in ("cold", "warm"):
        for condition in CONDITIONS:
            c = condition.name
            base_ready = get("baseline", profile, c, "ready")
            ready = get("algorithm", profile, c, "ready")
            lines.append(
                f"| {profile} | {c} | {ms(base_ready)} | "
                f"{ms(get('reading page', profile, c, 'dcl'))} | "
                f"{ms(get('algorithm', profile, c, 'answers'))} | {ms(ready)} | "
                f"{ratio(ready, base_ready)} | "
                f"{ms(get('baseline', profile, c, 'longest_task'))} / "
                f"{ms(get('reading page', profile, c, 'longest_task'))} / "
                f"{ms(get('algorithm', profile, c, 'longest_task'))} | "
                f"{ms(get('algorithm', profile, c, 'walker_frame'))} |"
            )
    lines += [
        "",
        "## Beating the baseline: a returning reader opens the algorithm from a reading page",
        "",
        "`web/prefetch.mjs` starts the engine worker while the reader is idle on a reading page "
        "when the runtime is already cached (no byte downloaded), or on intent (pointer, touch or "
        "focus on a link to the algorithm) on a connection without Save-Data and faster than 3G. "
        "Material's instant navigation keeps the worker, so the walker can take over at once. "
        f"The reader reads for {READING_SECONDS} s, then clicks the navigation link; time from "
        "the click to the walker being ready:",
        "",
        "| condition | from a reading page | baseline warm | vs baseline | algorithm warm "
        "(direct visit) |",
        "|---|---|---|---|---|",
    ]
    for condition in CONDITIONS:
        c = condition.name
        via = get("algorithm from a reading page", "warm", c, "ready")
        base_warm = get("baseline", "warm", c, "ready")
        lines.append(
            f"| {c} | {ms(via)} | {ms(base_warm)} | {ratio(via, base_warm)} | "
            f"{ms(get('algorithm', 'warm', c, 'ready'))} |"
        )
    lines += [
        "",
        "## Answer latency (click to the next step painted, scripted walks to outcomes, warm)",
        "",
        "While the reader reads a step, the walker asks the engine for the step behind each "
        "answer (and for a checklist with nothing ticked), so a click waits for no engine. "
        "Answering the moment the whole step is on the page leaves it no time for that: the "
        "worst case. "
        "During a walk the page does nothing else, so its long tasks and frames are all the "
        "walker's doing. A long step is put on the page a screenful per frame: the latency is "
        "to its first frame (a first screenful: heading and question, or an outcome's urgency "
        "and title, with whatever follows them that fits); where that frame does not reach the "
        "step's first answer (an outcome's first key action), a later one does: the next "
        "column is to that frame, the last to the whole step.",
        "",
        "| condition | reader | steps | p50 | p95 | to its answers p95 | longest main-thread task "
        "| longest frame | whole step p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (name, tempo), values in results.latencies.items():
        task, frame = results.walk_longest.get((name, tempo), (None, None))
        answered = results.to_answers.get((name, tempo), [])
        complete = results.completions.get((name, tempo), [])
        lines.append(
            f"| {name} | {tempo} | {len(values)} | {ms(percentile(values, 0.5))} | "
            f"{ms(percentile(values, 0.95))} | {ms(percentile(answered, 0.95))} | {ms(task)} | "
            f"{ms(frame)} | {ms(percentile(complete, 0.95))} |"
        )
    if results.floors:
        lines += [
            "",
            "## The floor under the answer latency (the same measure for the least a click can "
            "change)",
            "",
            "On the algorithm page, warm, after the walks: a click on a button replaces the "
            "walker's step by plain paragraphs (FLOOR_SCRIPT), and the time to the frame after is "
            "measured as for an answer. What no walker can go below on this page under that "
            "condition: the wait for the next frame, and styling, laying out and painting the "
            "page's change. The same on the algorithm page without its scripts (its CSS and "
            "static step, no Material and no walker) and on a blank page (the empty root alone) "
            "shows what the page's scripts and its CSS add to that.",
            "",
            "| condition | page | change | clicks | p50 | p95 |",
            "|---|---|---|---|---|---|",
        ]
        for (condition, name, size), values in results.floors.items():
            lines.append(
                f"| {condition} | {name} | {paragraphs(size)} | {len(values)} | "
                f"{ms(percentile(values, 0.5))} | {ms(percentile(values, 0.95))} |"
            )
    lines += [
        "",
        "## Bytes sent by the server (desktop; gzip where a host would use it)",
        "",
        "| page and visit | bytes |",
        "|---|---|",
    ]
    for label, sizes in results.bytes.items():
        lines.append(f"| {label} | {kib(median([float(s) for s in sizes]))} |")
    if results.files:
        lines += [
            "",
            "## Bytes per file, cold algorithm visit until ready (desktop), before and after "
            "issue 17",
            "",
            "Before: a build of commit 231591a counted by `bench/cold_bytes.py` (same server, "
            "headers estimated at 250 B each; data in bench/results/cold_bytes_before.json). "
            "After: what this run's server sent (medians).",
            "",
            "| file | before | after |",
            "|---|---|---|",
        ]
        before_sizes = bytes_before()
        names = list(results.files) + [n for n in before_sizes if n not in results.files]
        for name in names:
            after = median([float(v) for v in results.files.get(name, [])])
            before = before_sizes.get(name)
            lines.append(
                f"| {name} | {kib(before) if before else '-'} | {kib(after) if after else '-'} |"
            )
        after_total = sum(median([float(v) for v in s]) or 0 for s in results.files.values())
        lines.append(f"| **total** | {kib(sum(before_sizes.values()))} | {kib(after_total)} |")
    if results.probes:
        lines += [
            "",
            "## Which threads a condition slows (a fixed loop, on the main thread and in a worker)",
            "",
            "| condition | main thread | Web Worker |",
            "|---|---|---|",
        ]
        for name, values in results.probes.items():
            main_ms = median([v[0] for v in values])
            worker_ms = median([v[1] for v in values])
            lines.append(f"| {name} | {ms(main_ms)} | {ms(worker_ms)} |")
    if results.lighthouse:
        lines += [
            "",
            "## Lighthouse (mobile, default simulated throttling)",
            "",
            "Medians of the runs; each run's score in brackets where they differ.",
            "",
            "| page | performance | accessibility | best practices | SEO |",
            "|---|---|---|---|---|",
        ]
        for page, runs_of_page in results.lighthouse.items():
            medians = lighthouse_median(runs_of_page)
            cells = []
            for category in LIGHTHOUSE_CATEGORIES:
                each = [scores[category] for scores in runs_of_page]
                spread = f" ({', '.join(map(str, each))})" if len(set(each)) > 1 else ""
                cells.append(f"{medians[category]}{spread}")
            lines.append(f"| {page} | {' | '.join(cells)} |")

    # Targets from the issue.
    answers = [
        (get("algorithm", p, c.name, "answers"), get("reading page", p, c.name, "dcl"))
        for p in ("cold", "warm")
        for c in CONDITIONS
    ]
    answers_ok = all(a is not None and d is not None and a <= d for a, d in answers) or None
    if answers_ok is None and any(a is not None for a, _ in answers):
        answers_ok = False
    ready_ratios = [
        (get("algorithm", p, c.name, "ready"), get("baseline", p, c.name, "ready"))
        for p in ("cold", "warm")
        for c in CONDITIONS
    ]
    ready_ok = all(r is not None and b and r <= 1.1 * b for r, b in ready_ratios)
    p95s = {key: percentile(values, 0.95) for key, values in results.latencies.items()}
    p95_ok = None if not p95s else all(v is not None and v < 50 for v in p95s.values())
    walker_frames = [
        get("algorithm", p, c.name, "walker_frame") for p in ("cold", "warm") for c in CONDITIONS
    ]
    walker_frames = [v for v in walker_frames if v is not None]
    frames_ok = [v <= 50 for v in walker_frames]
    frames_ok += [task <= 50 for task, _ in results.walk_longest.values()]
    answering = "; ".join(
        f"{c}, {t}: {ms(task)}" for (c, t), (task, _) in results.walk_longest.items()
    )
    reading = results.bytes.get("reading page, cold: until ready/load", [])
    reading_bytes = median([float(s) for s in reading])
    reading_runtime = median(
        [float(s) for s in results.bytes.get("reading page, cold: of it Pyodide runtime", [])]
    )
    reading_ok = None
    if reading_bytes is not None:
        reading_ok = reading_bytes < 500_000 and not reading_runtime
    scores = [v for r in results.lighthouse.values() for v in lighthouse_median(r).values()]
    via = get("algorithm from a reading page", "warm", "desktop", "ready")
    base_warm = get("baseline", "warm", "desktop", "ready")
    beaten = None if via is None or base_warm is None else via < base_warm
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        f"| first question clickable no later than a reading page's DOMContentLoaded | "
        f"{'; '.join(f'{ms(a)} vs {ms(d)}' for a, d in answers)} | {verdict(answers_ok)} |",
        f"| walker ready within 1.1x the baseline's start-up (cold, then warm) | "
        f"{'; '.join(ratio(r, b) for r, b in ready_ratios)} | {verdict(ready_ok)} |",
        f"| beat the baseline (returning reader via a reading page, desktop) | "
        f"{ms(via)} vs {ms(base_warm)} | {verdict(beaten)} |",
        f"| answer latency p95 under 50 ms (every condition and reader) | "
        f"{'; '.join(f'{c}, {t}: {ms(v)}' for (c, t), v in p95s.items())} | {verdict(p95_ok)} |",
        f"| no main-thread task over 50 ms caused by the walker (while loading: long animation "
        f"frames, its script and the frame's rendering where it changed the page, else its "
        f"script time; while answering: the longest task) | loading max "
        f"{ms(max(walker_frames, default=None))}; answering "
        f"{answering} | {verdict(None if not frames_ok else all(frames_ok))} |",
        f"| reading page under 500 KB, no Pyodide byte | {kib(reading_bytes)}, Pyodide "
        f"{kib(reading_runtime)} | "
        f"{verdict(reading_ok)} |",
        f"| Lighthouse 95+ in every category | min {min(scores) if scores else 'n/a'} | "
        f"{verdict(None if not scores else min(scores) >= 95)} |",
    ]
    lines += issue17_targets(results, get)
    if results.notes:
        lines += ["", "Notes:", "", *(f"- {note}" for note in results.notes)]
    return "\n".join(lines) + "\n"


# --- Main ---------------------------------------------------------------------------------------


def progress(started: float, message: str) -> None:
    print(f"[{time.monotonic() - started:6.0f} s] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, no Lighthouse")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3)")
    parser.add_argument("--site-dir", type=Path, default=None, help="use this built site as is")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--conditions",
        default=",".join(c.name for c in CONDITIONS),
        help="comma-separated subset of: " + ", ".join(c.name for c in CONDITIONS),
    )
    parser.add_argument("--report-from", type=Path, default=None, help="re-write a run's report")
    args = parser.parse_args(argv)
    if args.report_from:
        import pickle

        saved = pickle.loads(args.report_from.read_bytes())
        text = report(saved["results"], saved["runs"], saved["quick"], saved["elapsed"])
        args.output.write_text(text)
        print(text)
        return 0
    chosen = [c for c in CONDITIONS if c.name in args.conditions.split(",")]
    runs = args.runs or (1 if args.quick else 3)
    started = time.monotonic()

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="runtime-bench-") as temp:
        site_dir = args.site_dir
        if site_dir is None:
            site_dir = Path(temp) / "site"
            progress(started, f"building the site for http://127.0.0.1:{port}/")
            build_site(site_dir, f"http://127.0.0.1:{port}/")
        results = Results()
        with serve(site_dir, port) as (base, log), sync_playwright() as playwright:
            for condition in chosen:
                with cpu_quota(condition.cpu_share):
                    for run in range(runs):
                        progress(started, f"{condition.name}: run {run + 1}/{runs}")
                        measure_cpu_probe(playwright, base, results, condition)
                        for name, path, wait_ready in (
                            ("baseline", BASELINE_URL_PATH, True),
                            ("reading page", READING_PAGE, False),
                            ("algorithm", ALGORITHM_PAGE, True),
                        ):
                            measure_page(
                                playwright,
                                base,
                                log,
                                results,
                                name,
                                path,
                                condition,
                                wait_ready=wait_ready,
                            )
                        measure_from_reading_page(playwright, base, results, condition)
            for condition in [c for c in chosen if c.name in WALK_CONDITIONS]:
                with cpu_quota(condition.cpu_share):
                    for tempo in READER_PAUSES_MS:
                        progress(started, f"walks: {condition.name}, {tempo}")
                        walks = 2 if args.quick else 4
                        measure_walks(playwright, base, results, condition, walks, tempo)
            if not (args.quick or args.no_lighthouse):
                for name, path in (("reading page", READING_PAGE), ("algorithm", ALGORITHM_PAGE)):
                    for run in range(runs):
                        progress(started, f"lighthouse: {name}, run {run + 1}/{runs}")
                        scores = lighthouse(base + path, Path(temp))
                        results.lighthouse.setdefault(name, []).append(scores)
    elapsed = time.monotonic() - started
    import pickle

    saved = {"results": results, "runs": runs, "quick": args.quick, "elapsed": elapsed}
    args.output.with_suffix(".pickle").write_bytes(pickle.dumps(saved))
    text = report(results, runs, args.quick, elapsed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
