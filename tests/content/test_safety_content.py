"""The clinical review's four patient-safety defects (issue 14, review #1-3) stay fixed on the
reading pages: each test fails on the pages as they were before the fix (commit dfe4acb^).

Route properties (the NSAID-in-liver-impairment defect, #4) are safety rules in the flows and are
proved over every route by the build, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

ADMONITION = re.compile(
    r'^(?:!!!|\?\?\?\+?) \w+(?: "(?P<title>[^"]*)")?\n(?P<body>(?:(?: {4}.*)?\n)*)', re.M
)


def boxes(page: str) -> list[tuple[str, str]]:
    """(title, body) of every admonition box on a page, body unindented and joined to one line."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [
        (m["title"] or "", " ".join(m["body"].split())) for m in ADMONITION.finditer(text + "\n")
    ]


def blocks(page: str) -> list[str]:
    """Paragraphs, list items and table rows of a page, each as one line of words."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n|\n(?=\s*[|-] )", text)]


def test_radiculopathy_never_calls_cauda_equina_same_day() -> None:
    """#1: suspected cauda equina syndrome is an emergency (immediate referral, emergency MRI)."""
    same_day = [
        block
        for block in blocks("radiculopathy.md")
        if "cauda equina" in block.lower() and re.search(r"same[- ]day", block, re.I)
    ]
    assert same_day == []


def test_patient_cauda_equina_warning_lists_the_early_signs() -> None:
    """#2: the early signs: trouble starting or feeling the urine flow, not feeling a full
    bladder, altered feeling when wiping."""
    ces = [body for _, body in boxes("patients.md") if "cauda equina" in body.lower()]
    assert len(ces) == 1
    body = ces[0].lower()
    assert re.search(
        r"start(ing)? (to )?(pee|urinat|passing urine)|harder than usual to start", body
    )
    assert re.search(r"bladder is full|full bladder", body)
    assert re.search(r"\bwip(e|ing)\b", body)


def test_patient_page_sends_fever_or_injecting_drugs_the_same_day() -> None:
    """#3: fever or injecting drug use with back pain: a doctor the same day, as on the
    clinician route, never "within a day or two"."""
    titles = [title for title, body in boxes("patients.md") if "inject drugs" in body]
    assert len(titles) == 1
    assert "day or two" not in titles[0]
    assert re.search(r"\btoday\b|same day", titles[0])
