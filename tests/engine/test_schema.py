"""flows/schema.json (for editors' autocompletion) allows exactly the keys the loader allows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flowdata import ROOT

from engine.model import KINDS, REVIEW_STATUSES, URGENCIES
from engine.shape import PARTS

SCHEMA = ROOT / "flows" / "schema.json"
DEFS = {
    "flow": None,
    "next entry": "nextEntry",
    "safety rule": "safetyRule",
    "risk level": "riskLevel",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        pytest.skip("flows/ is not available here (Pyodide mounts only tests/)")
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("part", sorted(PARTS))
def test_schema_keys_equal_the_loaders_allowed_keys(schema: dict[str, Any], part: str) -> None:
    name = DEFS.get(part, part)
    definition = schema if name is None else schema["$defs"][name]
    assert sorted(definition["properties"]) == sorted(PARTS[part].allowed)
    assert sorted(definition.get("required", [])) == sorted(PARTS[part].required)
    assert definition["additionalProperties"] is False


def test_schema_enums_equal_the_loaders(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert tuple(schema["properties"]["review_status"]["enum"]) == REVIEW_STATUSES
    assert tuple(defs["outcome"]["properties"]["urgency"]["enum"]) == URGENCIES
    kinds = [
        defs[ref["$ref"].split("/")[-1]]["properties"]["kind"]["const"]
        for ref in defs["node"]["oneOf"]
    ]
    assert tuple(kinds) == KINDS


def test_schema_grade_enums_equal_the_grade_tables(schema: dict[str, Any]) -> None:
    """Kinds, schemes and every scheme's grades: the editor offers what the loader accepts."""
    from engine.grades import PUBLISHED, SCHEMES, SOURCE_KINDS

    source = schema["$defs"]["source"]["properties"]
    assert tuple(source["kind"]["enum"]) == SOURCE_KINDS
    assert tuple(source["grading"]["enum"]) == tuple(SCHEMES)
    assert source["published"]["pattern"] == PUBLISHED.pattern
    every = dict.fromkeys(g for scheme in SCHEMES.values() for g in scheme.grades)
    assert schema["$defs"]["cite"]["properties"]["grade"]["enum"] == list(every)
