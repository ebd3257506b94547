"""The flow format as one table: every part, its keys, their types, patterns and which are required.

The builder (engine.shape.build) reads it to check keys and values; engine.shape.schema turns it
into `flows/schema.json` for editors. A key's `type` says how its value is read:

- `text`: non-empty text; `format`: text matching `format`; `choice`: one of `choices`;
- `ref`: the id of a `part` elsewhere in the flow (checked as a reference; editors get
  the id's `format`); `grade`: a grade of the cited source's own scheme (checked with the
  references; editors get every scheme's grades as `choices`);
- `names`: a list of distinct texts, each matching `format` (tags, fact values);
- `lines`: a non-empty list of non-empty texts (a patient sheet's lines);
- `parts`: a list of `part`; `part`: one `part`; `id map`: a mapping of id (`ids`) to `part`;
- `cite`, `next`, `set`, `condition`: the forms of the same names (see docs/authoring.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from engine.grades import PUBLISHED, SCHEMES, SOURCE_KINDS
from engine.grammar import PAGE
from engine.hazards import LIKELIHOODS, SEVERITIES
from engine.model import KINDS, REVIEW_STATUSES, URGENCIES

KeyType = Literal[
    "text",
    "format",
    "choice",
    "ref",
    "grade",
    "names",
    "lines",
    "parts",
    "part",
    "id map",
    "cite",
    "next",
    "set",
    "condition",
]


def _iso_date(value: str) -> bool:
    """A date the calendar has (2026-02-30 matches the pattern, and is no date)."""
    import datetime  # only for flows with `last_reviewed`: the browser's engine rarely needs it

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Format:
    """A pattern a text must match, and the problem (with {where}, {key}, {value}) when not."""

    pattern: re.Pattern[str]
    says: str
    rule: str
    valid: Callable[[str], bool] | None = None
    """A further test the pattern cannot say."""

    def fits(self, value: str) -> bool:
        return bool(self.pattern.match(value)) and (self.valid is None or self.valid(value))


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FACT_VALUE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://\S+$")
HAZARD_ID = re.compile(r"^HAZ-\d{2,3}$")

IS_NOT = '{where}: "{key}" is "{value}" but '
SLUG_ID = Format(
    SLUG,
    IS_NOT + "must be a lower-case slug (letters a-z, digits and single hyphens, e.g. red-flags)",
    rule="bad-id",
)
DATE_TEXT = Format(
    DATE, IS_NOT + "must be a date written YYYY-MM-DD", rule="bad-format", valid=_iso_date
)
PAGE_TEXT = Format(
    PAGE,
    IS_NOT + "must be a page of this site such as treatment.md or treatment.md#cyclobenzaprine",
    rule="bad-format",
)
URL_TEXT = Format(
    URL,
    '{where}: "{key}" must be a web address starting with https:// or http://',
    rule="bad-format",
)
PUBLISHED_TEXT = Format(
    PUBLISHED,
    IS_NOT + 'must be a year, YYYY-MM or YYYY-MM-DD (in quotes, e.g. "2017"), or "undated"',
    rule="bad-format",
)
HAZARD_ID_TEXT = Format(
    HAZARD_ID, IS_NOT + "hazard ids are written HAZ-01, HAZ-02, ...", rule="bad-id"
)
ENTRY = '{where}: "{key}" entry "{value}" is not a lower-case slug'
TAG = Format(SLUG, ENTRY, rule="bad-id")
"""An entry of a list of names: tags, recommendation ids, urgencies."""
FACT_VALUE_ENTRY = Format(FACT_VALUE, ENTRY, rule="bad-id")

SOURCE_ID = Format(SLUG, "{where}: source ids must be lower-case slugs", rule="bad-id")
NODE_ID = Format(
    SLUG,
    "{where}: node ids must be lower-case slugs (letters a-z, digits and single hyphens)",
    rule="bad-id",
)
FACT_ID = Format(
    FACT_NAME,
    "{where}: fact names are lower-case letters, digits and underscores (e.g. age_group)",
    rule="bad-id",
)
EVERY_GRADE = tuple(dict.fromkeys(g for scheme in SCHEMES.values() for g in scheme.grades))


@dataclass(frozen=True)
class Empty:
    """The problem (with {where}) of a list given with nothing in it, and its rule id."""

    says: str
    rule: str


@dataclass(frozen=True)
class Key:
    """One key of a part: how its value is read and checked."""

    name: str
    type: KeyType = "text"
    required: bool = False
    format: Format | None = None
    choices: tuple[str, ...] = ()
    part: str = ""
    """For `parts`, `part`, `id map` and `next`: the part its values are; for `ref`: the part
    it names."""
    ids: Format | None = None
    """For `id map`: how its ids are written."""
    skip_bad_ids: bool = False
    """For `id map`: a part whose id is not in its format is not read further."""
    empty: Empty | None = None
    """For lists: the problem when the list is given but empty (editors then ask for at least
    one entry)."""
    needed_when: tuple[str, str] | None = None
    """Required when another key has this value (`design` when `grading` is `study`)."""


@dataclass(frozen=True)
class Part:
    """One part of a flow: its keys, and how a problem names one of a list (`noun`)."""

    name: str
    keys: tuple[Key, ...]
    noun: str = ""
    """`answer`: `node "q" answer "yes"` (by its id when `by_id`), or `node "q" answer 2`."""
    by_id: bool = False
    by_name: dict[str, Key] = field(init=False, repr=False, compare=False)
    allowed: tuple[str, ...] = field(init=False)
    """Every key, sorted (as hints list them)."""
    required: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {key.name: key for key in self.keys})
        object.__setattr__(self, "allowed", tuple(sorted(self.by_name)))
        object.__setattr__(self, "required", tuple(k.name for k in self.keys if k.required))


def text(name: str, required: bool = False) -> Key:
    return Key(name, "text", required)


def tags(name: str, choices: tuple[str, ...] = ()) -> Key:
    return Key(name, "names", format=TAG, choices=choices)


def listed(name: str, part: str, required: bool, empty: Empty) -> Key:
    """A list of parts that must not be given empty."""
    return Key(name, "parts", required, part=part, empty=empty)


NO_ANSWER = "{where} is a dead end: a question needs at least one answer"
NO_ROUTE = "{where} is a dead end: a checklist needs at least one route"
ONE_REC = "{where} needs at least one recommendation"
ID = Key("id", "format", True, SLUG_ID)
CITE = Key("cite", "cite")
CITED = Key(
    "cite",
    "cite",
    True,
    empty=Empty("{where} must cite at least one source", rule="missing-citation"),
)
LINKS = Key("links", "parts", part="link")
WHEN = Key("when", "condition")
SET = Key("set", "set")
NEXT = Key(
    "next",
    "next",
    True,
    part="next entry",
    empty=Empty('{where}: "next" must not be an empty list', rule="empty-list"),
)


def node(kind: str, *own: Key) -> Part:
    """A node part: the keys every node has, then its kind's own."""
    common = (
        Key("kind", "choice", True, choices=KINDS),
        text("title", True),
        text("text", True),
        text("help"),
        CITE,
        LINKS,
    )
    return Part(kind, common + own)


PART_LIST = (
    Part(
        "flow",
        (
            Key("id", "format", True, SLUG_ID),
            text("title", True),
            text("version", True),
            Key("last_reviewed", "format", format=DATE_TEXT),
            Key("review_status", "choice", True, choices=REVIEW_STATUSES),
            Key("start", "ref", True, SLUG_ID, part="node"),
            text("summary"),
            Key("facts", "id map", part="fact", ids=FACT_ID, skip_bad_ids=True),
            Key("sources", "id map", True, part="source", ids=SOURCE_ID),
            Key(
                "nodes",
                "id map",
                True,
                part="node",
                ids=NODE_ID,
                empty=Empty("the flow has no nodes", rule="empty-list"),
            ),
            Key("safety", "parts", part="safety rule"),
        ),
    ),
    Part(
        "fact",
        (
            text("label", True),
            Key(
                "values",
                "names",
                True,
                FACT_VALUE_ENTRY,
                empty=Empty("{where} needs at least one value", rule="empty-list"),
            ),
        ),
    ),
    Part(
        "source",
        (
            text("citation", True),
            Key("url", "format", format=URL_TEXT),
            text("label"),
            Key("kind", "choice", True, choices=SOURCE_KINDS),
            Key("published", "format", True, PUBLISHED_TEXT),
            Key("grading", "choice", True, choices=tuple(SCHEMES)),
            Key("design", needed_when=("grading", "study")),
        ),
    ),
    Part(
        "cite",
        (
            Key("source", "ref", True, SLUG_ID, part="source"),
            text("rec"),
            Key("grade", "grade", choices=EVERY_GRADE),
        ),
        noun="citation",
    ),
    Part("link", (text("text", True), Key("page", "format", True, PAGE_TEXT)), noun="link"),
    node(
        "question",
        listed("answers", "answer", True, Empty(NO_ANSWER, rule="dead-end")),
    ),
    node(
        "checklist",
        listed("items", "item", True, Empty("{where}: a checklist needs items", rule="empty-list")),
        listed("routes", "route", True, Empty(NO_ROUTE, rule="dead-end")),
        text("none"),
    ),
    node("info", NEXT),
    node(
        "outcome",
        Key("urgency", "choice", True, choices=URGENCIES),
        listed("recommendations", "recommendation", True, Empty(ONE_REC, rule="empty-list")),
        text("follow_up"),
        listed("actions", "action", False, Empty('{where}: "actions" is empty', rule="empty-list")),
        tags("tags"),
        Key("patient", "part", part="patient"),
    ),
    Part(
        "answer",
        (ID, text("text", True), text("help"), CITE, SET, NEXT, LINKS, text("not_examined")),
        noun="answer",
        by_id=True,
    ),
    Part(
        "item",
        (ID, text("text", True), text("help"), CITE, text("not_examined"), text("group")),
        noun="item",
        by_id=True,
    ),
    Part("route", (WHEN, text("label", True), SET, NEXT), noun="route"),
    Part("next entry", (WHEN, Key("to", "ref", True, SLUG_ID, part="node")), noun="next entry"),
    Part(
        "recommendation",
        (ID, text("text", True), CITED, text("help"), WHEN, tags("tags"), LINKS, text("group")),
        noun="recommendation",
        by_id=True,
    ),
    Part("action", (text("text", True), CITED, WHEN, tags("tags")), noun="key action"),
    Part(
        "patient",
        (
            text("title"),
            text("probably", True),
            *(Key(name, "lines", True) for name in ("do", "avoid", "get_help_now", "come_back")),
        ),
    ),
    Part(
        "safety rule",
        (
            ID,
            text("text", True),
            Key("when", "condition", True),
            Key("require", "part", True, part="require"),
            Key("hazard", "part", part="hazard"),
        ),
        noun="safety rule",
        by_id=True,
    ),
    Part(
        "require",
        (
            tags("urgency", URGENCIES),
            tags("recommends"),
            tags("never_recommends"),
            tags("outcome_tags"),
            tags("never_outcome_tags"),
        ),
    ),
    Part(
        "hazard",
        (
            Key("id", "format", True, HAZARD_ID_TEXT),
            text("hazard", True),
            text("cause", True),
            text("effect", True),
            Key("before", "part", True, part="risk level"),
            Key("after", "part", True, part="risk level"),
        ),
    ),
    Part(
        "risk level",
        (
            Key("severity", "choice", True, choices=SEVERITIES),
            Key("likelihood", "choice", True, choices=LIKELIHOODS),
        ),
    ),
)

PARTS: dict[str, Part] = {part.name: part for part in PART_LIST}
"""The one table of the format: the builder checks data by it; flows/schema.json is made of it."""
