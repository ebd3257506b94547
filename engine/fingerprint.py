"""Fingerprints of what a reader sees: one per route of a flow, one per reading page.

A clinical sign-off must be tied to exact content: if anything a reader sees on a route changes,
the route's fingerprint changes and its approval no longer counts. What a reader sees on a route
is gathered from the model generically, so fields added to the model later (citation grades,
outcome actions, ...) are covered without touching this module:

- the flow's title and summary;
- the choice made at each step (the route's key), and every step passed, as its dataclass dump
  (title, text, help, citations, links, every answer or item offered);
- the outcome, with only the recommendations shown on this route, and the facts recorded;
- every fact and source named on the route (labels, citations, addresses, kinds, grades, ...).

A dump leaves out only what no reader sees: source lines, routing (`next`, `when`, checklist
`routes`, `set`) and safety tags. The fingerprint is the first 16 hex digits of the SHA-256 of
the canonical JSON of these parts (sorted keys, no whitespace). Each part has its own
fingerprint too, so a changed route can say which part changed (`part_hashes`).

Pure: no I/O. A page's fingerprint is over its source text (line endings normalised).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from engine.model import ChecklistNode, Choice, Flow, Node, OutcomeNode
from engine.states import Route, enumerate_routes

HIDDEN_FIELDS = frozenset({"line", "next", "when", "set", "routes", "tags", "outcome_tags"})
"""Model fields no reader sees (routing, safety tags, source lines): never fingerprinted."""

DIGITS = 16
"""Hex digits kept of each SHA-256: 64 bits, short enough to read aloud, far from colliding."""


NODE_PARTS: dict[str, Any] = {
    "id": None,
    "kind": None,
    "title": None,
    "text": None,
    "help": None,
    "cite": [],
    "links": [],
    "answers": [],
    "items": [],
    "urgency": None,
    "recommendations": [],
    "follow_up": None,
    "none": None,
    "actions": [],
    "patient": None,
}
"""A node's dump, in this order and with every key, whatever its kind: the form it had when
one class held every kind's parts (empty where not its own). Kept so the fingerprints in signed
review records stay valid (sources are fingerprinted in the order their citations are met)."""


def dump(value: Any) -> Any:
    """A model value as plain JSON data: every field a reader may see, recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        dumped = {
            f.name: dump(getattr(value, f.name))
            for f in fields(value)
            if f.compare and f.name not in HIDDEN_FIELDS and not f.name.startswith("_")
        }
        if isinstance(value, Node):
            return {**NODE_PARTS, **dumped, "kind": value.kind}
        return dumped
    if isinstance(value, frozenset):
        return sorted(dump(v) for v in value)
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical(data: Any) -> str:
    """The one serialization that is hashed: JSON with sorted keys and no spaces."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()[:DIGITS]


def page_fingerprint(text: str) -> str:
    """A reading page's fingerprint: over its whole source, line endings normalised."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:DIGITS]


def choice_word(node: Node, choice: Choice) -> str:
    """A choice as one word: answer id, ticked items joined by `+` (or `none`), `continue`."""
    if isinstance(node, ChecklistNode) and isinstance(choice, frozenset):
        return "+".join(sorted(choice)) or "none"
    if isinstance(choice, str):
        return choice
    return "continue"


def route_key(flow: Flow, route: Route) -> str:
    """A route named by its answers: `node=choice` per step, e.g. `red-flags=none age=adult`."""
    return " ".join(f"{s.node}={choice_word(flow.node(s.node), s.choice)}" for s in route.steps)


def cited_sources(data: Any) -> Iterator[str]:
    """Source ids cited anywhere in dumped data: `cite` entries (ids, or mappings with `source`)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "cite" and isinstance(value, list):
                for entry in value:
                    if isinstance(entry, str):
                        yield entry
                    elif isinstance(entry, dict) and isinstance(entry.get("source"), str):
                        yield entry["source"]
            else:
                yield from cited_sources(value)
    elif isinstance(data, list):
        for item in data:
            yield from cited_sources(item)


def route_parts(flow: Flow, route: Route) -> dict[str, Any]:
    """Everything a reader sees on a route, as named parts in the order they are seen.

    Part names: `flow`, `step:<node>`, `outcome:<node>`, `recommendation:<id>`, `fact:<id>`,
    `source:<id>`. A part is the same on every route it is seen on (so a review can keep one
    fingerprint per part); what differs per route (the choices, the facts) is `route_specific`.
    """
    parts: dict[str, Any] = {"flow": {"title": flow.title, "summary": flow.summary}}
    for step in route.steps:
        node = flow.node(step.node)
        parts[f"step:{node.id}"] = dump(node)
    outcome = flow.node(route.outcome)
    assert isinstance(outcome, OutcomeNode)
    shown = [r for r in outcome.recommendations if r.id in route.recommendations]
    parts[f"outcome:{outcome.id}"] = dump(replace(outcome, recommendations=()))
    for rec in shown:
        parts[f"recommendation:{rec.id}"] = dump(rec)
    for fact_id, _ in route.facts:
        fact = flow.fact(fact_id)
        if fact is not None:
            parts[f"fact:{fact_id}"] = dump(fact)
    for source_id in dict.fromkeys(cited_sources(list(parts.values()))):
        source = flow.source(source_id)
        if source is not None:
            parts[f"source:{source_id}"] = dump(source)
    return parts


@dataclass(frozen=True)
class RoutePrint:
    """One route with its key, outcome and fingerprints."""

    key: str
    outcome: str
    fingerprint: str
    part_hashes: dict[str, str]
    """Fingerprint of each part seen on the route (see `route_parts`)."""
    route: Route


def route_specific(flow: Flow, route: Route) -> dict[str, Any]:
    """What only this route shows: the choice made at each step and the facts recorded."""
    return {"key": route_key(flow, route), "facts": [list(pair) for pair in route.facts]}


def route_print(flow: Flow, route: Route) -> RoutePrint:
    parts = route_parts(flow, route)
    return RoutePrint(
        key=route_key(flow, route),
        outcome=route.outcome,
        fingerprint=digest([route_specific(flow, route), list(parts.items())]),
        part_hashes={name: digest(part) for name, part in parts.items()},
        route=route,
    )


@dataclass
class PrintsMemo:
    """`flow_prints` of one flow, kept with it (`Flow.memo`)."""

    prints: list[RoutePrint] | None = None


def flow_prints(flow: Flow) -> list[RoutePrint]:
    """Every route of a flow with its fingerprint, in the order of the review table."""
    memo = flow.memo(PrintsMemo)
    if memo.prints is None:
        # enumerate_routes, not iter_routes: whatever limit the engine puts on listing routes
        # applies here too.
        memo.prints = [route_print(flow, route) for route in enumerate_routes(flow)]
    return memo.prints
