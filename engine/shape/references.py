"""The tables of ids a flow declares, and the checks of every reference against them.

The builder runs three phases in this order (engine.shape.build):

1. collect ids: the node ids and kinds and the source ids, straight from the data, so a part
   may name one written after it;
2. check parts: every part against the table of parts; this fills the rest of the tables (facts
   and their values, well-formed sources, each question's answers and checklist's items) and
   records every reference it meets (`later`), without checking it yet;
3. check references: each recorded reference, in the order met, against the full tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.grades import grade_problem, rec_problem
from engine.model import Source
from engine.shape.context import Reader
from engine.shape.words import hint_for, suggest, type_name


@dataclass
class Tables:
    """What the flow declares, by id (dicts keep the order, for hints)."""

    node_ids: dict[str, None] = field(default_factory=dict)
    kind_of: dict[str, str] = field(default_factory=dict)
    source_ids: dict[str, None] = field(default_factory=dict)
    """Phase 1: every key of `nodes` and `sources`, well-formed or not."""
    sources: dict[str, Source] = field(default_factory=dict)
    """Phase 2: each well-formed source (its grading scheme checks the grades of its citations)."""
    facts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    answers_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    items_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recommendation_ids: dict[str, int] = field(default_factory=dict)
    """Unique across the flow: pages link to each recommendation by its id."""


class References(Reader):
    """Records references while parts are read; `check_references` checks them all."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.ids = Tables()
        self.later: list[Callable[[], object]] = []

    def check_references(self) -> None:
        """Phase 3: every reference recorded, in the order the parts named them."""
        for check in self.later:
            check()

    # --- what is recorded ------------------------------------------------------------------

    def target(self, to: str, line: int, where: str, message: str = "{where} points to") -> None:
        """`next`, `to` or `start` names a node."""
        self.later.append(lambda: self.known_node(to, line, f"{message.format(where=where)}"))

    def fact_values(
        self, fact: str, values: list[tuple[object, int]], fact_line: int, where: str
    ) -> None:
        """A fact and values of it (`set`, `{fact, equals}`, `{fact, in}`): the first wrong one
        is reported."""
        self.later.append(
            lambda: all(self.fact_value(fact, v, fact_line, at, where) for v, at in values)
        )

    def cited(
        self, source_id: str, rec: str | None, grade: str | None, line: int, where: str
    ) -> None:
        """A citation names a source; its `rec` and `grade` fit the source's scheme."""
        self.later.append(lambda: self.citation(source_id, rec, grade, line, where))

    # --- the checks ------------------------------------------------------------------------

    def known_node(self, to: str, line: int, says: str) -> None:
        if self.ids.node_ids and to not in self.ids.node_ids:
            self.report(
                line,
                f'{says} unknown node "{to}"' + suggest(to, self.ids.node_ids, "nodes"),
                rule="unknown-node",
            )

    def fact_value(self, fact: str, value: object, key_at: int, value_at: int, where: str) -> bool:
        facts = self.ids.facts
        if fact not in facts:
            self.report(
                key_at,
                f'{where} uses unknown fact "{fact}"' + suggest(fact, list(facts), "facts"),
                rule="unknown-fact",
            )
            return False
        if not isinstance(value, str):
            self.report(
                value_at,
                f'{where}: the value of fact "{fact}" must be text, not {type_name(value)}'
                + hint_for(value),
                rule="bad-type",
            )
            return False
        if value not in facts[fact]:
            self.report(
                value_at,
                f'{where}: fact "{fact}" has no value "{value}"'
                + suggest(value, facts[fact], "values"),
                rule="unknown-fact-value",
            )
            return False
        return True

    def condition_node(
        self, node: object, line: int, where: str, key: str, kind: str | None
    ) -> bool:
        """`at` or `visited` names a node (of `kind`, when given)."""
        if not isinstance(node, str) or node not in self.ids.node_ids:
            self.report(
                line,
                f'{where}: "{key}" names unknown node "{node}"'
                + suggest(str(node), self.ids.node_ids, "nodes"),
                rule="unknown-node",
            )
            return False
        if kind is not None and self.ids.kind_of.get(node) not in (kind, None):
            self.report(
                line,
                f'{where}: node "{node}" is a {self.ids.kind_of[node]}, not a {kind}',
                rule="wrong-kind",
            )
            return False
        return True

    def ticked_items(
        self, checklist: str | None, names: list[str], lines: list[int], where: str
    ) -> None:
        known = self.ids.items_of.get(checklist or "", ())
        for name, line in zip(names, lines, strict=True):
            if name not in known:
                self.report(
                    line,
                    f'{where}: checklist "{checklist}" has no item "{name}"'
                    + suggest(name, known, "items"),
                    rule="unknown-item",
                )

    def answered(self, at: str, answer: object, line: int, where: str) -> None:
        known = self.ids.answers_of.get(at, ())
        if not isinstance(answer, str) or answer not in known:
            self.report(
                line,
                f'{where}: node "{at}" has no answer "{answer}"'
                + suggest(str(answer), known, "answers"),
                rule="unknown-answer",
            )

    def citation(
        self, source_id: str, rec: str | None, grade: str | None, line: int, where: str
    ) -> None:
        if source_id not in self.ids.source_ids:
            self.report(
                line,
                f'{where} cites unknown source "{source_id}"'
                + suggest(source_id, self.ids.source_ids, "sources"),
                rule="unknown-source",
            )
            return
        source = self.ids.sources.get(source_id)
        if source is None:
            return
        for problem in (
            grade_problem(source, grade) if grade is not None else None,
            rec_problem(source, rec) if rec is not None else None,
        ):
            if problem:
                self.report(line, f"{where}: {problem}", rule="bad-grade")
