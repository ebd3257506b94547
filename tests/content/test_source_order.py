"""Guidelines and trials are listed before the AI answers and the clinic page, wherever several
sources are listed together (usability review row 8: the weakest sources came first).

On a reading page that is each run of adjacent footnote markers and the footnote list at the
bottom (Python-Markdown lists footnotes in the order they are defined). On an outcome it is the
printed reference list; the "Sources:" lines are ordered by `engine.grades.ordered` already.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from engine import load_flow_file
from engine.grades import LATE_KINDS
from engine.model import OutcomeNode
from engine.render.parts import print_references

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md"))
FLOWS = sorted((ROOT / "flows").glob("*.yaml"))

DEFINITION = re.compile(r"^\[\^([^\]]+)\]:", re.M)
TARGET = re.compile(r"^\[\^([^\]]+)\]:.*?sources\.md#([A-Za-z0-9_-]+)", re.M)
MARKERS = re.compile(r"(?:\[\^[^\]]+\])+")
MARKER = re.compile(r"\[\^([^\]]+)\]")
LATE_PREFIX = "seed-"
"""The five source documents (four AI answers, one clinic page) have source ids starting `seed-`;
a footnote is theirs when its link goes to one (its own label may be anything)."""


def late_before_early(ids: list[str], late: set[str]) -> bool:
    """True when an AI answer or the clinic page comes before a guideline or trial."""
    seen_late = False
    for source in ids:
        if source in late:
            seen_late = True
        elif seen_late:
            return True
    return False


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_reading_page_lists_ai_answers_last(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    definitions = DEFINITION.findall(text)
    late = {label for label, source in TARGET.findall(text) if source.startswith(LATE_PREFIX)}
    assert not late_before_early(definitions, late), (
        f"{page_id(page)}: footnotes of AI answers or the clinic page are defined before "
        f"guideline or trial footnotes: {definitions}"
    )
    body = DEFINITION.sub("", text)
    runs = [MARKER.findall(m.group(0)) for m in MARKERS.finditer(body)]
    wrong = [run for run in runs if late_before_early(run, late)]
    assert not wrong, f"{page_id(page)}: AI answers cited before guidelines in {wrong}"


@pytest.mark.parametrize("flow_file", FLOWS, ids=page_id)
def test_printed_references_list_ai_answers_last(flow_file: Path) -> None:
    flow = load_flow_file(flow_file)
    late = {s.id for s in flow.sources if s.kind in LATE_KINDS}
    assert late, f"{page_id(flow_file)}: no AI-answer source, so this test checks nothing"
    wrong: list[str] = []
    for node in flow.nodes:
        if not isinstance(node, OutcomeNode):
            continue
        cites = [c for a in node.actions for c in a.cite]
        cites += [*node.cite, *(c for r in node.recommendations for c in r.cite)]
        listed = re.findall(r"<li><strong>(.*?)</strong>", print_references(flow, cites))
        labels = {s.short: s.id for s in flow.sources}
        ids = [labels[html.unescape(label)] for label in listed]
        if late_before_early(ids, late):
            wrong.append(f"{node.id}: {listed}")
    assert not wrong, f"{page_id(flow_file)}: printed references list AI answers first:\n" + (
        "\n".join(wrong)
    )
