"""What a flow means, step by step: conditions, `next` entries, checklist routes, facts.

The walk, the analysis and the renderer all go through these few functions, so the meaning of a
flow is written down once: `holds` reads a condition at walk time (true or false), `kleene`
reads it when only part is known (true, false or unknown: the checklist search and the proof),
and `checklist_branches` finds the routes of a checklist some tick set takes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from engine.model import (
    NONE_CHOICE,
    Action,
    AllOf,
    Answered,
    AnyOf,
    ChecklistNode,
    Condition,
    FactIs,
    FactSetting,
    Flow,
    NextEntry,
    Not,
    OutcomeNode,
    Recommendation,
    Ticked,
    Visited,
)

Facts = Mapping[str, str]

TICK_FACT = "@"
"""Facts whose name starts so are not the author's: they record, after a checklist, whether a
`{at, ticked}` condition of a recommendation or key action holds (see `tick_facts`). Author
fact names cannot start so (they are lower-case words), and pages never show them."""


def tick_fact(ticked: Ticked) -> str:
    """The recorded-fact name of an `{at: C, ticked: ...}` condition."""
    return f"{TICK_FACT}{ticked.at}:{ticked.mode}:{','.join(ticked.items)}"


def real_ticks(ticks: frozenset[str]) -> frozenset[str]:
    """The items ticked, without the "None of these" marker."""
    return ticks - {NONE_CHOICE}


@dataclass
class ContentAtomsMemo:
    """`content_atoms` of one flow, kept with it (`Flow.memo`)."""

    atoms: dict[str, tuple[Ticked, ...]] | None = None


def content_atoms(flow: Flow) -> dict[str, tuple[Ticked, ...]]:
    """Per checklist, the `{at, ticked}` conditions recommendations and key actions test.

    After each checklist the walk records whether each holds (`tick_facts`), so content shown
    at an outcome can depend on ticks while states stay (node, facts): the analysis stays exact.
    """
    memo = flow.memo(ContentAtomsMemo)
    if memo.atoms is not None:
        return memo.atoms
    found: dict[str, dict[Ticked, None]] = {}
    for node in flow.nodes:
        if not isinstance(node, OutcomeNode):
            continue
        parts: list[Recommendation | Action] = [*node.recommendations, *node.actions]
        for part in parts:
            if part.when is None:
                continue
            for leaf in leaves(part.when):
                if isinstance(leaf, Ticked) and leaf.at is not None:
                    found.setdefault(leaf.at, {})[leaf] = None
    memo.atoms = {at: tuple(atoms) for at, atoms in found.items()}
    return memo.atoms


def tick_facts(flow: Flow, node: ChecklistNode, ticks: frozenset[str]) -> FactSetting:
    """What a checklist's ticks record for the content conditions that look at it."""
    real = real_ticks(ticks)
    return tuple(
        (tick_fact(atom), "yes" if ticks_match(atom, real) else "no")
        for atom in content_atoms(flow).get(node.id, ())
    )


def shown_facts(facts: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The author's facts only (recorded tick facts left out): what pages and tables show."""
    return tuple((k, v) for k, v in facts if not k.startswith(TICK_FACT))


def holds(condition: Condition, facts: Facts, ticks: frozenset[str] = frozenset()) -> bool:
    """Whether a walk-time condition holds for these facts (and, in a checklist, these ticks).

    `{at, ticked}` in content reads the fact the checklist recorded (`tick_facts`). The other
    route-level conditions (`answer`, `visited`) only occur in safety rules, which the analysis
    evaluates; here they never hold.
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
            return ticks_match(ticked, real_ticks(ticks))
        case Ticked() as ticked:
            return facts.get(tick_fact(ticked)) == "yes"
        case Answered() | Visited():
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


def checklist_route(node: ChecklistNode, ticks: frozenset[str], facts: Facts) -> int | None:
    """Index of the first route of a checklist whose `when` holds (None: none holds)."""
    for index, route in enumerate(node.routes):
        if route.when is None or holds(route.when, facts, ticks):
            return index
    return None


def shown_recommendations(node: OutcomeNode, facts: Facts) -> tuple[Recommendation, ...]:
    """The recommendations of an outcome whose `when` holds for these facts."""
    return tuple(r for r in node.recommendations if r.when is None or holds(r.when, facts))


def shown_actions(node: OutcomeNode, facts: Facts) -> tuple[Action, ...]:
    """The key actions of an outcome whose `when` holds for these facts."""
    return tuple(a for a in node.actions if a.when is None or holds(a.when, facts))


def leaves(condition: Condition) -> Iterator[Condition]:
    """The atomic conditions inside all / any / not, in the order they are written.

    An explicit stack, not nested generators: hostile input can nest thousands deep, and in
    Pyodide deep generator chains overflow the JavaScript stack before Python can object.
    """
    stack: list[Condition] = [condition]
    while stack:
        match stack.pop():
            case AllOf(parts=parts) | AnyOf(parts=parts):
                stack.extend(reversed(parts))
            case Not(part=part):
                stack.append(part)
            case leaf:
                yield leaf


def condition_items(condition: Condition | None) -> list[str]:
    """Item ids a checklist-route condition names (in order, once each)."""
    if condition is None:
        return []
    named = (
        item
        for leaf in leaves(condition)
        if isinstance(leaf, Ticked) and leaf.mode == "items"
        for item in leaf.items
    )
    return list(dict.fromkeys(named))


FALSE, TRUE, UNKNOWN = 0, 1, 2
"""Kleene truth values, for conditions over a partly known route or set of ticks."""

Leaf = Ticked | Answered | Visited
"""The leaves that are not facts: what was ticked, answered or passed on the route."""


def kleene_all(results: list[int]) -> int:
    """All of: FALSE if one is FALSE, TRUE if every one is TRUE, else UNKNOWN."""
    if FALSE in results:
        return FALSE
    return TRUE if all(r == TRUE for r in results) else UNKNOWN


def kleene_any(results: list[int]) -> int:
    """Any of: TRUE if one is TRUE, FALSE if every one is FALSE, else UNKNOWN."""
    if TRUE in results:
        return TRUE
    return FALSE if all(r == FALSE for r in results) else UNKNOWN


def kleene_not(value: int) -> int:
    return TRUE if value == FALSE else FALSE if value == TRUE else UNKNOWN


def kleene(condition: Condition, facts: Facts, leaf: Callable[[Leaf], int]) -> int:
    """The one three-valued reading of a condition (Kleene's strong logic), for the checklist
    search (ticks partly decided) and the safety proof (route facts partly known) alike.

    Facts are known; `leaf` gives the truth of each tick, answer or visit leaf as far as the
    caller knows it, and UNKNOWN where it cannot tell (never FALSE for "cannot tell": `not`
    would turn that guess into a certainty).
    """
    match condition:
        case FactIs(fact=fact, values=values):
            return TRUE if facts.get(fact) in values else FALSE
        case AllOf(parts=parts):
            return kleene_all([kleene(p, facts, leaf) for p in parts])
        case AnyOf(parts=parts):
            return kleene_any([kleene(p, facts, leaf) for p in parts])
        case Not(part=part):
            return kleene_not(kleene(part, facts, leaf))
        case Ticked() | Answered() | Visited():
            return leaf(condition)


def partial_truth(
    condition: Condition, facts: Facts, decided: dict[str, bool], pool: tuple[str, ...]
) -> int:
    """Truth of a checklist condition when only some items are decided (ticked or not).

    TRUE means true for every way of deciding the rest; FALSE, false for every way.
    `pool` is every item that can matter (see `tick_pool`). Answers and visits are not a
    checklist's to decide: UNKNOWN (they never occur in a checklist's routes).
    """

    def ticked(leaf: Leaf) -> int:
        if not isinstance(leaf, Ticked):
            return UNKNOWN
        watched = pool if leaf.mode in ("any", "none") else leaf.items
        if any(decided.get(i) for i in watched):
            some = TRUE
        elif all(decided.get(i) is False for i in watched):
            some = FALSE
        else:
            some = UNKNOWN
        return kleene_not(some) if leaf.mode == "none" else some

    return kleene(condition, facts, ticked)


def tick_pool(node: ChecklistNode, extra_items: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The items that can make a difference to a checklist's routes, in checklist order.

    Items that no condition names are interchangeable (they only count towards `any`/`none`),
    so the first of them stands for all: searching over the pool is exact.
    """
    whens = tuple(route.when for route in node.routes)
    return _pool(whens, tuple(item.id for item in node.items), extra_items)


def _pool(
    whens: tuple[Condition | None, ...], items: tuple[str, ...], extra_items: tuple[str, ...]
) -> tuple[str, ...]:
    named = set(extra_items)
    for when in whens:
        named.update(condition_items(when))
    pool = [item for item in items if item in named]
    unnamed = [item for item in items if item not in named]
    return tuple(pool + unnamed[:1])


def satisfying_ticks(goal: Condition, facts: Facts, pool: tuple[str, ...]) -> frozenset[str] | None:
    """The smallest tick set making `goal` true, earliest items first (None: there is none).

    A depth-first search over the pool that cuts a branch as soon as the goal is decided
    whatever the rest, first with no limit (is there any?), then with at most 0, 1, 2, ... ticks
    so the witness shown to readers is the simplest: fast for the ORs of items checklists use.
    """
    decided: dict[str, bool] = {}

    def search(index: int, budget: int) -> bool:
        truth = partial_truth(goal, facts, decided, pool)
        if truth != UNKNOWN:
            return truth == TRUE
        if index == len(pool):
            return False
        for value in (True, False) if budget > 0 else (False,):
            decided[pool[index]] = value
            if search(index + 1, budget - value):
                return True
        del decided[pool[index]]
        return False

    if not search(0, len(pool)):
        return None
    most = sum(decided.values())
    for budget in range(most + 1):
        decided.clear()
        if search(0, budget):
            break
    return frozenset(item for item, ticked in decided.items() if ticked)


def condition_facts(condition: Condition) -> frozenset[str]:
    """The facts a condition tests."""
    match condition:
        case FactIs(fact=fact):
            return frozenset((fact,))
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return frozenset().union(*(condition_facts(p) for p in parts))
        case Not(part=part):
            return condition_facts(part)
        case _:
            return frozenset()


def solve(goal: Condition, facts: Facts, pool: tuple[str, ...]) -> frozenset[str] | None:
    """`satisfying_ticks`, remembered: checklists repeat the same questions for every state
    that passes them (facts the goal does not test do not matter), and often across nodes."""
    tested = condition_facts(goal)
    relevant = tuple(sorted((k, v) for k, v in facts.items() if k in tested))
    return _solve(goal, relevant, pool)


@lru_cache(maxsize=4096)
def _solve(
    goal: Condition, facts: tuple[tuple[str, str], ...], pool: tuple[str, ...]
) -> frozenset[str] | None:
    return satisfying_ticks(goal, dict(facts), pool)


def first_match(node: ChecklistNode, index: int) -> Condition:
    """The condition "route `index` is the first route of this checklist that holds"."""
    return _first_match(tuple(route.when for route in node.routes), index)


def _first_match(whens: tuple[Condition | None, ...], index: int) -> Condition:
    earlier = tuple(Not(when) for when in whens[:index] if when is not None)
    own = whens[index]
    return AllOf((*earlier, own) if own is not None else earlier)


def checklist_branches(
    node: ChecklistNode, facts: Facts, atoms: tuple[Ticked, ...] = ()
) -> list[tuple[int, frozenset[str]]]:
    """Each route of a checklist that some tick set takes, with a small such tick set.

    Routes are tried in order and the first that holds wins, so a route can be unreachable
    because earlier routes catch every tick set it would match; such routes are left out.
    With `atoms` (the content conditions looking at this checklist, `content_atoms`), a route is
    listed once per combination of their truth values some tick set gives it, so every
    combination of ticked groups gets its own branch. On a checklist with "None of these", the
    empty witness is the "None of these" answer.
    """
    whens = tuple(route.when for route in node.routes)
    tested = frozenset().union(*(condition_facts(w) for w in whens if w is not None))
    relevant = tuple(sorted((k, v) for k, v in facts.items() if k in tested))
    found = _branches(whens, tuple(item.id for item in node.items), relevant, atoms)
    if node.none is None:
        return found
    return [(index, ticks or frozenset((NONE_CHOICE,))) for index, ticks in found]


@lru_cache(maxsize=4096)
def _branches(
    whens: tuple[Condition | None, ...],
    items: tuple[str, ...],
    facts: tuple[tuple[str, str], ...],
    atoms: tuple[Ticked, ...] = (),
) -> list[tuple[int, frozenset[str]]]:
    """Remembered: identical checklists (same items and routes) get the same answer."""
    local = tuple(Ticked(a.mode, a.items) for a in atoms)
    pool = _pool(whens, items, tuple(i for a in local for i in a.items))
    branches = []
    for index in range(len(whens)):
        route = _first_match(whens, index)
        for mask in range(1 << len(local)):
            parts = tuple(atom if mask >> bit & 1 else Not(atom) for bit, atom in enumerate(local))
            witness = solve(AllOf((route, *parts)) if parts else route, dict(facts), pool)
            if witness is not None:
                branches.append((index, witness))
    return branches
