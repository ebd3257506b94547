"""Rows of the clinical review (issue 14) that are properties of the content, not of routes.

Row 24: the "young age" red flag in children. The cited source (J Fam Pract 2020, SOR A) says low
back pain is rare under 7; the "under 5 / under 10" cut-offs were never found in a cited source,
so no checklist item may present them as the threshold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import load_flow_file
from engine.model import ChecklistNode

ROOT = Path(__file__).resolve().parents[2]
FLOWS = sorted((ROOT / "flows").glob("*.yaml"))


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("flow_file", FLOWS, ids=page_id)
def test_young_age_red_flag_uses_the_cited_cut_off(flow_file: Path) -> None:
    flow = load_flow_file(flow_file)
    items = [
        item.text
        for node in flow.nodes
        if isinstance(node, ChecklistNode)
        for item in node.items
        if "young" in item.text.lower() and "athlete" not in item.text.lower()
    ]
    unread = [text for text in items if "under 5" in text or "under 10" in text]
    assert not unread, f"{page_id(flow_file)}: young-age cut-off not in a cited source: {unread}"
    if items:
        assert all("under 7" in text for text in items), items


SEED_WORDS = re.compile(r"\bseeds?\b(?!-)|\bsource documents? 0\d\d", re.I)
""""Seed 004", "(seed)", "source document 001": file numbers a reader cannot follow (review
section 5). Source ids such as `seed-treatment` are addresses, not reader text."""

READER_FILES = sorted((ROOT / "docs").glob("*.md")) + FLOWS


@pytest.mark.parametrize("path", READER_FILES, ids=page_id)
def test_no_seed_or_document_numbers_in_reader_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if SEED_WORDS.search(line)
    ]
    assert not found, f"{page_id(path)} names source documents by number:\n" + "\n".join(found)
