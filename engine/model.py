"""The flow model: frozen dataclasses, built once by the checker and never mutated.

One class per node kind (`QuestionNode`, `ChecklistNode`, `InfoNode`, `OutcomeNode`; `Node` is
their union), so code matches on the class and mypy's `assert_never` catches a kind left out.
Also here: `Problem`/`FlowError` (every problem the engine reports) and `Flow.memo`, where
modules keep what they derive from a flow. Conditions are `engine.conditions` (also importable
from here).

Every object keeps the source line it came from (`line`, 1-based, 0 when it came from a dict
without line marks) so later checks can point at the author's text. Lines never take part in
equality: a flow rebuilt from its JSON form equals the flow loaded from YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal, cast

from engine.conditions import AllOf as AllOf
from engine.conditions import Answered as Answered
from engine.conditions import AnyOf as AnyOf
from engine.conditions import Condition as Condition
from engine.conditions import FactIs as FactIs
from engine.conditions import Not as Not
from engine.conditions import Ticked as Ticked
from engine.conditions import Visited as Visited

KINDS = ("question", "checklist", "info", "outcome")
URGENCIES = ("emergency", "urgent", "soon", "routine", "self-care")
"""Most urgent first: a level's position is its rank (`urgency_rank`)."""
URGENCY_BADGES = {
    "emergency": "Emergency: act now",
    "urgent": "Urgent: same day",
    "soon": "Soon: within days",
    "routine": "Routine care",
    "self-care": "Self-care",
}
"""The badge text of each level, fixed: never typed per outcome (issue 15)."""
NONE_CHOICE = "none"
"""The tick that stands for a checklist's exclusive "None of these" (no item may be called so)."""
ACTIONS_MIN, ACTIONS_MAX, ACTION_WORDS = 3, 7, 30
"""Key actions shown on one route: 3 to 7, each at most 30 words."""
ACTIONS_REQUIRED = False
"""When True, every outcome must have key actions (switched on once the flows have them)."""
PATIENT_REQUIRED = False
"""When True, every outcome that is not an emergency must have a patient advice sheet."""


def urgency_rank(level: str | None) -> int:
    """0 for emergency ... 4 for self-care (unknown levels rank last)."""
    return URGENCIES.index(level) if level in URGENCIES else len(URGENCIES)


REVIEW_STATUSES = ("draft", "in-review", "approved")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a flow file, in the shape `flows/x.yaml:12: message`."""

    path: str
    """The file as the author knows it, e.g. `flows/back-spasm.yaml`."""
    line: int
    """1-based line of the offending text (0: no line known, e.g. a flow built from a dict)."""
    message: str
    """What was found, what is allowed, and a hint, in the author's words."""
    rule: str = ""
    """The rule's id, e.g. `unknown-key` (as yamllint names its rules): shown after the message
    so an author can look the rule up in docs/authoring.md and a test can pin it."""

    def __str__(self) -> str:
        suffix = f" [{self.rule}]" if self.rule else ""
        return f"{self.path}:{self.line}: {self.message}{suffix}"


class FlowError(Exception):
    """A flow could not be loaded; `.problems` holds every problem found, sorted."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


# --- Flow parts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A citable source; `id` is what nodes and recommendations cite."""

    id: str
    citation: str
    url: str | None = None
    label: str | None = None
    """Short name shown where it is cited ("ACP 2017"); the id when absent."""
    kind: str | None = None
    """What it is: one of `engine.grades.SOURCE_KINDS` (guideline, trial, ai-answer, ...)."""
    published: str | None = None
    """When: a year, YYYY-MM or YYYY-MM-DD."""
    grading: str | None = None
    """Its grading scheme: a key of `engine.grades.SCHEMES` (grade, nice, acr, ...)."""
    design: str | None = None
    """For grading `study`: the design and size shown as its tag ("double-blind RCT, n=323")."""
    line: int = field(default=0, compare=False)

    @property
    def short(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Citation:
    """One `cite:` entry: a source, and for graded sources the recommendation and its grade."""

    source: str
    rec: str | None = None
    """Which recommendation of the source ("Recommendation 1", "1.2.17 [2016]", "Variant 1")."""
    grade: str | None = None
    """Its grade in the source's scheme ("strong/moderate", "do not offer")."""
    line: int = field(default=0, compare=False)


Cites = tuple[Citation, ...]


@dataclass(frozen=True)
class Fact:
    """A named fact answers may record, with every value it may take."""

    id: str
    label: str
    values: tuple[str, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Link:
    """A link to a page of this site, e.g. `treatment.md#cyclobenzaprine`."""

    text: str
    page: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class NextEntry:
    """One entry of a `next` list; the first whose `when` holds is taken (`None` = default)."""

    to: str
    when: Condition | None = None
    line: int = field(default=0, compare=False)


FactSetting = tuple[tuple[str, str], ...]
"""`set: {fact: value, ...}` as ordered pairs (hashable, stable)."""


@dataclass(frozen=True)
class Answer:
    """One answer of a question."""

    id: str
    text: str
    next: tuple[NextEntry, ...]
    help: str | None = None
    cite: Cites = ()
    set: FactSetting = ()
    links: tuple[Link, ...] = ()
    line: int = field(default=0, compare=False)
    not_examined: str | None = None
    """Set when this answer means "not examined": what that leaves open (the outcome says it)."""


@dataclass(frozen=True)
class Item:
    """One tickable item of a checklist."""

    id: str
    text: str
    help: str | None = None
    cite: Cites = ()
    line: int = field(default=0, compare=False)
    not_examined: str | None = None
    """Set when ticking this item means "not examined": what that leaves open."""
    group: str | None = None
    """The heading of the group it belongs to ("Cauda equina syndrome"), shown once above
    consecutive items of the group and at the outcome for the groups ticked."""


@dataclass(frozen=True)
class RouteRule:
    """One route of a checklist: taken when it is the first whose `when` holds."""

    label: str
    next: tuple[NextEntry, ...]
    when: Condition | None = None
    set: FactSetting = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Recommendation:
    """One recommendation of an outcome; shown only where its `when` holds."""

    id: str
    text: str
    cite: Cites
    help: str | None = None
    when: Condition | None = None
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    line: int = field(default=0, compare=False)
    group: str | None = None
    """The folded group it is shown in below the key actions ("Medicines", ...)."""


@dataclass(frozen=True)
class Action:
    """One key action of an outcome: an imperative line, cited; shown where its `when` holds."""

    text: str
    cite: Cites
    when: Condition | None = None
    tags: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PatientSheet:
    """The advice sheet a patient takes home from an outcome (plain words)."""

    probably: str
    """What it probably is."""
    do: tuple[str, ...]
    avoid: tuple[str, ...]
    get_help_now: tuple[str, ...]
    """When to get help at once (the early cauda equina signs included)."""
    come_back: tuple[str, ...]
    """When to come back."""
    title: str | None = None
    """The sheet's heading; the outcome's title when absent."""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class BaseNode:
    """What every step of a flow has; each kind below adds its own parts."""

    id: str
    title: str
    text: str
    help: str | None = None
    cite: Cites = ()
    links: tuple[Link, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, kw_only=True)
class QuestionNode(BaseNode):
    """A question: one answer is chosen."""

    kind: ClassVar[Literal["question"]] = "question"
    answers: tuple[Answer, ...] = ()

    def answer(self, answer_id: str) -> Answer | None:
        """The answer with this id, or None."""
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True, kw_only=True)
class ChecklistNode(BaseNode):
    """A checklist: any items are ticked; the first route whose `when` holds is taken."""

    kind: ClassVar[Literal["checklist"]] = "checklist"
    items: tuple[Item, ...] = ()
    routes: tuple[RouteRule, ...] = ()
    none: str | None = None
    """The text of its exclusive "None of these" answer (None: it has none)."""


@dataclass(frozen=True, kw_only=True)
class InfoNode(BaseNode):
    """Information only: the reader continues."""

    kind: ClassVar[Literal["info"]] = "info"
    next: tuple[NextEntry, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OutcomeNode(BaseNode):
    """Where a route ends: urgency, key actions, recommendations, the patient's sheet."""

    kind: ClassVar[Literal["outcome"]] = "outcome"
    urgency: str | None = None
    """One of URGENCIES."""
    recommendations: tuple[Recommendation, ...] = ()
    follow_up: str | None = None
    actions: tuple[Action, ...] = ()
    """The key actions, shown first."""
    outcome_tags: tuple[str, ...] = ()
    """Tags safety rules test (`require: {outcome_tags: [paediatric]}`)."""
    patient: PatientSheet | None = None


Node = QuestionNode | ChecklistNode | InfoNode | OutcomeNode
"""A step of the flow: `match` on the four classes (mypy's `assert_never` catches a missing one).
Each also has `kind` ("question", ...), the word the YAML uses."""
NODE_CLASSES: dict[str, type[Node]] = {
    "question": QuestionNode,
    "checklist": ChecklistNode,
    "info": InfoNode,
    "outcome": OutcomeNode,
}
"""The class of each `kind:` word, in the order of KINDS."""


@dataclass(frozen=True)
class Requirement:
    """What a safety rule demands of every route its premise applies to."""

    urgency: tuple[str, ...] = ()
    recommends: tuple[str, ...] = ()
    never_recommends: tuple[str, ...] = ()
    outcome_tags: tuple[str, ...] = ()
    """The outcome must carry every one of these tags."""
    never_outcome_tags: tuple[str, ...] = ()
    """The outcome must carry none of these tags."""


@dataclass(frozen=True)
class Hazard:
    """The hazard a safety rule controls (DCB0129 hazard log entry); see `engine.hazards`."""

    id: str
    hazard: str
    cause: str
    effect: str
    before_severity: str
    before_likelihood: str
    after_severity: str
    after_likelihood: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class SafetyRule:
    """A guarantee proved over every route at build time."""

    id: str
    text: str
    when: Condition
    require: Requirement
    line: int = field(default=0, compare=False)
    hazard: Hazard | None = None
    """The hazard this rule controls (optional until `engine.hazards.HAZARD_REQUIRED`)."""


@dataclass(frozen=True)
class Flow:
    """A whole, checked flowchart."""

    id: str
    title: str
    version: str
    last_reviewed: str | None
    """Accepted but no longer shown (issue 16): the review status comes from reviews/ records."""
    review_status: str
    start: str
    nodes: tuple[Node, ...]
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...] = ()
    safety: tuple[SafetyRule, ...] = ()
    summary: str | None = None
    path: str = field(default="<flow>", compare=False)
    """Where it was loaded from, for problem lines."""
    _nodes_by_id: dict[str, Node] = field(init=False, repr=False, compare=False)
    _derived: dict[type, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_nodes_by_id", {n.id: n for n in self.nodes})
        object.__setattr__(self, "_derived", {})

    def memo[T](self, kind: type[T]) -> T:
        """The one `kind()` kept with this flow: data derived from it (the state graph, the
        longest remaining routes, ...), computed once per flow and never part of it. Each
        module declares its own memo class, so every memo is typed (`engine.states.StateMemo`)."""
        found = self._derived.get(kind)
        if found is None:
            found = self._derived[kind] = kind()
        return cast(T, found)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if unknown: a checked flow has no dangling ids)."""
        return self._nodes_by_id[node_id]

    def outcome(self, node_id: str) -> OutcomeNode:
        """The outcome with this id (where a route ends); KeyError if it is not an outcome."""
        node = self._nodes_by_id[node_id]
        if not isinstance(node, OutcomeNode):
            raise KeyError(f'node "{node_id}" is not an outcome')
        return node

    def has_node(self, node_id: str) -> bool:
        return node_id in self._nodes_by_id

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)


Choice = str | frozenset[str] | None
"""An answer id (question), a set of ticked item ids (checklist), or None (info "continue")."""
