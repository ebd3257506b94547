"""Every rule id the engine gives a problem is documented in docs/authoring.md ("Rule ids"), and
every documented id is one the engine uses: an author looks the id up, a script may rely on it."""

from __future__ import annotations

import re

import pytest
from flowdata import ROOT

AUTHORING = ROOT / "docs" / "authoring.md"
ENGINE = ROOT / "engine"
RULE = re.compile(r"""(?<![\w-])rule=["']([a-z0-9-]+)["']""")
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def documented() -> list[str]:
    if not AUTHORING.exists():
        pytest.skip("docs/ is not available here (Pyodide mounts only tests/)")
    text = AUTHORING.read_text(encoding="utf-8")
    section = text.split("\n### Rule ids\n", 1)[1]
    section = re.split(r"^#", section, maxsplit=1, flags=re.MULTILINE)[0]
    return ROW.findall(section)


def used() -> dict[str, list[str]]:
    """Each id given as `rule="..."` anywhere in engine/, with the modules that give it."""
    found: dict[str, list[str]] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        for rule in RULE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(rule, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_rule_id_the_engine_uses_is_documented() -> None:
    missing = {rule: where for rule, where in used().items() if rule not in documented()}
    assert missing == {}


def test_every_documented_rule_id_is_used_by_the_engine() -> None:
    assert [rule for rule in documented() if rule not in used()] == []


def test_rule_ids_are_lower_case_hyphenated_sorted_and_listed_once() -> None:
    rules = documented()
    assert [rule for rule in rules if not ID.match(rule)] == []
    assert rules == sorted(set(rules))
