"""What a flow means, step by step: conditions, `next` entries, checklist routes, facts.

The walk, the analysis and the renderer all go through these few functions, so the meaning of a
flow is written down once.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

from engine.model import (
    AllOf,
    Answered,
    AnyOf,
    Condition,
    FactIs,
    FactSetting,
    NextEntry,
    Node,
    Not,
    Recommendation,
    Ticked,
    Visited,
)

Facts = Mapping[str, str]


def holds(condition: Condition, facts: Facts, ticks: frozenset[str] = frozenset()) -> bool:
    """Whether a walk-time condition holds for these facts (and, in a checklist, these ticks).

    Route-level conditions (`at`, `answer`, `visited`) only occur in safety rules, which the
    analysis evaluates; here they never hold.
    """
    match condition:
        case FactIs(fact=fact, values=values):
            return facts.get(fact) in values
        case AllOf(parts=parts):
            return all(holds(p, facts, ticks) for p in parts)
        case AnyOf(parts=parts):
            return any(holds(p, facts, ticks) for p in parts)
        case Not(part=part):
            return not holds(part, facts, ticks)
        case Ticked(at=None) as ticked:
            return ticks_match(ticked, ticks)
        case Ticked() | Answered() | Visited():
            return False


def ticks_match(ticked: Ticked, ticks: frozenset[str]) -> bool:
    """Whether a `ticked` condition holds for a set of ticked item ids."""
    if ticked.mode == "any":
        return bool(ticks)
    if ticked.mode == "none":
        return not ticks
    return any(item in ticks for item in ticked.items)


def apply_set(facts: Facts, setting: FactSetting) -> dict[str, str]:
    """Facts after an answer or route records its `set` (a fact keeps its last value)."""
    updated = dict(facts)
    updated.update(setting)
    return updated


def resolve_next(entries: tuple[NextEntry, ...], facts: Facts) -> str | None:
    """The node a `next` leads to: the first entry whose `when` holds (None: no entry holds)."""
    for entry in entries:
        if entry.when is None or holds(entry.when, facts):
            return entry.to
    return None


def checklist_route(node: Node, ticks: frozenset[str], facts: Facts) -> int | None:
    """Index of the first route of a checklist whose `when` holds (None: none holds)."""
    for index, route in enumerate(node.routes):
        if route.when is None or holds(route.when, facts, ticks):
            return index
    return None


def shown_recommendations(node: Node, facts: Facts) -> tuple[Recommendation, ...]:
    """The recommendations of an outcome whose `when` holds for these facts."""
    return tuple(r for r in node.recommendations if r.when is None or holds(r.when, facts))


def condition_items(condition: Condition | None) -> list[str]:
    """Item ids a checklist-route condition names (in order, once each)."""
    found: list[str] = []

    def visit(c: Condition) -> None:
        match c:
            case AllOf(parts=parts) | AnyOf(parts=parts):
                for p in parts:
                    visit(p)
            case Not(part=part):
                visit(part)
            case Ticked(mode="items", items=items):
                found.extend(i for i in items if i not in found)
            case _:
                pass

    if condition is not None:
        visit(condition)
    return found


MAX_NAMED_ITEMS = 16
"""A checklist's routes may name at most this many distinct items: its routes are analysed
exactly by trying every combination of the named items (2**16 at most)."""


def tick_candidates(node: Node, extra_items: tuple[str, ...] = ()) -> list[frozenset[str]]:
    """Every tick set that can make a difference to this checklist's routes, smallest first.

    Items that no condition names are interchangeable (they only count towards `any`/`none`),
    so one of them stands for all: the tick sets below cover every case exactly.
    """
    named = set(extra_items)
    for route in node.routes:
        named.update(condition_items(route.when))
    pool = [item.id for item in node.items if item.id in named]
    unnamed = [item.id for item in node.items if item.id not in named]
    if unnamed:
        pool.append(unnamed[0])
    pool = pool[: MAX_NAMED_ITEMS + 1]
    candidates: list[frozenset[str]] = []
    for size in range(len(pool) + 1):
        candidates.extend(frozenset(combo) for combo in combinations(pool, size))
    return candidates


def checklist_branches(node: Node, facts: Facts) -> list[tuple[int, frozenset[str]]]:
    """Each route of a checklist that some tick set takes, with the smallest such tick set.

    Routes are tried in order and the first that holds wins, so a route can be unreachable
    because earlier routes catch every tick set it would match; such routes are left out.
    """
    witnesses: dict[int, frozenset[str]] = {}
    for ticks in tick_candidates(node):
        index = checklist_route(node, ticks, facts)
        if index is not None and index not in witnesses:
            witnesses[index] = ticks
            if len(witnesses) == len(node.routes):
                break
    return sorted(witnesses.items())
