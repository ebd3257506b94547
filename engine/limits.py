"""Limits on how big a flow may grow: routes, states and static pages, counted without listing.

Each question with two answers can double the routes and the static step pages (one page per
reachable state), so a modest-looking flow of 22 questions stands for millions of pages. The
counts come from dynamic programming over the graph of (node, facts) states, which is explored
only up to `states`: the work is bounded whatever the flow. A limit is raised for one run with an
environment variable (read by the command line and the build, never by the engine in the
browser): FLOW_MAX_ROUTES, FLOW_MAX_STATES, FLOW_MAX_PAGES (docs/authoring.md, "Limits").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.model import Flow, OutcomeNode, Problem
from engine.states import StateKey, post_order, reachable_state_keys, start_state, successors

ENVIRONMENT = {"routes": "FLOW_MAX_ROUTES", "states": "FLOW_MAX_STATES", "pages": "FLOW_MAX_PAGES"}


@dataclass(frozen=True)
class Limits:
    """Largest counts a flow may have (today's largest flow has 235 pages and 150 routes)."""

    routes: int = 3_000
    """Routes from the start to an outcome: rows of the route review table."""
    states: int = 20_000
    """Distinct (node, facts) states: the work of the safety proof."""
    pages: int = 3_000
    """Static step pages the build writes (one per reachable state; about 30 KB each)."""


current = Limits()
"""The limits in force; the command line and the build replace it from the environment."""


def from_environment(environ: Mapping[str, str]) -> tuple[Limits, list[str]]:
    """Limits with FLOW_MAX_* values applied, and a message for each value that is not a number."""
    values = {"routes": Limits.routes, "states": Limits.states, "pages": Limits.pages}
    errors = []
    for field, name in ENVIRONMENT.items():
        raw = environ.get(name)
        if raw is None:
            continue
        if raw.strip().isdigit() and int(raw) > 0:
            values[field] = int(raw)
        else:
            errors.append(f"{name}={raw!r} must be a whole number above 0")
    return Limits(**values), errors


@dataclass(frozen=True)
class Counts:
    """How big a flow is; `states` stops counting just above the limit."""

    states: int
    routes: int | None
    """None when the states alone are over their limit (the others were not counted)."""
    pages: int | None


def count(flow: Flow, state_limit: int | None = None) -> Counts:
    """Routes and static pages by dynamic programming over the state graph (acyclic flows only).

    routes(s) = 1 at an outcome, else the sum over the states after s; pages(s) = 1 + the sum:
    every path to a state is a page of its own (a page's URL is the answers that lead to it).
    """
    seen = reachable_state_keys(flow, state_limit)
    if state_limit is not None and len(seen) > state_limit:
        return Counts(len(seen), None, None)
    routes: dict[StateKey, int] = {}
    pages: dict[StateKey, int] = {}
    start = start_state(flow)
    for state in post_order(flow, start):
        following = [after for _, after in successors(flow, state)]
        outcome = isinstance(flow.node(state[0]), OutcomeNode)
        routes[state] = 1 if outcome else sum(routes[a] for a in following)
        pages[state] = 1 + sum(pages[a] for a in following)
    return Counts(len(seen), routes[start], pages[start])


def limit_problems(flow: Flow, limits: Limits | None = None) -> list[Problem]:
    """A problem naming each count over its limit and how to raise it (acyclic flows only)."""
    limits = limits or current
    counts = count(flow, limits.states)
    over = []
    if counts.routes is None:
        over.append(("states", f"more than {limits.states:,} distinct states", limits.states))
    else:
        if counts.routes > limits.routes:
            over.append(("routes", f"{counts.routes:,} routes", limits.routes))
        if counts.pages is not None and counts.pages > limits.pages:
            over.append(("pages", f"{counts.pages:,} static step pages", limits.pages))
    return [
        Problem(
            flow.path,
            1,
            f'flow "{flow.id}" has {what} (limit {limit:,}): each question can double them; '
            "join branches that lead to the same step, split the flow, or raise the limit with "
            f"{ENVIRONMENT[field]}=N (docs/authoring.md, Limits)",
        )
        for field, what, limit in over
    ]
