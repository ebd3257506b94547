"""The real build on a copy of the project with hostile or broken input (security review
2026-12, rows 4-6, 10, 11, 13-16): every failure is `FILE:LINE: message` lines and exit 1 with
the previous site/ intact, never a traceback or a silent success; a kill at any point of the
swap leaves a whole site, and the next build (or `make clean`) removes what the killed one left.

Kills happen at exact points: `BUILD_SITE_PAUSE_AT=<point>` makes the build wait there (it
writes `.site.paused-<point>` and waits until that file is removed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import build_site
from sitebuild.common import run_build_command

ROOT = Path(__file__).resolve().parents[2]
HANG = 600
"""Seconds after which a build is taken to hang (a build takes 5-20 s)."""


def copy_project(copy: Path, node_modules: bool = True) -> Path:
    """The project's sources in `copy`; node_modules and the content-addressed cache shared."""
    copy.mkdir()
    build_site.copy_sources(ROOT, copy)
    shutil.copy2(ROOT / "Makefile", copy / "Makefile")
    if node_modules:
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build" / "cache").mkdir(parents=True, exist_ok=True)
    (copy / ".build").mkdir()
    (copy / ".build" / "cache").symlink_to(ROOT / ".build" / "cache", target_is_directory=True)
    return copy


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield copy_project(tmp_path / "project")


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site/ of one clean build of a project copy, made once for the tests that start from a
    last good site (a full build costs seconds to minutes on a busy 2-core machine)."""
    project = copy_project(tmp_path_factory.mktemp("good") / "project")
    assert build(project).returncode == 0
    return project / "site"


@pytest.fixture
def built_project(project: Path, good_build: Path) -> Path:
    """A project copy whose site/ is that good build's, as if it had just built it."""
    shutil.copytree(good_build, project / "site")
    return project


def build(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_build_command(project, *args, env={**os.environ, **(env or {})}, timeout=HANG)


def start_build(project: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "build_site.py", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        start_new_session=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + HANG
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the build never reached {path.name}"
        time.sleep(0.1)


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def leftovers(project: Path) -> list[str]:
    names = [p.name for p in project.iterdir() if p.name.startswith((".site-", ".site."))]
    names += [p.name for p in (project / ".build").iterdir() if p.name.startswith("stage-")]
    return sorted(names)


def failed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.stderr.splitlines()


def test_an_emoji_in_a_flow_title_keeps_the_algorithm_template(project: Path) -> None:
    """Row 4: the surrogate pair json.dumps wrote made MkDocs drop the page's front matter."""
    flow = project / "flows" / "back-spasm.yaml"
    text = flow.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    new_title = title.removeprefix("title: ").strip("\"'") + " 🩺"
    flow.write_text(text.replace(title, f'title: "{new_title}"', 1), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    for page in ("algorithm/index.html", "algorithm/outline/index.html"):
        html = (project / "site" / page).read_text(encoding="utf-8")
        assert "Review date not recorded" not in html
        assert "🩺" in html.split("<title>", 1)[1].split("</title>", 1)[0]
    start = (project / "site" / "algorithm" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in start
    assert "walker/walker.mjs" in start


def test_broken_inputs_fail_with_their_lines_and_keep_the_site(built_project: Path) -> None:
    """Rows 5, 6, 16 and 14: each stops the build; the site of the last good build stays."""
    project = built_project  # the last good build's site is in place
    before = fingerprint(project / "site")
    docs, flows = project / "docs", project / "flows"
    (docs / "algorithm").mkdir()
    cases: list[tuple[list[tuple[Path, str]], list[str]]] = [
        ([(flows / "zz.yaml", "---\n")], ["flows/zz.yaml:1: the file holds no flow"]),
        (
            [(docs / "algorithm" / "review.md", "# Mine\n")],
            [
                "docs/algorithm/review.md:1: this page has the address of the route review "
                "page, which the build generates: rename or move the page"
            ],
        ),
        (
            [(docs / "algorithm" / "follow-up.md", "# Mine\n")],
            ["docs/algorithm/follow-up.md:1: this page has the address of the start page of flow"],
        ),
        (
            [
                (
                    docs / "evil.md",
                    '# Evil\n\n<script src="https://cdn.example.com/x.js"></script>\n',
                )
            ],
            [
                "docs/evil.md:3: the page would fetch https://cdn.example.com/x.js from another "
                "site; copy the file into docs/ (nothing is fetched off-site at run time)"
            ],
        ),
        (
            [(docs / "evil.css", "body { background: url(https://cdn.example.com/a.png) }\n")],
            [
                "docs/evil.css:1: the stylesheet would fetch https://cdn.example.com/a.png from "
                "another site"
            ],
        ),
    ]
    for files, expected in cases:
        for path, text in files:
            path.write_text(text, encoding="utf-8")
        try:
            lines = failed(build(project))
        finally:
            for path, _ in files:
                path.unlink()
        for line in expected:
            assert any(shown.startswith(line) for shown in lines), (line, lines)
        assert fingerprint(project / "site") == before
    assert leftovers(project) == []


def test_a_nav_entry_outside_docs_is_refused_and_writes_nothing(project: Path) -> None:
    """Row 16: the stub page for `../../x.md` was written outside the project."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "  - Home: index.md\n", "  - Home: index.md\n  - Escape: ../../escape-test.md\n"
        )
    )
    lines = failed(build(project))
    at = config.read_text(encoding="utf-8").splitlines().index("  - Escape: ../../escape-test.md")
    assert any(
        line.startswith(f"mkdocs.yml:{at + 1}: nav entry 'Escape' points to ../../escape-test.md")
        for line in lines
    ), lines
    assert not list(project.parent.parent.rglob("escape-test.md"))


def test_flow_links_and_citations_are_checked_by_the_build(project: Path) -> None:
    """Row 14a: links to missing pages or anchors and sources missing from docs/sources.md
    built with exit 0; only pytest caught them."""
    base = (ROOT / "tests" / "engine" / "test_hostile_input.py").read_text(encoding="utf-8")
    flow = base.split('BASE = """\\\n', 1)[1].split('"""', 1)[0]
    flow = flow.replace(
        "    text: Is it?\n",
        "    text: Is it?\n    links:\n"
        '      - {text: M, page: "no-such-page.md#nope"}\n'
        '      - {text: A, page: "treatment.md#no-such-anchor"}\n',
    )
    # "Yes" adds advice, so the question changes something (the build refuses useless ones).
    flow += "      - {id: r2, text: Walk., cite: [src-a], when: {fact: f, equals: a}}\n"
    (project / "flows" / "zz.yaml").write_text(flow, encoding="utf-8")
    lines = failed(build(project))
    assert (
        'flows/zz.yaml:18: link "M" points to no-such-page.md, which is not a page of the site '
        "(docs/)" in lines
    )
    assert (
        'flows/zz.yaml:19: link "A" points to treatment.md#no-such-anchor, but treatment.md has '
        'no heading or element with the id "no-such-anchor"'
    ) in lines
    assert any(
        line.startswith('flows/zz.yaml:10: source "src-a" has no entry in docs/sources.md')
        for line in lines
    )


def test_missing_node_modules_says_to_run_setup(tmp_path: Path) -> None:
    """Row 13b: a FileNotFoundError traceback (warm cache) or Node's stack (cold diagrams)."""
    project = copy_project(tmp_path / "project", node_modules=False)
    warm = failed(build(project))
    assert warm[-1].startswith(
        "build_site.py: node_modules/pyodide/pyodide.mjs is missing: run `make setup` (or `npm ci`)"
    )
    (project / ".build" / "cache").unlink()  # cold: no cached diagrams or runtime
    assert failed(build(project))[-1] == warm[-1]


def test_a_site_dir_that_cannot_be_written_is_one_clear_line(project: Path) -> None:
    """Row 13a: an OSError traceback."""
    (project / "plain-file").write_text("not a folder\n")
    lines = failed(build(project, "--site-dir", "plain-file/site"))
    assert len(lines) == 1
    assert lines[0].startswith(
        f"build_site.py: cannot write the site in {project / 'plain-file'}: "
    )


@pytest.mark.parametrize(
    ("point", "env", "site_after_kill"),
    [
        ("before-swap", {}, "old"),
        ("after-swap", {}, "new"),
        ("between-renames", {"BUILD_SITE_NO_EXCHANGE": "1"}, "recovered"),
    ],
)
def test_a_kill_during_the_swap_leaves_a_whole_site_and_the_next_build_cleans_up(
    built_project: Path, point: str, env: dict[str, str], site_after_kill: str
) -> None:
    """Rows 10 and 11: a kill between the two renames left no site/ at all, and leftovers of
    killed builds stayed for ever."""
    project = built_project  # the last good build's site is in place
    old = fingerprint(project / "site")
    marker = project / f".site.paused-{point}"
    process = start_build(project, {"BUILD_SITE_PAUSE_AT": point, **env})
    wait_for(marker, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    marker.unlink()
    if site_after_kill == "old":
        assert fingerprint(project / "site") == old
    elif site_after_kill == "new":
        assert (project / "site" / "index.html").is_file()
    else:
        # Only where folders cannot be exchanged in one step (not Linux): no site/ for a
        # moment, and the journal lets the next build put the finished one in place.
        assert not (project / "site").exists()
        assert (project / ".site-swap.json").is_file()
    assert leftovers(project)
    stage = project / ".build" / "stage-999999-abc"
    stage.mkdir()  # a stage folder of a killed build (no such process)
    assert build(project).returncode == 0
    assert (project / "site" / "index.html").is_file()
    assert leftovers(project) == []


def test_two_builds_at_once_never_fail_or_leave_debris(built_project: Path) -> None:
    """Row 10: the later build's rename failed with `Directory not empty` and left .site-old-*.
    The first build waits just before its swap while the second one runs to its own swap."""
    project = built_project  # the last good build's site is in place
    marker = project / ".site.paused-before-swap"
    first = start_build(project, {"BUILD_SITE_PAUSE_AT": "before-swap"})
    wait_for(marker, first)
    second = start_build(project, {})
    time.sleep(1)  # not a timing assertion: the race is there whichever reaches the swap first
    marker.unlink()
    for process in (first, second):
        _, err = process.communicate(timeout=HANG)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert (project / "site" / "index.html").is_file()
    assert leftovers(project) == []


def test_make_clean_removes_what_killed_builds_left(project: Path) -> None:
    """Row 11: `make clean` removed site, .build and .cache only."""
    for name in (".site-new-123-abc", ".site-old-123-456", "site"):
        (project / name).mkdir()
    subprocess.run(["make", "clean"], cwd=project, check=True, capture_output=True, timeout=HANG)
    assert not [p for p in project.iterdir() if p.name == "site" or p.name.startswith(".site-")]


def test_a_file_too_big_to_precache_fails_the_build(project: Path) -> None:
    """Row 15: Workbox's "won't be precached" warning was dropped; search offline broke."""
    numbers = ",".join(str(n) for n in range(1_000_000))  # a 6.9 MB file the pages could use
    (project / "docs" / "big.json").write_text(f"[{numbers}]", encoding="utf-8")
    lines = failed(build(project))
    assert any("won't be precached" in line for line in lines), lines
    assert lines[-1].startswith("service worker: readers offline would miss these files")


def test_a_site_dir_in_a_read_only_folder_is_one_clear_line(project: Path) -> None:
    """Row 13a as reported: `--site-dir` in a read-only folder (a private read-only bind mount)."""
    (project / "ro").mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind ro ro && mount -o remount,bind,ro ro"],
        cwd=project,
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("no private mounts here (unshare -m needs privileges)")
    script = (
        "mount --bind ro ro && mount -o remount,bind,ro ro && "
        f"exec {sys.executable} build_site.py build --site-dir ro/site"
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG,
    )
    lines = failed(result)
    assert lines == [
        f"build_site.py: cannot write the site in {project / 'ro'}: Read-only file system"
    ]
