"""`flows/schema.json` (JSON Schema, for editors' completion and hints), made from the table of
parts: `python -m engine.shape.schema > flows/schema.json`. A test fails when the file is stale.

Keys, types, patterns, choices and required keys all come from engine.shape.parts; only the
editor's descriptions (`SAYS`) are written here.
"""

from __future__ import annotations

import json
from typing import Any

from engine.model import KINDS
from engine.shape.conditions import FORMS_SCHEMA
from engine.shape.parts import PART_LIST, PARTS, SLUG, Key, Part

SAYS: dict[str, str] = {
    "flow": "A flowchart of Back Spasm Guide (see docs/authoring.md).",
    "flow.id": "Unique across flows/; names the flow's pages and share links.",
    "flow.version": "Quoted. Bump on every clinical change: share links are bound to it.",
    "fact": "A fact answers may record, with every value it may take.",
    "source": "A citable source.",
    "source.label": 'Short name shown where the source is cited, e.g. "ACP 2017".',
    "source.kind": "What the source is; ai-answer and clinic-page sources are listed after "
    "guidelines and evidence.",
    "source.published": "When it was published: a year, YYYY-MM or YYYY-MM-DD, in quotes; or "
    '"undated".',
    "source.grading": "Its grading scheme; citations of grade, nice, acr, certainty and sor "
    "sources carry rec and grade (see docs/authoring.md).",
    "source.design": "grading study only: design and size shown as its tag, e.g. "
    '"double-blind RCT, n=323".',
    "link": "A link to a guideline page of this site.",
    "link.page": "A page of this site, e.g. treatment.md#cyclobenzaprine.",
    "question": "One answer is chosen.",
    "checklist": "Tick any number of items; routed by rules.",
    "info": "Text and a Continue.",
    "outcome": "An end of the flow.",
    "node.title": "Short label for the diagram and the route summary.",
    "node.text": "Markdown shown on the step.",
    "node.help": "Markdown shown on demand (how to do the test asked about).",
    "cite": "A citation of a graded source: which recommendation, and its grade in the source's "
    "scheme.",
    "cite.source": "A source id (key of `sources`).",
    "cite.rec": 'The recommendation: "Recommendation 1", NICE "1.2.17 [2016]", ACR "Variant 1".',
    "cite.grade": "The grade; the loader checks it against the source's own scheme.",
    "*.cite": "Source ids, or {source, rec, grade} for graded sources.",
    "*.set": "fact -> value recorded when chosen",
    "*.next": "A node id, or a list of {when, to} entries ending with one {to} entry (the "
    "default).",
    "*.not_examined": 'This answer means "not examined": what that leaves open (shown at the '
    "outcome and in the note).",
    "checklist.routes": "Tried in order; the first whose `when` holds wins; the last has no "
    "`when`.",
    "checklist.none": 'Text of the exclusive "None of these" answer; with it, nothing ticked is '
    "not an answer.",
    "outcome.urgency": "Fixed meanings and badge text: emergency (now), urgent (same day), soon "
    "(within days), routine, self-care.",
    "outcome.actions": "Key actions, shown first: 3 to 7 on every route, each cited, at most 30 "
    'words; an emergency\'s first starts "Refer now".',
    "outcome.tags": "Tags of the outcome itself, tested by require.outcome_tags (e.g. "
    "paediatric, adult).",
    "answer": "One answer of a question.",
    "item": "One tickable item.",
    "item.group": 'Heading of the item\'s group ("Cauda equina syndrome"): shown once above '
    "consecutive items of the group, and at the outcome for each group ticked.",
    "route": "One route of a checklist.",
    "route.label": "Says in words what `when` says (shown as a link on static pages).",
    "next entry": "Taken when it is the first entry whose `when` holds.",
    "recommendation": "Shown only where its `when` holds.",
    "recommendation.when": "May test facts, and what was ticked at a checklist: "
    "{at: CHECKLIST, ticked: ...}.",
    "recommendation.group": "The folded group it is shown in below the key actions.",
    "action": "One key action: an imperative line, cited.",
    "action.text": "At most 30 words.",
    "patient": "The patient advice sheet of an outcome (plain words, reading grade 8 at most).",
    "patient.probably": "What it probably is.",
    "patient.do": "What to do.",
    "patient.avoid": "What to avoid.",
    "patient.get_help_now": "When to get help at once (early cauda equina signs included).",
    "patient.come_back": "When to come back.",
    "safety rule": "A guarantee proved over every route at build time.",
    "require": "What every route the rule applies to must do.",
    "require.outcome_tags": "The outcome must carry each of these tags.",
    "require.never_outcome_tags": "The outcome must carry none of these tags.",
    "hazard": "The hazard a safety rule controls (DCB0129 hazard log entry).",
    "condition": "Data, never code. Which forms are allowed depends on where the condition is "
    "(see docs/authoring.md).",
    "citeEntry": "A bare source id (sources graded study, label or none) or a {source, rec, "
    "grade} mapping.",
}
"""What editors show for a part (`part`) or a key (`part.key`; `node.key` for every kind of node,
`*.key` for the key wherever it is)."""


def def_name(part: str) -> str:
    """A part's name in `$defs`: `next entry` -> `nextEntry`."""
    first, *rest = part.split()
    return first + "".join(word.title() for word in rest)


def ref(part: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{def_name(part)}"}


def says(part: str, key: str) -> str | None:
    node = "node" if part in KINDS else part
    return SAYS.get(f"{part}.{key}") or SAYS.get(f"{node}.{key}") or SAYS.get(f"*.{key}")


def value_schema(part: Part, key: Key) -> dict[str, Any]:
    """The schema of one key's value, by its type in the table."""
    pattern = key.format.pattern.pattern if key.format else None
    at_least_one = {"minItems": 1} if key.empty else {}
    schema: dict[str, Any]
    if key.type == "text":
        schema = {"type": "string", "minLength": 1}
    elif key.type in ("format", "ref"):
        schema = {"type": "string", "pattern": pattern}
    elif key.type == "choice" and key.name == "kind" and part.name in KINDS:
        schema = {"const": part.name}
    elif key.type in ("choice", "grade"):
        schema = {"enum": list(key.choices)}
    elif key.type == "names":
        entry = (
            {"enum": list(key.choices)} if key.choices else {"type": "string", "pattern": pattern}
        )
        schema = {"type": "array", **at_least_one, "items": entry}
    elif key.type == "lines":
        schema = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
    elif key.type == "parts":
        schema = {"type": "array", **at_least_one, "items": ref(key.part)}
    elif key.type == "part":
        schema = ref(key.part)
    elif key.type == "id map":
        assert key.ids is not None
        schema = {
            "type": "object",
            **({"minProperties": 1} if key.required else {}),
            "propertyNames": {"type": "string", "pattern": key.ids.pattern.pattern},
            "additionalProperties": ref(key.part),
        }
    elif key.type == "cite":
        schema = {"type": "array", **at_least_one, "items": ref("citeEntry")}
    elif key.type == "next":
        entries = {"type": "array", "minItems": 1, "items": ref(key.part)}
        schema = {"oneOf": [{"type": "string", "pattern": SLUG.pattern}, entries]}
    elif key.type == "set":
        schema = {"type": "object", "additionalProperties": {"type": "string"}}
    else:
        schema = ref("condition")
    description = says(part.name, key.name)
    return {**schema, "description": description} if description else schema


def part_schema(part: Part) -> dict[str, Any]:
    """A part: an object with exactly its keys; `needed_when` keys as `if`/`then`."""
    schema: dict[str, Any] = {"type": "object"}
    if part.name in SAYS:
        schema["description"] = SAYS[part.name]
    schema["required"] = list(part.required)
    schema["properties"] = {key.name: value_schema(part, key) for key in part.keys}
    schema["additionalProperties"] = False
    for key in part.keys:
        if key.needed_when:
            other, value = key.needed_when
            schema["if"] = {"properties": {other: {"const": value}}, "required": [other]}
            schema["then"] = {"required": [key.name]}
    return schema


def schema() -> dict[str, Any]:
    """The whole schema: the flow part at the top, every other part in `$defs`."""
    top = part_schema(PARTS["flow"])
    defs = {def_name(p.name): part_schema(p) for p in PART_LIST if p.name != "flow"}
    defs["node"] = {"oneOf": [ref(kind) for kind in KINDS]}
    defs["citeEntry"] = {
        "description": SAYS["citeEntry"],
        "oneOf": [{"type": "string", "pattern": SLUG.pattern}, ref("cite")],
    }
    defs["condition"] = {"description": SAYS["condition"], "oneOf": FORMS_SCHEMA}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "flows/schema.json",
        "title": "Back Spasm Guide flowchart",
        **top,
        "$defs": defs,
    }


def schema_text() -> str:
    """The file's exact text (what `flows/schema.json` must hold)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
