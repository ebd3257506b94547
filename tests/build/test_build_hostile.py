"""The real build on a copy of the project with hostile or broken input (security review
2026-12, rows 4-6, 13-16): every failure is `FILE:LINE: message` lines and exit 1 with the
previous site/ intact, never a traceback or a silent success. (Kills during the swap, rows 10
and 11: test_build_swap.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from buildcli import HANG, ROOT, build, copy_project, failed, fingerprint, leftovers


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
