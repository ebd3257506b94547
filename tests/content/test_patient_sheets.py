"""The patient advice sheets are in plain words, and say what the patient page says about the
signs that cannot wait (issue 15: a reading grade of at most 8, checked with textstat)."""

from __future__ import annotations

from pathlib import Path

import pytest
import textstat

from engine import load_flow_file

ROOT = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted((ROOT / "flows").glob("*.yaml"))
MAX_GRADE = 8.0


def sheets() -> list[tuple[str, str, str]]:
    """(flow file name, outcome id, the sheet's words) for every sheet of every flow (a child's
    sheet, on an outcome tagged `paediatric`, is marked `child:`)."""
    found = []
    for path in FLOW_FILES:
        flow = load_flow_file(path)
        for node in flow.nodes:
            sheet = getattr(node, "patient", None)
            if sheet is None:
                continue
            parts = [sheet.probably, *sheet.do, *sheet.avoid, *sheet.get_help_now, *sheet.come_back]
            words = " ".join(part.replace("**", "").strip().rstrip(".") + "." for part in parts)
            child = "paediatric" in node.outcome_tags
            found.append((path.name, ("child:" if child else "") + node.id, words))
    return found


SHEETS = sheets()


def test_there_are_sheets() -> None:
    assert len(SHEETS) >= 20


@pytest.mark.parametrize(
    ("flow", "outcome", "words"), SHEETS, ids=[f"{f}:{o}" for f, o, _ in SHEETS]
)
def test_a_sheet_reads_at_grade_8_or_below(flow: str, outcome: str, words: str) -> None:
    grade = textstat.flesch_kincaid_grade(words)
    assert grade <= MAX_GRADE, f"{flow} {outcome}: Flesch-Kincaid grade {grade:.1f}"


@pytest.mark.parametrize(
    ("flow", "outcome", "words"), SHEETS, ids=[f"{f}:{o}" for f, o, _ in SHEETS]
)
def test_a_sheet_names_the_early_cauda_equina_signs(flow: str, outcome: str, words: str) -> None:
    """Every sheet sends new bladder trouble to help at once; an adult's also names the early
    signs the patient page names (feeling when wiping; starting or feeling the flow of urine)."""
    lowered = words.lower()
    assert "pee" in lowered, f"{flow} {outcome}: bladder trouble missing"
    if not outcome.startswith("child:"):
        assert "wipe" in lowered, f"{flow} {outcome}: the early cauda equina signs are missing"
