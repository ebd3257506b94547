"""The tables of ids a flow declares, and the checks of every reference against them.

The builder runs three phases in this order (engine.shape.build):

1. collect ids: the node ids and kinds, each checklist's items and the source ids, straight
   from the data, so a part may name one written after it;
2. check parts: every part against the table of parts, in the order sources, facts, nodes,
   safety rules. This fills the rest of the tables (well-formed sources, facts and their
   values, each question's answers), each before the first part that can name one of them, so
   every reference is checked as soon as it is met; its problems are held back (`held`);
3. report references: the held problems, after every part's own, in the order met.

References are checked when met, not recorded for later: a flow of 10,000 nodes has some 40,000
of them, and a recorded check per reference (a closure holding its context and the builder)
doubled the peak memory of the shape check, and, the cyclic garbage collector being paused for
the whole check (engine.verify), kept it all alive until the end of the safety proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.grades import grade_problem, rec_problem
from engine.model import Problem, Source
from engine.shape.context import Reader
from engine.shape.words import hint_for, suggest, type_name


@dataclass
class Tables:
    """What the flow declares, by id (dicts keep the order, for hints)."""

    node_ids: dict[str, None] = field(default_factory=dict)
    kind_of: dict[str, str] = field(default_factory=dict)
    items_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source_ids: dict[str, None] = field(default_factory=dict)
    """Phase 1: every key of `nodes` and `sources`, well-formed or not; each checklist's item
    ids as its reader keeps them (`engine.shape.nodes.item_ids`)."""
    sources: dict[str, Source] = field(default_factory=dict)
    """Phase 2: each well-formed source (its grading scheme checks the grades of its citations)."""
    facts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    answers_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Named by safety rules only, which are read after every node."""
    recommendation_ids: dict[str, int] = field(default_factory=dict)
    """Unique across the flow: pages link to each recommendation by its id."""


class References(Reader):
    """Checks references as parts are read; `report_references` reports their problems."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.ids = Tables()
        self.held: list[Problem] = []
        """The references' problems, in the order met: phase 3 reports them."""

    def hold(self, line: int, message: str, *, rule: str) -> None:
        """A reference's problem, reported in phase 3 (after every part's own)."""
        self.held.append(Problem(self.path, line, message, rule=rule))

    def report_references(self) -> None:
        """Phase 3: every reference's problem, in the order the parts named them."""
        self.problems.extend(self.held)
        self.held.clear()

    # --- the checks, one per kind of reference ----------------------------------------------

    def target(self, to: str, line: int, where: str, verb: str = "points to") -> None:
        """`next`, `to` or `start` names a node (`node "q" answer "no" points to ...`)."""
        if self.ids.node_ids and to not in self.ids.node_ids:
            self.hold(
                line,
                f'{where} {verb} unknown node "{to}"' + suggest(to, self.ids.node_ids, "nodes"),
                rule="unknown-node",
            )

    def fact_values(
        self, fact: str, values: list[tuple[object, int]], fact_line: int, where: str
    ) -> None:
        """A fact and values of it (`set`, `{fact, equals}`, `{fact, in}`): the first wrong one
        is reported."""
        all(self.fact_value(fact, v, fact_line, at, where) for v, at in values)

    def fact_value(self, fact: str, value: object, key_at: int, value_at: int, where: str) -> bool:
        facts = self.ids.facts
        if fact not in facts:
            self.hold(
                key_at,
                f'{where} uses unknown fact "{fact}"' + suggest(fact, list(facts), "facts"),
                rule="unknown-fact",
            )
            return False
        if not isinstance(value, str):
            self.hold(
                value_at,
                f'{where}: the value of fact "{fact}" must be text, not {type_name(value)}'
                + hint_for(value),
                rule="bad-type",
            )
            return False
        if value not in facts[fact]:
            self.hold(
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
            self.hold(
                line,
                f'{where}: "{key}" names unknown node "{node}"'
                + suggest(str(node), self.ids.node_ids, "nodes"),
                rule="unknown-node",
            )
            return False
        if kind is not None and self.ids.kind_of.get(node) not in (kind, None):
            self.hold(
                line,
                f'{where}: node "{node}" is a {self.ids.kind_of[node]}, not a {kind}',
                rule="wrong-kind",
            )
            return False
        return True

    def ticked_items(
        self, checklist: str | None, names: list[str], lines: list[int], where: str
    ) -> None:
        """`ticked` names items of a checklist (its own, in its routes)."""
        known = self.ids.items_of.get(checklist or "", ())
        for name, line in zip(names, lines, strict=True):
            if name not in known:
                self.hold(
                    line,
                    f'{where}: checklist "{checklist}" has no item "{name}"'
                    + suggest(name, known, "items"),
                    rule="unknown-item",
                )

    def answered(self, at: str, answer: object, line: int, where: str) -> None:
        """`{at, answer}` names an answer of a question."""
        known = self.ids.answers_of.get(at, ())
        if not isinstance(answer, str) or answer not in known:
            self.hold(
                line,
                f'{where}: node "{at}" has no answer "{answer}"'
                + suggest(str(answer), known, "answers"),
                rule="unknown-answer",
            )

    def cited(
        self, source_id: str, rec: str | None, grade: str | None, line: int, where: str
    ) -> None:
        """A citation names a source; its `rec` and `grade` fit the source's scheme."""
        if source_id not in self.ids.source_ids:
            self.hold(
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
                self.hold(line, f"{where}: {problem}", rule="bad-grade")
