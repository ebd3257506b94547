"""flows/schema.json (for editors' autocompletion) is made from the loader's table of parts
(`python -m engine.shape.schema > flows/schema.json`), so it allows exactly the keys, values and
patterns the loader allows; a stale committed copy fails here."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flowdata import ROOT

from engine.model import KINDS, REVIEW_STATUSES, URGENCIES
from engine.shape import PARTS, parts
from engine.shape.schema import def_name, schema_text

SCHEMA = ROOT / "flows" / "schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        pytest.skip("flows/ is not available here (Pyodide mounts only tests/)")
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("part", sorted(PARTS))
def test_schema_keys_equal_the_loaders_allowed_keys(schema: dict[str, Any], part: str) -> None:
    definition = schema if part == "flow" else schema["$defs"][def_name(part)]
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


def test_the_committed_schema_is_the_one_made_from_the_table(schema: dict[str, Any]) -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "flows/schema.json is stale: run "
        ".venv/bin/python -m engine.shape.schema > flows/schema.json"
    )


def patterns(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["pattern"]] if isinstance(value.get("pattern"), str) else []
        return found + [p for v in value.values() for p in patterns(v)]
    if isinstance(value, list):
        return [p for v in value for p in patterns(v)]
    return []


def test_every_pattern_of_the_schema_is_one_the_loader_checks(schema: dict[str, Any]) -> None:
    """No pattern copied by hand: each is a compiled pattern of engine.shape.parts."""
    loaders = {v.pattern for v in vars(parts).values() if isinstance(v, re.Pattern)}
    found = patterns(schema)
    assert len(found) > 30
    assert sorted(set(found) - loaders) == []
    assert parts.URL.pattern in found
