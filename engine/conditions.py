"""Conditions: data, never code. `when` of `next` entries, checklist routes, recommendations,
key actions and safety rules; what they mean is `engine.semantics`.

Each keeps its source line (`line`, never part of equality), as the rest of the model does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class FactIs:
    """`{fact: F, equals: V}` or `{fact: F, in: [V, ...]}`: the fact currently has one of values."""

    fact: str
    values: tuple[str, ...]
    op: Literal["equals", "in"] = "equals"
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class AllOf:
    """`{all: [C, ...]}`: every part holds."""

    parts: tuple[Condition, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class AnyOf:
    """`{any: [C, ...]}`: at least one part holds."""

    parts: tuple[Condition, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    """`{not: C}`: the part does not hold."""

    part: Condition
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Ticked:
    """`{ticked: any|none|ITEM|[ITEM, ...]}`, optionally `{at: CHECKLIST, ...}` in safety rules."""

    mode: Literal["any", "none", "items"]
    items: tuple[str, ...] = ()
    """For mode `items`: holds when any of these items is ticked."""
    at: str | None = None
    """The checklist node (safety rules only); None inside a checklist's own routes."""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Answered:
    """`{at: QUESTION, answer: ANSWER}` (safety rules only)."""

    at: str
    answer: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Visited:
    """`{visited: NODE}` (safety rules only)."""

    node: str
    line: int = field(default=0, compare=False)


Condition = FactIs | AllOf | AnyOf | Not | Ticked | Answered | Visited
