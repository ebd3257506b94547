"""One flow's plain data -> a completely checked Flow, in named phases, or every problem.

The phases, in order: shape (`engine.shape`: keys, types, references), graph (`engine.checks`),
grades (`engine.grades`), limits (`engine.limits`: too big to prove is reported, not tried), then
the proof (`engine.analysis`: feasibility, key actions, safety rules). The one way in for YAML
files (`engine.pipeline`) and the browser's JSON (`engine.serialize`) alike. Pure: no I/O.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from engine import grades
from engine.analysis import analysis_problems
from engine.checks import GRAPH_CHECKS, check_cycles
from engine.limits import limit_problems
from engine.model import Flow, FlowError, Problem
from engine.shape import build_flow


def check_flow(flow: Flow) -> list[Problem]:
    """Graph checks, then (on an acyclic graph) route feasibility and safety rules."""
    cycles = list(check_cycles(flow))
    problems = cycles + [p for check in GRAPH_CHECKS[1:] for p in check(flow)]  # [0]: cycles
    if grades.REQUIRE_GRADES:
        problems.extend(grades.check_grades(flow))
    if not cycles:
        too_big = limit_problems(flow)  # first: the route analysis is as big as the flow
        problems.extend(too_big or analysis_problems(flow))
    return sorted(problems)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Checking a big flow allocates many small tuples and no cyclic garbage; the cyclic garbage
    collector would rescan them again and again (a third of the time at 10,000 nodes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_and_check(data: object, path: str, earlier: list[Problem] | None = None) -> Flow:
    """Plain data -> a completely checked Flow, or FlowError with every problem (and `earlier`
    ones, e.g. the YAML reader's)."""
    problems = list(earlier or [])
    with paused_gc():
        try:
            flow, shape_problems = build_flow(data, path)
            problems.extend(shape_problems)
            if flow is not None:
                problems.extend(check_flow(flow))
        except RecursionError:
            flow = None
            problems.append(
                Problem(path, 1, "the flow is nested too deeply (conditions in conditions?)")
            )
    if flow is None and not problems:
        problems.append(Problem(path, 1, "the file holds no flow; a flow starts with id, title"))
    if problems or flow is None:
        raise FlowError(problems)
    return flow
