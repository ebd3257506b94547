"""The governance parts of the built site (issue 16), on real builds:

- the real project, with no review records: every page's status reads draft, no page says
  "Last reviewed", the Clinical safety page and /assets/hazard-log.json list every safety rule
  with its proof, "What changed" says this copy has no earlier release, and the route review
  shows each route's fingerprint and review state;
- a copy of the project with a release tag, an edited recommendation and records approving every
  route and page: every page reads reviewed, reading pages say "Last reviewed", and "What
  changed" lists the edit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import build_site
from engine import enumerate_routes
from engine.fingerprint import flow_prints
from engine.io.records import write_pages_skeleton, write_skeleton
from engine.pipeline import load_flow_file

ROOT = Path(__file__).resolve().parents[2]
STATUS = re.compile(r'data-review-status="([a-z-]+)"')


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


def test_with_no_records_every_page_reads_draft_and_none_says_last_reviewed(built_site: Path):
    pages = html_pages(built_site)
    assert len(pages) > 100  # the static step pages are there
    wrong = []
    for page in pages:
        text = page.read_text()
        states = STATUS.findall(text)
        if states != ["draft"] or "Last reviewed" in text or "Draft: not yet" not in text:
            wrong.append(f"{page.relative_to(built_site)}: {states}")
    assert wrong == []
    start = (built_site / "algorithm" / "index.html").read_text()
    routes = len(enumerate_routes(load_flow_file(ROOT / "flows" / "back-spasm.yaml")))
    assert f"Draft: not yet clinically reviewed (0 of {routes} routes)" in start


def test_the_hazard_log_lists_every_safety_rule_with_its_proof(built_site: Path):
    log = json.loads((built_site / "assets" / "hazard-log.json").read_text())
    safety = (built_site / "safety" / "index.html").read_text()
    expected = []
    for path in sorted((ROOT / "flows").glob("*.yaml")):
        flow = load_flow_file(path)
        routes = len(enumerate_routes(flow))
        for rule in flow.safety:
            expected.append((flow.id, rule.id))
            entry = next(e for e in log["hazards"] if (e["flow"], e["rule"]) == (flow.id, rule.id))
            assert entry["verification"]["text"] == (
                f"proved over {routes} routes, build of {log['build_date']}"
            )
            row = re.search(
                rf'<tr data-rule="{re.escape(rule.id)}" data-flow="{flow.id}">(.*?)</tr>', safety
            )
            assert row and f"proved over {routes} routes" in row.group(1), rule.id
    assert [(e["flow"], e["rule"]) for e in log["hazards"]] == expected
    for heading in ("Intended use", "Intended users", "What it is not for", "Known limitations"):
        assert f">{heading}</h2>" in safety or f">{heading}<" in safety, heading
    assert "How each recommendation is derived" in safety
    assert 'data-recommendation="' in safety


def test_what_changed_says_when_there_is_no_earlier_release(built_site: Path):
    page = (built_site / "changes" / "index.html").read_text()
    if subprocess.run(["git", "tag", "--list", "flow-*"], cwd=ROOT, capture_output=True).stdout:
        pytest.skip("this clone has release tags")
    assert page.count("No earlier released version of this flow is recorded") == 3


def test_the_route_review_shows_each_routes_fingerprint_and_state(built_site: Path):
    page = (built_site / "algorithm" / "review" / "index.html").read_text()
    for path in sorted((ROOT / "flows").glob("*.yaml")):
        for route in flow_prints(load_flow_file(path)):
            assert f"<code>{route.fingerprint}</code></td>\n<td>never reviewed</td>" in page


# --- a copy of the project, released, edited and signed -----------------------------------------


def copy_project(copy: Path) -> Path:
    build_site.copy_sources(ROOT, copy)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build").mkdir(exist_ok=True)
    (copy / ".build").symlink_to(ROOT / ".build")  # content-addressed cache: safe to share
    return copy


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def signed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("signed"))
    shutil_rmtree(project / "reviews" / "back-spasm.yaml")
    git(project, "init", "-q")
    git(project, "add", "flows")
    git(project, "commit", "-qm", "release")
    flow_file = project / "flows" / "back-spasm.yaml"
    flow = load_flow_file(flow_file)
    git(project, "tag", f"flow-back-spasm-v{flow.version}")
    rec = next(
        r for n in flow.nodes for r in getattr(n, "recommendations", ()) if len(r.text.split()) > 4
    )
    first_words = " ".join(rec.text.split()[:4])
    text = flow_file.read_text()
    assert first_words in text
    flow_file.write_text(text.replace(first_words, "EDITED " + first_words, 1))
    reviews = project / "reviews"
    who = {"name": "Dr Ada Example", "role": "GP", "registration": "GMC 0", "date": "2026-12-01"}
    for path in sorted((project / "flows").glob("*.yaml")):
        write_skeleton(load_flow_file(path), reviews, **who)
    write_pages_skeleton(sorted((project / "docs").glob("*.md")), project, reviews, **who)
    site = project / "site"
    result = subprocess.run(
        [sys.executable, "build_site.py", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stderr
    return site


def shutil_rmtree(path: Path) -> None:
    if path.exists():
        path.unlink()


def test_records_approving_everything_make_every_page_reviewed(signed_site: Path):
    wrong = []
    for page in html_pages(signed_site):
        states = STATUS.findall(page.read_text())
        if states != ["reviewed"]:
            wrong.append(f"{page.relative_to(signed_site)}: {states}")
    assert wrong == []
    start = (signed_site / "algorithm" / "index.html").read_text()
    assert re.search(r"Reviewed by Dr Ada Example, GP, 2026-12-01 \((\d+) of \1 routes\)", start)
    treatment = (signed_site / "treatment" / "index.html").read_text()
    assert "Last reviewed 2026-12-01 by Dr Ada Example, GP" in treatment


def test_what_changed_lists_the_edit_since_the_release(signed_site: Path):
    version = load_flow_file(ROOT / "flows" / "back-spasm.yaml").version
    page = (signed_site / "changes" / "index.html").read_text()
    section = page[page.index('id="back-spasm"') : page.index('id="follow-up"')]
    assert f"Version {version} (this build, not yet released)" in section
    assert f"Compared with version {version}" in section
    assert "EDITED" in section and "changed" in section
    assert page.count("No earlier released version of this flow is recorded") == 2
