"""Build speed and size: `python bench/build_bench.py` (or `make bench-build`).

Measures, on a copy of the project in a temp folder (so docs/ is never touched):
- the full build of the real site (`build_site.py build`, wheel caches warm; and once cold);
- under the live server (`build_site.py serve`), the time from a one-line change to a page in
  docs/ until the server hands out the changed page;
- the built size, split into reading pages, the algorithm's generated pages, and the algorithm
  runtime (Pyodide, wheels, flow JSON, walker), raw and gzipped.

Writes bench/results/build.md. Timings are medians; the machine's load is printed with them.
"""

from __future__ import annotations

import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sitebuild.common import run_build_command, scratch_project  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "build.md"
RUNS = 3
TARGET_SECONDS = 10.0


def copy_project(into: Path, cache: Path) -> Path:
    """A copy of the project sharing node_modules and a given .build cache folder."""
    project = into / "project"
    project.mkdir()
    return scratch_project(project, cache)


PHASES: list[str] = []
"""build_site.py's own per-phase times of each timed build (from its last output line)."""


def timed_build(project: Path) -> float:
    started = time.perf_counter()
    result = run_build_command(project, check=True)
    elapsed = time.perf_counter() - started
    PHASES.append(result.stdout.strip().splitlines()[-1].partition(" s (")[2].rstrip(")"))
    return elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return ""


def live_rebuild_times(project: Path) -> list[float]:
    """Seconds from a one-line edit of docs/causes.md to the server handing out the new text."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "build_site.py", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/causes/"
    try:
        deadline = time.monotonic() + 120
        while "Causes" not in fetch(url):
            if time.monotonic() > deadline:
                raise RuntimeError("the live server did not come up")
            time.sleep(0.2)
        times = []
        page = project / "docs" / "causes.md"
        for run in range(RUNS):
            marker = f"Benchmark line {run} {time.time_ns()}."
            started = time.perf_counter()
            with page.open("a") as file:
                file.write(f"\n{marker}\n")
            while marker not in fetch(url):
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the change never showed up")
                time.sleep(0.05)
            times.append(time.perf_counter() - started)
            time.sleep(1.5)  # let the server settle before the next edit
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def size_split(site: Path) -> dict[str, tuple[int, int, int]]:
    """Category -> (files, bytes, gzipped bytes)."""
    split: dict[str, list[int]] = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        if relative.startswith(("assets/pyodide/", "assets/flows/", "assets/walker/")):
            category = "algorithm runtime (Pyodide, wheels, flow JSON, walker)"
        elif relative.startswith("algorithm/"):
            category = "algorithm pages (start, static steps, outline, diagram, review)"
        else:
            category = "reading pages and theme (HTML, CSS, JS, search index, service worker)"
        data = path.read_bytes()
        totals = split.setdefault(category, [0, 0, 0])
        totals[0] += 1
        totals[1] += len(data)
        totals[2] += len(gzip.compress(data, compresslevel=6))
    return {key: (v[0], v[1], v[2]) for key, v in sorted(split.items())}


def megabytes(count: int) -> str:
    return f"{count / 1_000_000:.2f} MB"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="build-bench-") as temp:
        temp_path = Path(temp)
        (ROOT / ".build").mkdir(exist_ok=True)
        project = copy_project(temp_path, (ROOT / ".build").resolve())
        timed_build(project)  # warm the caches
        warm = [timed_build(project) for _ in range(RUNS)]
        warm_phases = PHASES[-1]
        site = project / "site"
        sizes = size_split(site)
        pages = sum(1 for _ in site.rglob("*.html"))

        (temp_path / "cold").mkdir()
        (temp_path / "empty-cache").mkdir()
        cold = timed_build(copy_project(temp_path / "cold", temp_path / "empty-cache"))

        live = live_rebuild_times(project)

    load = os.getloadavg()
    median_warm = statistics.median(warm)
    lines = [
        "# Build benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
        f"`python bench/build_bench.py` on {os.cpu_count()} cores "
        f"(load average afterwards {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}: other work "
        "on the machine slows every number below).",
        "",
        "| measure | result |",
        "|---|---|",
        f"| full build, caches warm (median of {RUNS}) | **{median_warm:.1f} s** "
        f"(runs: {', '.join(f'{t:.1f}' for t in warm)}; target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if median_warm < TARGET_SECONDS else 'NOT met'}) |",
        f"| full build, empty cache (engine wheel built, pure wheels from PyPI) | {cold:.1f} s |",
        f"| live server: one-line change in docs/ until the new page is served (median of "
        f"{RUNS}) | **{statistics.median(live):.1f} s** "
        f"(runs: {', '.join(f'{t:.1f}' for t in live)}) |",
        f"| phases of the last warm build (build_site.py's own clock, s) | {warm_phases} |",
        f"| HTML pages built | {pages} |",
        "",
        "## Built size",
        "",
        "| part | files | bytes | gzipped |",
        "|---|---|---|---|",
    ]
    for category, (files, raw, zipped) in sizes.items():
        lines.append(f"| {category} | {files} | {megabytes(raw)} | {megabytes(zipped)} |")
    total = [sum(v[i] for v in sizes.values()) for i in range(3)]
    lines.append(f"| total | {total[0]} | {megabytes(total[1])} | {megabytes(total[2])} |")
    lines += [
        "",
        "The live-server time includes the watcher's polling (0.5 s) and the wait for the",
        "server to hand out the new page; the service worker is not built under `serve`.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
