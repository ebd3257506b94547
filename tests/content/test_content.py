"""Checks over the hand-written content: docs/*.md pages and the sources the flows cite.

These guard the promises a clinical reader relies on: no page types its own review date (the status
is derived from reviews/, see tests/governance), every citation resolves to an entry on the Sources
page, pages carry no raw HTML (the site renders Markdown with HTML disabled), and nothing repeats a
source document word for word.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FLOWS = ROOT / "flows"
SOURCES_PAGE = DOCS / "sources.md"
# CI clones the project next to ../shared, as on the development machine.
VERBATIM_CHECK = ROOT.parent / "shared" / "tools" / "verbatim_check.py"

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
ATTR_LIST_ID = re.compile(r"\{\s*#([A-Za-z0-9_-]+)[^}]*\}")
SOURCES_LINK = re.compile(r"sources\.md#([A-Za-z0-9_-]+)")

ADMONITION_START = re.compile(r"^(!!!|\?\?\?\+?) ")

# The source ids every part of the site agreed on (team brief); flows and pages cite these.
CANONICAL_SOURCE_IDS = (
    "seed-differentiation",
    "seed-radiological-spasm",
    "seed-fwbsi",
    "seed-treatment",
    "seed-etiology",
    "acp-2017",
    "nice-ng59",
    "cashin-2021",
    "beers-2023",
    "choosing-wisely-au",
    "fda-cyclobenzaprine",
    "ahcpr-1994",
    "choosing-wisely-nass",
    "verhagen-2016",
    "bmj-bp-ces",
    "girft-ces-2023",
    "deville-2000",
    "acr-lbp-2021",
    "chou-2007",
    "brinjikji-2015",
    "acr-back-pain-child",
    "ebmed-peds-2023",
    "jfp-2020",
    "start-back",
)

PAGES = sorted(DOCS.rglob("*.md"))
FLOW_FILES = sorted(FLOWS.glob("*.yaml"))


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def front_matter(page: Path) -> dict[str, object]:
    match = FRONT_MATTER.match(page.read_text(encoding="utf-8"))
    if match is None:
        return {}
    loaded = yaml.safe_load(match.group(1))
    return loaded if isinstance(loaded, dict) else {}


def source_anchors() -> set[str]:
    """Every `{ #id }` anchor the Sources page defines."""
    return set(ATTR_LIST_ID.findall(SOURCES_PAGE.read_text(encoding="utf-8")))


def without_admonition_indent(text: str) -> str:
    """Un-indent admonition bodies, which CommonMark would otherwise read as code blocks."""
    lines: list[str] = []
    inside = False
    for line in text.splitlines():
        if ADMONITION_START.match(line):
            inside = True
            lines.append("")
        elif inside and (line.startswith("    ") or not line.strip()):
            lines.append(line[4:])
        else:
            inside = False
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_there_are_pages_and_a_sources_page() -> None:
    assert PAGES, "docs/ has no Markdown pages"
    assert SOURCES_PAGE.is_file(), "docs/sources.md is missing"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_has_no_typed_review_date_or_a_valid_one(page: Path) -> None:
    # Issue 16: the review status is derived from reviews/pages.yaml, never typed; the
    # `last_reviewed` key is still accepted (and no longer shown) until it is removed.
    matter = front_matter(page)
    reviewed = matter.get("last_reviewed")
    # YAML reads an unquoted 2026-11-21 as a date; a typo such as 2026-13-01 stays a string.
    assert "last_reviewed" not in matter or isinstance(reviewed, datetime.date), (
        f"{page_id(page)}: `last_reviewed` must be YYYY-MM-DD if present, found {reviewed!r}"
    )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_has_no_raw_html(page: Path) -> None:
    # Parse with HTML recognised so that code spans and fenced examples are not counted.
    text = without_admonition_indent(page.read_text(encoding="utf-8"))
    tokens = MarkdownIt("commonmark").parse(text)
    found: list[str] = []
    for token in tokens:
        if token.type == "html_block":
            found.append(f"line {token.map[0] + 1 if token.map else '?'}: {token.content.strip()}")
        for child in token.children or []:
            if child.type == "html_inline":
                line = token.map[0] + 1 if token.map else "?"
                found.append(f"line {line}: {child.content}")
    assert not found, f"{page_id(page)} contains raw HTML:\n" + "\n".join(found)


def test_every_canonical_source_has_an_anchor() -> None:
    missing = sorted(set(CANONICAL_SOURCE_IDS) - source_anchors())
    assert not missing, f"docs/sources.md has no entry for: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_sources_link_has_an_anchor(page: Path) -> None:
    anchors = source_anchors()
    cited = SOURCES_LINK.findall(page.read_text(encoding="utf-8"))
    missing = sorted(set(cited) - anchors)
    assert not missing, f"{page_id(page)} cites sources.md anchors that do not exist: {missing}"


@pytest.mark.parametrize("flow", FLOW_FILES, ids=page_id)
def test_every_flow_source_has_an_anchor(flow: Path) -> None:
    loaded = yaml.safe_load(flow.read_text(encoding="utf-8"))
    sources = loaded.get("sources", {}) if isinstance(loaded, dict) else {}
    ids = {str(key) for key in sources} if isinstance(sources, dict) else set()
    missing = sorted(ids - source_anchors())
    assert not missing, f"{page_id(flow)} cites sources with no entry in docs/sources.md: {missing}"


def test_nothing_repeats_a_source_document() -> None:
    if not VERBATIM_CHECK.is_file():
        pytest.skip(f"{VERBATIM_CHECK} not found: the shared tools are not beside this clone")
    targets = [name for name in ("docs", "flows") if (ROOT / name).is_dir()]
    result = subprocess.run(
        [sys.executable, str(VERBATIM_CHECK), *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize("flow", FLOW_FILES, ids=page_id)
def test_every_published_safety_rule_names_its_hazard(flow: Path) -> None:
    """The hazard log is complete: test flows may omit `hazard:`, published flows may not."""
    from engine import load_flow_file

    missing = [rule.id for rule in load_flow_file(flow).safety if rule.hazard is None]
    assert not missing, f"{page_id(flow)}: safety rules with no hazard block: {missing}"
