"""Conditions: `{fact, equals}`, `{all}`, `{ticked}`, ... read into `engine.model` conditions.

Which forms are allowed depends on where the condition is (`Place`); the nodes, items, answers
and facts a condition names are references (engine.shape.references).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from engine.model import AllOf, Answered, AnyOf, Condition, FactIs, Not, Ticked, Visited
from engine.shape.lines import line_of, start_line
from engine.shape.parts import SLUG
from engine.shape.references import References
from engine.shape.words import hint_for, type_name

Place = Literal["walk", "content", "checklist", "safety"]
"""Where a condition appears: `next` entries (`walk`), recommendations and key actions
(`content`: may also test what was ticked at a checklist, `{at, ticked}`), checklist routes
(`checklist`: may test ticks) or safety rules (`safety`: may test the whole route)."""

CONDITION_FORMS: dict[Place, str] = {
    "walk": "{fact, equals}, {fact, in}, {all}, {any} or {not}",
    "content": "{at, ticked}, {fact, equals}, {fact, in}, {all}, {any} or {not}",
    "checklist": "{ticked}, {fact, equals}, {fact, in}, {all}, {any} or {not}",
    "safety": (
        "{at, ticked}, {at, answer}, {visited}, {fact, equals}, {fact, in}, {all}, {any} or {not}"
    ),
}


def _form(required: tuple[str, ...], **properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


_ID = {"type": "string", "pattern": SLUG.pattern}
_TEXT = {"type": "string"}
_CONDITIONS = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
FORMS_SCHEMA = [
    _form(("fact", "equals"), fact=_TEXT, equals=_TEXT),
    _form(("fact", "in"), fact=_TEXT, **{"in": {"type": "array", "minItems": 1, "items": _TEXT}}),
    _form(("all",), all=_CONDITIONS),
    _form(("any",), any=_CONDITIONS),
    _form(("not",), **{"not": {"$ref": "#/$defs/condition"}}),
    _form(
        ("ticked",),
        at=_ID,
        ticked={
            "oneOf": [
                {"enum": ["any", "none"]},
                _ID,
                {"type": "array", "minItems": 1, "items": _ID},
            ]
        },
    ),
    _form(("at", "answer"), at=_ID, answer=_ID),
    _form(("visited",), visited=_ID),
]
"""Every form, for flows/schema.json (which forms a place allows is `CONDITION_FORMS`)."""


Seen = dict[tuple[int, str, str | None], tuple[object, Condition | None]]


class Say(Protocol):
    """`Reader.report` or `References.hold`."""

    def __call__(self, line: int, message: str, *, rule: str) -> None: ...


class Conditions(References):
    """Reads conditions, each distinct mapping once."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.conditions_seen: Seen = {}
        """Conditions already read, by the id of their data: a YAML alias shares one mapping
        in many places, and each is checked once (not once per path through the aliases)."""

    def condition(
        self,
        value: object,
        line: int,
        where: str,
        place: Place = "walk",
        checklist: str | None = None,
    ) -> Condition | None:
        """Read a condition once per distinct mapping (see `conditions_seen`)."""
        if not isinstance(value, dict):
            return self.read_condition(value, line, where, place, checklist)
        key = (id(value), place, checklist)
        seen = self.conditions_seen.get(key)
        if seen is not None and seen[0] is value:
            return seen[1]
        result = self.read_condition(value, line, where, place, checklist)
        self.conditions_seen[key] = (value, result)  # keeps `value` alive: its id stays its own
        return result

    def read_condition(
        self, value: object, line: int, where: str, place: Place, checklist: str | None
    ) -> Condition | None:
        """Read a condition; only the forms allowed in `place` are accepted."""
        forms = CONDITION_FORMS[place]
        if not isinstance(value, dict):
            self.wrong_type(line, f"{where}: a condition must be a mapping such as {forms}", value)
            return None
        line = start_line(value, line)
        keys = set(value)

        def sub(key: str) -> int:
            return line_of(value, key, line)

        if keys in ({"fact", "equals"}, {"fact", "in"}):
            return self.fact_condition(value, line, where)
        if keys in ({"all"}, {"any"}):
            (key,) = keys
            raw = value[key]
            if not isinstance(raw, list) or not raw:
                self.report(
                    sub(key),
                    f'{where}: "{key}" must be a non-empty list of conditions',
                    rule="malformed-condition",
                )
                return None
            parts = [
                self.condition(p, line_of(raw, i, sub(key)), where, place, checklist)
                for i, p in enumerate(raw)
            ]
            if any(p is None for p in parts):
                return None
            clean = tuple(p for p in parts if p is not None)
            return AllOf(clean, line) if key == "all" else AnyOf(clean, line)
        if keys == {"not"}:
            part = self.condition(value["not"], sub("not"), where, place, checklist)
            return Not(part, line) if part is not None else None
        if keys == {"ticked"} and place == "checklist":
            return self.ticked(value, None, checklist, line, where)
        if keys == {"at", "ticked"} and place in ("safety", "content"):
            return self.ticked_at(value, line, where)
        if keys == {"at", "answer"} and place == "safety":
            at, answer = value["at"], value["answer"]
            if self.condition_node(at, sub("at"), where, "at", "question"):
                self.answered(at, answer, sub("answer"), where)
            return Answered(at, answer, line)
        if keys == {"visited"} and place == "safety":
            node = value["visited"]
            self.condition_node(node, sub("visited"), where, "visited", None)
            return Visited(node, line)
        self.misplaced(keys, line, where, place)
        return None

    def misplaced(self, keys: set[str], line: int, where: str, place: Place) -> None:
        """A condition of a form not allowed here, or of no form at all."""
        forms = CONDITION_FORMS[place]
        if keys == {"ticked"} and place != "checklist":
            hint = (
                "; say which checklist: {at: node-id, ticked: ...}"
                if place in ("safety", "content")
                else "; only a checklist's routes can test ticked items"
            )
            message = f'{where}: a "ticked" condition is not allowed here{hint}'
        elif keys & {"at", "answer", "visited"} and place != "safety":
            if keys & {"at"} and place == "content":
                message = (
                    f"{where}: a recommendation or key action can test what was ticked at a "
                    "checklist ({at, ticked}), not answers or visits; here a condition is one "
                    "of " + forms
                )
            else:
                message = (
                    f"{where}: conditions on the route taken ({{at}}, {{visited}}) are only "
                    "allowed in safety rules; here a condition is one of " + forms
                )
        else:
            shown = ", ".join(sorted(str(k) for k in keys)) or "no keys"
            self.report(
                line,
                f"{where}: malformed condition with {shown}; a condition is one of {forms}",
                rule="malformed-condition",
            )
            return
        self.report(line, message, rule="condition-not-allowed")

    def fact_condition(self, value: dict[str, Any], line: int, where: str) -> Condition | None:
        fact = value["fact"]
        fact_at = line_of(value, "fact", line)
        op: Literal["equals", "in"] = "equals" if "equals" in value else "in"
        raw = value[op]
        op_at = line_of(value, op, line)
        if op == "equals":
            values: list[tuple[object, int]] = [(raw, op_at)]
        else:
            if not isinstance(raw, list) or not raw:
                self.report(
                    op_at,
                    f'{where}: "in" must be a non-empty list of values',
                    rule="malformed-condition",
                )
                return None
            values = [(v, line_of(raw, i, op_at)) for i, v in enumerate(raw)]
        if not isinstance(fact, str):
            self.wrong_type(fact_at, f'{where}: "fact" must be a fact name', fact)
            return None
        self.fact_values(fact, values, fact_at, where)
        return FactIs(fact, tuple(str(v) for v, _ in values), op, line)

    def ticked_at(self, value: dict[str, Any], line: int, where: str) -> Condition | None:
        """`{at: CHECKLIST, ticked: ...}`: the checklist is a reference, so is what it ticks."""
        at = value["at"]
        if self.condition_node(at, line_of(value, "at", line), where, "at", "checklist"):
            self.ticked(value, at, at, line, where, self.hold)
        ticks = value["ticked"]
        if ticks in ("any", "none"):
            return Ticked(ticks, (), at, line)
        names = [ticks] if isinstance(ticks, str) else ticks
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            return Ticked("items", tuple(names), at, line)
        return None  # reported above (held), once `at` is known to be a checklist

    def ticked(
        self,
        value: dict[str, Any],
        at: str | None,
        checklist: str | None,
        line: int,
        where: str,
        say: Say | None = None,
    ) -> Ticked | None:
        """`{ticked: any | none | ITEM | [ITEM, ...]}`; the items are checked as references.

        `say` reports its malformed values: `hold` after `{at, ticked}`'s reference (the form of
        `ticked` is checked once `at` is known to be a checklist), else `report`."""
        raw = value["ticked"]
        raw_at = line_of(value, "ticked", line)
        if raw in ("any", "none"):
            return Ticked(raw, (), at, line)
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            (say or self.report)(
                raw_at,
                f'{where}: "ticked" must be any, none, an item id or a list of item ids, '
                f"not {type_name(raw)}{hint_for(raw)}",
                rule="malformed-condition",
            )
            return None
        lines = [line_of(raw, index, raw_at) for index in range(len(names))]
        self.ticked_items(checklist, names, lines, where)
        return Ticked("items", tuple(names), at, line)
