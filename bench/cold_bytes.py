"""Bytes of a cold walker start, per request: what issue 17's byte target counts.

    .venv/bin/python bench/cold_bytes.py                      # build the site, count, print
    .venv/bin/python bench/cold_bytes.py --site-dir DIR --port N  # a build for 127.0.0.1:N
    .venv/bin/python bench/cold_bytes.py --json FILE          # also write the rows as JSON
    .venv/bin/python bench/cold_bytes.py --page treatment/    # a reading page, until load
    .venv/bin/python bench/cold_bytes.py --site-dir DIR --port N --against OLD:M  # side by side

Opens the algorithm page in headless Chromium with a fresh profile (empty cache, no service
worker) from the benchmark's own server (`runtime_bench.serve`: gzip -6 as GitHub Pages serves
it, ETag, max-age=600) and counts every request the server answers until
`#walker[data-state=ready]`: the page, its CSS and JS, the worker, the service worker and
whatever it fetches in that time (a request counts if it arrived before the walker was seen
ready), Pyodide, the standard-library zip, the flow JSON. Bytes are
deterministic (unlike times), so one run on a busy machine is exact; no quiet machine needed.

Why a script of its own: every byte-saving step is measured with it, and the benchmark report's
"before and after" table reads the before column from the JSON it wrote for the commit before
issue 17 (`runtime_bench.BYTES_BEFORE_FILE`, bench/results/cold_bytes_before.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

# The benchmark's own server, browser profile and page visit (bench/ is this script's folder).
from runtime_bench import (
    ALGORITHM_PAGE,
    HEADER_BYTES,
    Condition,
    Profile,
    build_site,
    file_name,
    free_port,
    serve,
    visit,
)


@dataclass(frozen=True)
class Request:
    """One response of a cold start: its path, the file's size on disk and what was sent."""

    path: str
    raw: int
    sent: int
    """Body bytes sent (gzip where the server compresses), without headers."""


def cold_start(site_dir: Path, port: int, page: str = ALGORITHM_PAGE) -> list[Request]:
    """Every response the server sent from a fresh profile's first visit, for the requests that
    arrived before the walker was seen ready (as the benchmark counts "until ready")."""
    with serve(site_dir, port) as (base, log), sync_playwright() as playwright:
        profile = Profile(playwright)
        try:
            with profile.context() as context:
                log.reset()
                ready = page == ALGORITHM_PAGE  # any other page: until its load event
                _, metrics = visit(context, base + page, Condition("desktop"), wait_ready=ready)
                sent = [(p, size) for p, size, at in log.sent if at <= metrics["settled_at"]]
        finally:
            profile.remove()
    rows = []
    for path, size in sent:
        local = site_dir / path.split("?", 1)[0].lstrip("/")
        if local.is_dir():
            local = local / "index.html"
        raw = local.stat().st_size if local.is_file() else 0
        rows.append(Request(path, raw, size - HEADER_BYTES))
    return rows


def total(rows: list[Request]) -> int:
    """What the benchmark counts for the cold start: bodies plus an estimate for headers."""
    return sum(row.sent + HEADER_BYTES for row in rows)


def table(rows: list[Request]) -> str:
    lines = [f"{'path':<64} {'raw':>11} {'sent':>11}"]
    for row in sorted(rows, key=lambda r: -r.sent):
        lines.append(f"{row.path[:64]:<64} {row.raw:>11,} {row.sent:>11,}")
    lines.append(
        f"{len(rows)} requests; total as the benchmark counts it (bodies + {HEADER_BYTES} B of "
        f"headers each): {total(rows):,} bytes"
    )
    names = [row.path.split("?")[0] for row in rows if row.sent > 0]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        lines.append(f"downloaded more than once: {', '.join(twice)}")
    return "\n".join(lines)


def per_file(rows: list[Request]) -> dict[str, int]:
    """Bytes sent per file name (headers included), as the benchmark's per-file rows count."""
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[file_name(row.path)] = sizes.get(file_name(row.path), 0) + row.sent + HEADER_BYTES
    return sizes


def side_by_side(before: list[Request], after: list[Request]) -> str:
    """Per file: bytes sent by the older build and by this one (a build's own files differ in
    name only where a file was renamed or added)."""
    old, new = per_file(before), per_file(after)
    lines = [f"{'file':<40} {'before':>11} {'after':>11} {'change':>11}"]
    for name in sorted(old.keys() | new.keys(), key=lambda n: -max(old.get(n, 0), new.get(n, 0))):
        a, b = old.get(name, 0), new.get(name, 0)
        lines.append(f"{name[:40]:<40} {a:>11,} {b:>11,} {b - a:>+11,}")
    a, b = total(before), total(after)
    lines.append(f"{'total':<40} {a:>11,} {b:>11,} {b - a:>+11,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=None, help="count this built site")
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    parser.add_argument("--label", default="", help="what was counted (kept in the JSON)")
    parser.add_argument("--port", type=int, default=None, help="the SITE_URL port of --site-dir")
    parser.add_argument("--page", default=ALGORITHM_PAGE, help="another page: count until load")
    parser.add_argument(
        "--against", default=None, help="OLD_SITE_DIR:PORT, an older build: per file, side by side"
    )
    args = parser.parse_args(argv)
    port = args.port or free_port()
    with tempfile.TemporaryDirectory(prefix="cold-bytes-") as temp:
        site_dir = args.site_dir
        if site_dir is None:
            site_dir = Path(temp) / "site"
            started = time.monotonic()
            build_site(site_dir, f"http://127.0.0.1:{port}/")
            print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
        rows = cold_start(site_dir.resolve(), port, args.page)
    print(table(rows))
    if args.against:
        folder, _, old_port = args.against.rpartition(":")
        before = cold_start(Path(folder).resolve(), int(old_port), args.page)
        print("\n" + side_by_side(before, rows))
    if args.json:
        data = {"label": args.label, "total": total(rows), "requests": [asdict(r) for r in rows]}
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
