"""Shape checks: plain data (from YAML or JSON) -> a Flow, or every problem found.

One builder serves both doors in: the YAML loader hands over `LineDict`/`LineList` values that
remember their source lines, `flow_from_dict` hands over plain dicts (problems then carry line 0).
Every part is checked against one table of allowed keys (`PARTS`), which `flows/schema.json`
mirrors (a test keeps them equal).

References to other parts of the same file (node ids, source ids, facts and their values,
checklist items) are checked here too, because they only need the ids, and an author wants all
of them at once. Graph checks (reachability, cycles, ...) need a whole flow and run afterwards.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.grades import cite_entries, source_metadata
from engine.hazards import read_hazard
from engine.model import (
    ACTION_WORDS,
    ACTIONS_REQUIRED,
    KINDS,
    PATIENT_REQUIRED,
    REVIEW_STATUSES,
    URGENCIES,
    Action,
    AllOf,
    Answer,
    Answered,
    AnyOf,
    Cites,
    Condition,
    Fact,
    FactIs,
    FactSetting,
    Flow,
    Item,
    Link,
    NextEntry,
    Node,
    Not,
    PatientSheet,
    Problem,
    Recommendation,
    Requirement,
    RouteRule,
    SafetyRule,
    Source,
    Ticked,
    Visited,
)


class LineDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys and values start (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, int] = {}


class LineList(list[Any]):
    """A list that remembers where it and each of its items start (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass(frozen=True)
class Part:
    """The keys one part of a flow may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    allowed: tuple[str, ...] = field(init=False)
    """Every key, sorted (as hints list them)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", tuple(sorted(self.required + self.optional)))


NODE_COMMON = Part(("kind", "title", "text"), ("help", "cite", "links"))
PARTS: dict[str, Part] = {
    "flow": Part(
        ("id", "title", "version", "review_status", "start", "sources", "nodes"),
        ("summary", "facts", "safety", "last_reviewed"),
    ),
    "fact": Part(("label", "values")),
    "source": Part(("citation", "kind", "published", "grading"), ("url", "label", "design")),
    "cite": Part(("source",), ("rec", "grade")),
    "question": Part((*NODE_COMMON.required, "answers"), NODE_COMMON.optional),
    "checklist": Part((*NODE_COMMON.required, "items", "routes"), (*NODE_COMMON.optional, "none")),
    "info": Part((*NODE_COMMON.required, "next"), NODE_COMMON.optional),
    "outcome": Part(
        (*NODE_COMMON.required, "urgency", "recommendations"),
        (*NODE_COMMON.optional, "follow_up", "actions", "tags", "patient"),
    ),
    "action": Part(("text", "cite"), ("when", "tags")),
    "patient": Part(("probably", "do", "avoid", "get_help_now", "come_back"), ("title",)),
    "answer": Part(("id", "text", "next"), ("help", "cite", "set", "links", "not_examined")),
    "item": Part(("id", "text"), ("help", "cite", "not_examined", "group")),
    "route": Part(("label", "next"), ("when", "set")),
    "next entry": Part(("to",), ("when",)),
    "recommendation": Part(("id", "text", "cite"), ("help", "when", "tags", "links", "group")),
    "link": Part(("text", "page")),
    "safety rule": Part(("id", "text", "when", "require"), ("hazard",)),
    "require": Part(
        (), ("urgency", "recommends", "never_recommends", "outcome_tags", "never_outcome_tags")
    ),
}
"""The one list of allowed keys. `flows/schema.json` must say the same (tests check it)."""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FACT_VALUE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
PAGE = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.md(?:#[a-z0-9][a-z0-9_-]*)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Context = Literal["walk", "content", "checklist", "safety"]
"""Where a condition appears: `next` entries (`walk`), recommendations and key actions
(`content`: may also test what was ticked at a checklist, `{at, ticked}`), checklist routes
(`checklist`: may test ticks) or safety rules (`safety`: may test the whole route)."""

CONDITION_FORMS: dict[Context, str] = {
    "walk": "{fact, equals}, {fact, in}, {all}, {any} or {not}",
    "content": "{at, ticked}, {fact, equals}, {fact, in}, {all}, {any} or {not}",
    "checklist": "{ticked}, {fact, equals}, {fact, in}, {all}, {any} or {not}",
    "safety": (
        "{at, ticked}, {at, answer}, {visited}, {fact, equals}, {fact, in}, {all}, {any} or {not}"
    ),
}


def type_name(value: object) -> str:
    """How an author would call the type of a YAML value."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data (a !!binary tag reads base64 into bytes): write the text itself"
    return type(value).__name__


def hint_for(value: object) -> str:
    """Extra advice for the usual YAML surprises."""
    if isinstance(value, bool):
        return "; YAML reads bare yes/no/on/off/true/false as true/false: put it in quotes"
    if isinstance(value, int | float):
        return "; put it in quotes"
    return ""


def closest(name: str, known: Collection[str]) -> str | None:
    """The known name an author most likely meant: one that starts the other (`helptext` ->
    `help`), else the most similar spelling (`emergncy` -> `emergency`), else None."""
    prefixed = [
        k
        for k in known
        if (name.startswith(k) or k.startswith(name))
        and min(len(k), len(name)) >= max(3, max(len(k), len(name)) // 2)
    ]
    if prefixed:
        return max(prefixed, key=len)
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, known: Collection[str], what: str) -> str:
    """`(did you mean "x"?); known Ys are: ...` for an unknown name."""
    close = closest(name, known)
    mean = f' (did you mean "{close}"?)' if close else ""
    shown = sorted(known)
    listing = ", ".join(shown[:12]) + (", ..." if len(shown) > 12 else "")
    return f"{mean}; known {what} are: {listing}" if shown else f"{mean}; there are no {what}"


class Builder:
    """Builds a Flow from plain data, collecting every problem instead of stopping."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.node_ids: dict[str, None] = {}
        """Every node id, in order (a dict: quick to look up, keeps the order for hints)."""
        self.source_ids: dict[str, None] = {}
        self.source_meta: dict[str, Source] = {}
        """Each well-formed source, for checking the grades its citations carry."""
        self.facts: dict[str, tuple[str, ...]] = {}
        self.items_of: dict[str, tuple[str, ...]] = {}
        self.answers_of: dict[str, tuple[str, ...]] = {}
        self.kind_of: dict[str, str] = {}
        self.recommendation_ids: dict[str, int] = {}
        """Recommendation ids are unique across the flow: pages link to each by its id."""
        self.conditions_seen: dict[tuple[int, str, str | None], tuple[object, Condition | None]]
        self.conditions_seen = {}
        """Conditions already parsed, by the id of their data: a YAML alias shares one mapping
        in many places, and each is checked once (not once per path through the aliases)."""

    # --- helpers ---------------------------------------------------------------------------

    def report(self, line: int, message: str, rule: str) -> None:
        """Record one problem; `rule` is its id (docs/authoring.md, "Rule ids")."""
        self.problems.append(Problem(self.path, line, message, rule=rule))

    @staticmethod
    def line_of(container: object, key: str | int, default: int) -> int:
        """Line of a value inside a LineDict/LineList; `default` for plain containers."""
        if isinstance(container, LineDict) and isinstance(key, str):
            return container.value_lines.get(key, default)
        if (
            isinstance(container, LineList)
            and isinstance(key, int)
            and 0 <= key < len(container.item_lines)
        ):
            return container.item_lines[key]
        return default

    @staticmethod
    def start_line(value: object, default: int) -> int:
        if isinstance(value, LineDict | LineList):
            return value.line
        return default

    def mapping(self, value: object, line: int, part: str, where: str) -> dict[str, Any] | None:
        """Check a part is a mapping with only allowed keys and every required key."""
        if not isinstance(value, dict):
            self.report(
                line, f"{where} must be a mapping of keys, not {type_name(value)}", rule="bad-type"
            )
            return None
        line = self.start_line(value, line)
        spec = PARTS[part]
        for key in value:
            if key not in spec.allowed:
                key_line = value.key_lines.get(key, line) if isinstance(value, LineDict) else line
                close = closest(str(key), spec.allowed)
                mean = f' (did you mean "{close}"?)' if close else ""
                self.report(
                    key_line,
                    f'{where} has unknown key "{key}"{mean}; allowed keys are: '
                    + ", ".join(spec.allowed),
                    rule="unknown-key",
                )
        for key in spec.required:
            if key not in value:
                self.report(line, f'{where} is missing required key "{key}"', rule="missing-key")
        return value

    def text(
        self, data: dict[str, Any], key: str, line: int, where: str, required: bool = True
    ) -> str | None:
        """A non-empty text value (None when absent or wrong; the problem is reported)."""
        if key not in data:
            return None
        value = data[key]
        at = self.line_of(data, key, line)
        if not isinstance(value, str):
            self.report(
                at,
                f'{where}: "{key}" must be text, not {type_name(value)}{hint_for(value)}',
                rule="bad-type",
            )
            return None
        if required and not value.strip():
            self.report(at, f'{where}: "{key}" must not be empty', rule="empty-value")
            return None
        return value

    def slug(self, data: dict[str, Any], key: str, line: int, where: str) -> str | None:
        value = self.text(data, key, line, where)
        if value is not None and not SLUG.match(value):
            self.report(
                self.line_of(data, key, line),
                f'{where}: "{key}" is "{value}" but must be a lower-case slug '
                "(letters a-z, digits and single hyphens, e.g. red-flags)",
                rule="bad-id",
            )
            return None
        return value

    def list_of(self, data: dict[str, Any], key: str, line: int, where: str) -> list[Any]:
        """A list value (empty when absent or wrong; the problem is reported)."""
        if key not in data:
            return []
        value = data[key]
        if not isinstance(value, list):
            self.report(
                self.line_of(data, key, line),
                f'{where}: "{key}" must be a list, not {type_name(value)}',
                rule="bad-type",
            )
            return []
        return value

    def text_list(
        self, data: dict[str, Any], key: str, line: int, where: str, pattern: re.Pattern[str]
    ) -> tuple[str, ...]:
        values = self.list_of(data, key, line, where)
        result: list[str] = []
        for index, value in enumerate(values):
            at = self.line_of(values, index, self.line_of(data, key, line))
            if not isinstance(value, str):
                self.report(
                    at,
                    f'{where}: "{key}" entries must be text, not {type_name(value)}'
                    f"{hint_for(value)}",
                    rule="bad-type",
                )
            elif not pattern.match(value):
                self.report(
                    at, f'{where}: "{key}" entry "{value}" is not a lower-case slug', rule="bad-id"
                )
            elif value in result:
                self.report(at, f'{where}: "{key}" lists "{value}" twice', rule="duplicate-entry")
            else:
                result.append(value)
        return tuple(result)

    def cites(self, data: dict[str, Any], line: int, where: str) -> Cites:
        """A `cite:` list: bare source ids, or `{source, rec, grade}` mappings (engine.grades)."""
        return cite_entries(self, data, line, where)

    def unique_id(
        self, seen: dict[str, int], value: str | None, line: int, what: str, where: str
    ) -> None:
        if value is None:
            return
        if value in seen:
            self.report(
                line,
                f'{where}: duplicate {what} id "{value}" (first at line {seen[value]})',
                rule="duplicate-id",
            )
        else:
            seen[value] = line

    # --- the flow --------------------------------------------------------------------------

    def flow(self, data: object) -> Flow | None:
        """Build the whole flow; None if any shape problem was found (all are reported)."""
        top = self.mapping(data, 1, "flow", "the flow")
        if top is None:
            return None
        where = "the flow"
        flow_id = self.slug(top, "id", 1, where)
        title = self.text(top, "title", 1, where)
        version = self.text(top, "version", 1, where)
        last_reviewed = self.date(top, where)
        review_status = self.choice(top, "review_status", 1, where, REVIEW_STATUSES)
        summary = self.text(top, "summary", 1, where)

        raw_nodes = top.get("nodes")
        if isinstance(raw_nodes, dict):
            self.node_ids = dict.fromkeys(str(k) for k in raw_nodes)
            for node_id, raw in raw_nodes.items():
                if isinstance(raw, dict) and isinstance(raw.get("kind"), str):
                    self.kind_of[str(node_id)] = raw["kind"]
                if isinstance(raw, dict) and isinstance(raw.get("items"), list):
                    # Outcomes may name items of a checklist written after them: know them all.
                    self.items_of[str(node_id)] = tuple(
                        i["id"]
                        for i in raw["items"]
                        if isinstance(i, dict) and isinstance(i.get("id"), str)
                    )
        sources = self.sources(top)
        facts = self.fact_table(top)
        nodes = self.nodes(top)
        start = self.text(top, "start", 1, where)
        if start is not None and self.node_ids and start not in self.node_ids:
            self.report(
                self.line_of(top, "start", 1),
                f'the flow starts at unknown node "{start}"'
                + suggest(start, self.node_ids, "nodes"),
                rule="unknown-node",
            )
        safety = self.safety(top)
        if self.problems:
            return None
        assert flow_id and title and version and review_status and start
        return Flow(
            id=flow_id,
            title=title,
            version=version,
            last_reviewed=last_reviewed,
            review_status=review_status,
            start=start,
            nodes=nodes,
            sources=sources,
            facts=facts,
            safety=safety,
            summary=summary,
            path=self.path,
        )

    def date(self, top: dict[str, Any], where: str) -> str | None:
        value = self.text(top, "last_reviewed", 1, where)
        if value is None:
            return None
        try:
            if not DATE.match(value):
                raise ValueError(value)
            datetime.date.fromisoformat(value)
        except ValueError:
            self.report(
                self.line_of(top, "last_reviewed", 1),
                f'{where}: "last_reviewed" is "{value}" but must be a date written YYYY-MM-DD',
                rule="bad-format",
            )
            return None
        return value

    def choice(
        self, data: dict[str, Any], key: str, line: int, where: str, allowed: tuple[str, ...]
    ) -> str | None:
        value = self.text(data, key, line, where)
        if value is not None and value not in allowed:
            self.report(
                self.line_of(data, key, line),
                f'{where}: "{key}" is "{value}" but must be one of: ' + ", ".join(allowed),
                rule="bad-choice",
            )
            return None
        return value

    def id_mapping(self, top: dict[str, Any], key: str, required: bool) -> dict[str, Any]:
        """A top-level `id -> part` mapping such as `nodes`, `sources` or `facts`."""
        value = top.get(key)
        if value is None:
            if key in top and required:
                self.report(
                    self.line_of(top, key, 1),
                    f'the flow: "{key}" must not be empty',
                    rule="empty-value",
                )
            return {}
        if not isinstance(value, dict):
            self.report(
                self.line_of(top, key, 1),
                f'the flow: "{key}" must be a mapping of id to {key[:-1]}, not {type_name(value)}',
                rule="bad-type",
            )
            return {}
        return value

    def sources(self, top: dict[str, Any]) -> tuple[Source, ...]:
        raw = self.id_mapping(top, "sources", True)
        self.source_ids = dict.fromkeys(str(k) for k in raw)
        result = []
        for source_id, value in raw.items():
            where = f'source "{source_id}"'
            line = self.key_line(raw, source_id)
            if not SLUG.match(str(source_id)):
                self.report(line, f"{where}: source ids must be lower-case slugs", rule="bad-id")
            data = self.mapping(value, self.line_of(raw, source_id, line), "source", where)
            if data is None:
                continue
            citation = self.text(data, "citation", line, where)
            url = self.text(data, "url", line, where)
            label = self.text(data, "label", line, where)
            if url is not None and not re.match(r"^https?://\S+$", url):
                self.report(
                    self.line_of(data, "url", line),
                    f'{where}: "url" must be a web address starting with https:// or http://',
                    rule="bad-format",
                )
            if citation is not None:
                meta = source_metadata(self, data, line, where)
                source = Source(str(source_id), citation.strip(), url, label, *meta, line)
                self.source_meta[source.id] = source
                result.append(source)
        return tuple(result)

    @staticmethod
    def key_line(data: dict[str, Any], key: str) -> int:
        if isinstance(data, LineDict):
            return data.key_lines.get(key, data.line)
        return 0

    def fact_table(self, top: dict[str, Any]) -> tuple[Fact, ...]:
        raw = self.id_mapping(top, "facts", False)
        result = []
        for fact_id, value in raw.items():
            where = f'fact "{fact_id}"'
            line = self.key_line(raw, fact_id)
            if not FACT_NAME.match(str(fact_id)):
                self.report(
                    line,
                    f"{where}: fact names are lower-case letters, digits and underscores "
                    "(e.g. age_group)",
                    rule="bad-id",
                )
                continue
            data = self.mapping(value, self.line_of(raw, fact_id, line), "fact", where)
            if data is None:
                continue
            label = self.text(data, "label", line, where)
            values = self.text_list(data, "values", line, where, FACT_VALUE)
            if "values" in data and not values and isinstance(data["values"], list):
                self.report(
                    self.line_of(data, "values", line),
                    f"{where} needs at least one value",
                    rule="empty-list",
                )
            self.facts[str(fact_id)] = values
            if label is not None:
                result.append(Fact(str(fact_id), label, values, line))
        return tuple(result)

    def links(self, data: dict[str, Any], line: int, where: str) -> tuple[Link, ...]:
        raw = self.list_of(data, "links", line, where)
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            link_where = f"{where} link {index + 1}"
            item = self.mapping(value, at, "link", link_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            text = self.text(item, "text", at, link_where)
            page = self.text(item, "page", at, link_where)
            if page is not None and not PAGE.match(page):
                self.report(
                    self.line_of(item, "page", at),
                    f'{link_where}: "page" is "{page}" but must be a page of this site such as '
                    "treatment.md or treatment.md#cyclobenzaprine",
                    rule="bad-format",
                )
                continue
            if text is not None and page is not None:
                result.append(Link(text, page, at))
        return tuple(result)

    # --- nodes -----------------------------------------------------------------------------

    def nodes(self, top: dict[str, Any]) -> tuple[Node, ...]:
        raw = self.id_mapping(top, "nodes", True)
        if "nodes" in top and isinstance(top["nodes"], dict) and not raw:
            self.report(self.line_of(top, "nodes", 1), "the flow has no nodes", rule="empty-list")
        result = []
        for node_id, value in raw.items():
            where = f'node "{node_id}"'
            line = self.key_line(raw, node_id)
            if not SLUG.match(str(node_id)):
                self.report(
                    line,
                    f"{where}: node ids must be lower-case slugs "
                    "(letters a-z, digits and single hyphens)",
                    rule="bad-id",
                )
            node = self.node(str(node_id), value, line, where)
            if node is not None:
                result.append(node)
        return tuple(result)

    def node(self, node_id: str, value: object, line: int, where: str) -> Node | None:
        if not isinstance(value, dict):
            self.report(
                line, f"{where} must be a mapping of keys, not {type_name(value)}", rule="bad-type"
            )
            return None
        kind = value.get("kind")
        if kind not in KINDS:
            at = self.line_of(value, "kind", self.start_line(value, line))
            if "kind" not in value:
                self.report(
                    self.start_line(value, line),
                    f'{where} is missing required key "kind" (one of: {", ".join(KINDS)})',
                    rule="missing-key",
                )
            else:
                self.report(
                    at,
                    f'{where}: "kind" is "{kind}" but must be one of: ' + ", ".join(KINDS),
                    rule="bad-choice",
                )
            return None
        id_line = line
        data = self.mapping(value, line, kind, where)
        assert data is not None
        line = self.start_line(data, line)
        title = self.text(data, "title", line, where)
        text = self.text(data, "text", line, where)
        help_text = self.text(data, "help", line, where)
        cite = self.cites(data, line, where)
        links = self.links(data, line, where)
        parts: dict[str, Any] = {}
        if kind == "question":
            parts["answers"] = self.answers(node_id, data, line, where)
        elif kind == "checklist":
            parts["items"] = self.items(node_id, data, line, where)
            parts["routes"] = self.routes(node_id, data, line, where)
            parts["none"] = self.text(data, "none", line, where)
        elif kind == "info":
            if "next" in data:
                parts["next"] = self.next(data["next"], self.line_of(data, "next", line), where)
        else:
            parts["urgency"] = self.choice(data, "urgency", line, where, URGENCIES)
            parts["recommendations"] = self.recommendations(data, line, where)
            parts["follow_up"] = self.text(data, "follow_up", line, where)
            parts["actions"] = self.actions(data, line, where)
            parts["outcome_tags"] = self.text_list(data, "tags", line, where, SLUG)
            parts["patient"] = self.patient(data, line, where)
        if title is None or text is None:
            return None
        built = Node(
            id=node_id,
            kind=kind,
            title=title,
            text=text,
            help=help_text,
            cite=cite,
            links=links,
            line=id_line,
            **parts,
        )
        if kind == "outcome":
            self.outcome_checks(built, data, id_line, where)
        return built

    def answers(
        self, node_id: str, data: dict[str, Any], line: int, where: str
    ) -> tuple[Answer, ...]:
        raw = self.list_of(data, "answers", line, where)
        if "answers" in data and isinstance(data["answers"], list) and not raw:
            self.report(
                self.line_of(data, "answers", line),
                f"{where} is a dead end: a question needs at least one answer",
                rule="dead-end",
            )
        seen: dict[str, int] = {}
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            label = value.get("id") if isinstance(value, dict) else None
            answer_where = (
                f'{where} answer "{label}"'
                if isinstance(label, str)
                else (f"{where} answer {index + 1}")
            )
            item = self.mapping(value, at, "answer", answer_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            answer_id = self.slug(item, "id", at, answer_where)
            self.unique_id(seen, answer_id, self.line_of(item, "id", at), "answer", where)
            text = self.text(item, "text", at, answer_where)
            help_text = self.text(item, "help", at, answer_where)
            cite = self.cites(item, at, answer_where)
            setting = self.setting(item, at, answer_where)
            links = self.links(item, at, answer_where)
            not_examined = self.text(item, "not_examined", at, answer_where)
            next_entries = (
                self.next(item["next"], self.line_of(item, "next", at), answer_where)
                if "next" in item
                else ()
            )
            if answer_id and text is not None:
                result.append(
                    Answer(
                        answer_id,
                        text,
                        next_entries,
                        help_text,
                        cite,
                        setting,
                        links,
                        at,
                        not_examined,
                    )
                )
        self.answers_of[node_id] = tuple(seen)
        return tuple(result)

    def items(self, node_id: str, data: dict[str, Any], line: int, where: str) -> tuple[Item, ...]:
        raw = self.list_of(data, "items", line, where)
        if "items" in data and isinstance(data["items"], list) and not raw:
            self.report(
                self.line_of(data, "items", line),
                f"{where}: a checklist needs items",
                rule="empty-list",
            )
        seen: dict[str, int] = {}
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            label = value.get("id") if isinstance(value, dict) else None
            item_where = (
                f'{where} item "{label}"'
                if isinstance(label, str)
                else (f"{where} item {index + 1}")
            )
            item = self.mapping(value, at, "item", item_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            item_id = self.slug(item, "id", at, item_where)
            if item_id in ("any", "none"):
                self.report(
                    self.line_of(item, "id", at),
                    f'{item_where}: "{item_id}" cannot be an item id: '
                    f"{{ticked: {item_id}}} already means something else",
                    rule="reserved-id",
                )
                item_id = None
            self.unique_id(seen, item_id, self.line_of(item, "id", at), "item", where)
            text = self.text(item, "text", at, item_where)
            help_text = self.text(item, "help", at, item_where)
            cite = self.cites(item, at, item_where)
            not_examined = self.text(item, "not_examined", at, item_where)
            group = self.text(item, "group", at, item_where)
            if item_id and text is not None:
                result.append(Item(item_id, text, help_text, cite, at, not_examined, group))
        self.items_of[node_id] = tuple(seen)
        return tuple(result)

    def routes(
        self, node_id: str, data: dict[str, Any], line: int, where: str
    ) -> tuple[RouteRule, ...]:
        raw = self.list_of(data, "routes", line, where)
        if "routes" in data and isinstance(data["routes"], list) and not raw:
            self.report(
                self.line_of(data, "routes", line),
                f"{where} is a dead end: a checklist needs at least one route",
                rule="dead-end",
            )
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            route_where = f"{where} route {index + 1}"
            item = self.mapping(value, at, "route", route_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            label = self.text(item, "label", at, route_where)
            when = None
            if "when" in item:
                when = self.condition(
                    item["when"], self.line_of(item, "when", at), route_where, "checklist", node_id
                )
            last = index == len(raw) - 1
            if last and "when" in item:
                self.report(
                    self.line_of(item, "when", at),
                    f'{route_where} is the last route and must have no "when": '
                    "it is taken when no other route holds",
                    rule="default-order",
                )
            if not last and "when" not in item:
                self.report(
                    at,
                    f'{route_where} has no "when" but is not the last route: '
                    "the routes after it could never be taken",
                    rule="default-order",
                )
            setting = self.setting(item, at, route_where)
            next_entries = (
                self.next(item["next"], self.line_of(item, "next", at), route_where)
                if "next" in item
                else ()
            )
            if label is not None:
                result.append(RouteRule(label, next_entries, when, setting, at))
        return tuple(result)

    def next(self, value: object, line: int, where: str) -> tuple[NextEntry, ...]:
        """`next: node-id` or `next: [{when, to}, ..., {to}]`."""
        if isinstance(value, str):
            self.target(value, line, where)
            return (NextEntry(value, None, line),)
        if not isinstance(value, list):
            self.report(
                line,
                f'{where}: "next" must be a node id or a list of {{when, to}} entries, '
                f"not {type_name(value)}",
                rule="bad-type",
            )
            return ()
        if not value:
            self.report(line, f'{where}: "next" must not be an empty list', rule="empty-list")
        result = []
        for index, raw in enumerate(value):
            at = self.line_of(value, index, line)
            entry_where = f"{where} next entry {index + 1}"
            entry = self.mapping(raw, at, "next entry", entry_where)
            if entry is None:
                continue
            at = self.start_line(entry, at)
            to = self.text(entry, "to", at, entry_where)
            if to is not None:
                self.target(to, self.line_of(entry, "to", at), entry_where)
            last = index == len(value) - 1
            when = None
            if "when" in entry:
                when = self.condition(entry["when"], self.line_of(entry, "when", at), entry_where)
                if last:
                    self.report(
                        self.line_of(entry, "when", at),
                        f'{entry_where} is the last entry and must have no "when": '
                        "it is the default taken when no other entry holds",
                        rule="default-order",
                    )
            elif not last:
                self.report(
                    at,
                    f'{entry_where} has no "when" but is not the last entry: '
                    "the entries after it could never be taken",
                    rule="default-order",
                )
            if to is not None:
                result.append(NextEntry(to, when, at))
        return tuple(result)

    def target(self, to: str, line: int, where: str) -> None:
        if self.node_ids and to not in self.node_ids:
            self.report(
                line,
                f'{where} points to unknown node "{to}"' + suggest(to, self.node_ids, "nodes"),
                rule="unknown-node",
            )

    def setting(self, data: dict[str, Any], line: int, where: str) -> FactSetting:
        """`set: {fact: value}`: only declared facts and values."""
        if "set" not in data:
            return ()
        raw = data["set"]
        at = self.line_of(data, "set", line)
        if not isinstance(raw, dict):
            self.report(
                at,
                f'{where}: "set" must be a mapping of fact to value, not {type_name(raw)}',
                rule="bad-type",
            )
            return ()
        result = []
        for fact, value in raw.items():
            key_at = raw.key_lines.get(fact, at) if isinstance(raw, LineDict) else at
            value_at = self.line_of(raw, fact, key_at)
            if self.check_fact_value(str(fact), value, key_at, value_at, where):
                result.append((str(fact), str(value)))
        return tuple(result)

    def check_fact_value(
        self, fact: str, value: object, key_at: int, value_at: int, where: str
    ) -> bool:
        if fact not in self.facts:
            self.report(
                key_at,
                f'{where} uses unknown fact "{fact}"' + suggest(fact, list(self.facts), "facts"),
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
        if value not in self.facts[fact]:
            self.report(
                value_at,
                f'{where}: fact "{fact}" has no value "{value}"'
                + suggest(value, self.facts[fact], "values"),
                rule="unknown-fact-value",
            )
            return False
        return True

    def recommendations(
        self, data: dict[str, Any], line: int, where: str
    ) -> tuple[Recommendation, ...]:
        raw = self.list_of(data, "recommendations", line, where)
        if "recommendations" in data and isinstance(data["recommendations"], list) and not raw:
            self.report(
                self.line_of(data, "recommendations", line),
                f"{where} needs at least one recommendation",
                rule="empty-list",
            )
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            label = value.get("id") if isinstance(value, dict) else None
            rec_where = (
                f'{where} recommendation "{label}"'
                if isinstance(label, str)
                else (f"{where} recommendation {index + 1}")
            )
            item = self.mapping(value, at, "recommendation", rec_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            rec_id = self.slug(item, "id", at, rec_where)
            self.unique_id(
                self.recommendation_ids,
                rec_id,
                self.line_of(item, "id", at),
                "recommendation",
                where,
            )
            text = self.text(item, "text", at, rec_where)
            cite = self.cites(item, at, rec_where)
            if "cite" in item and isinstance(item["cite"], list) and not item["cite"]:
                self.report(
                    self.line_of(item, "cite", at),
                    f"{rec_where} must cite at least one source",
                    rule="missing-citation",
                )
            help_text = self.text(item, "help", at, rec_where)
            when = None
            if "when" in item:
                when = self.condition(
                    item["when"], self.line_of(item, "when", at), rec_where, "content"
                )
            tags = self.text_list(item, "tags", at, rec_where, SLUG)
            links = self.links(item, at, rec_where)
            group = self.text(item, "group", at, rec_where)
            if rec_id and text is not None:
                result.append(
                    Recommendation(rec_id, text, cite, help_text, when, tags, links, at, group)
                )
        return tuple(result)

    def actions(self, data: dict[str, Any], line: int, where: str) -> tuple[Action, ...]:
        """`actions:` the key actions, each cited and at most ACTION_WORDS words."""
        raw = self.list_of(data, "actions", line, where)
        if "actions" in data and isinstance(data["actions"], list) and not raw:
            self.report(
                self.line_of(data, "actions", line),
                f'{where}: "actions" is empty',
                rule="empty-list",
            )
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, line)
            action_where = f"{where} key action {index + 1}"
            item = self.mapping(value, at, "action", action_where)
            if item is None:
                continue
            at = self.start_line(item, at)
            text = self.text(item, "text", at, action_where)
            cite = self.cites(item, at, action_where)
            if "cite" in item and isinstance(item["cite"], list) and not item["cite"]:
                self.report(
                    self.line_of(item, "cite", at),
                    f"{action_where} must cite at least one source",
                    rule="missing-citation",
                )
            when = None
            if "when" in item:
                when = self.condition(
                    item["when"], self.line_of(item, "when", at), action_where, "content"
                )
            tags = self.text_list(item, "tags", at, action_where, SLUG)
            if text is not None:
                words = len(text.split())
                if words > ACTION_WORDS:
                    self.report(
                        self.line_of(item, "text", at),
                        f"{action_where} has {words} words; a key action has at most "
                        f"{ACTION_WORDS}: move the detail to a recommendation",
                        rule="long-action",
                    )
                result.append(Action(text, cite, when, tags, at))
        return tuple(result)

    def patient(self, data: dict[str, Any], line: int, where: str) -> PatientSheet | None:
        """`patient:` the advice sheet: what it probably is, do, avoid, get help now, come back."""
        if "patient" not in data:
            return None
        at = self.line_of(data, "patient", line)
        sheet_where = f"{where} patient sheet"
        item = self.mapping(data["patient"], at, "patient", sheet_where)
        if item is None:
            return None
        at = self.start_line(item, at)
        probably = self.text(item, "probably", at, sheet_where)
        title = self.text(item, "title", at, sheet_where)
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("do", "avoid", "get_help_now", "come_back"):
            values = self.list_of(item, key, at, sheet_where)
            key_at = self.line_of(item, key, at)
            if key in item and isinstance(item[key], list) and not values:
                self.report(
                    key_at, f'{sheet_where}: "{key}" needs at least one line', rule="empty-list"
                )
            lines = []
            for index, value in enumerate(values):
                if not isinstance(value, str) or not value.strip():
                    self.report(
                        self.line_of(values, index, key_at),
                        f'{sheet_where}: "{key}" entries must be text, not {type_name(value)}'
                        f"{hint_for(value)}",
                        rule="bad-type",
                    )
                else:
                    lines.append(value)
            lists[key] = tuple(lines)
        if probably is None or any(key not in item for key in lists):
            return None
        return PatientSheet(
            probably,
            lists["do"],
            lists["avoid"],
            lists["get_help_now"],
            lists["come_back"],
            title,
            at,
        )

    def outcome_checks(self, node: Node, data: dict[str, Any], line: int, where: str) -> None:
        """An emergency's first key action is the hand-off; required parts where switched on."""
        if node.urgency == "emergency" and node.actions:
            first = node.actions[0]
            if first.when is not None or not first.text.startswith("Refer now"):
                self.report(
                    first.line,
                    f'{where} is an emergency: its first key action must start "Refer now" '
                    'and have no "when" (it is always the first line)',
                    rule="emergency-first-action",
                )
        if ACTIONS_REQUIRED and "actions" not in data:
            self.report(
                line,
                f'{where} has no key actions: add "actions" (3 to 7 cited lines)',
                rule="missing-actions",
            )
        if PATIENT_REQUIRED and node.urgency != "emergency" and "patient" not in data:
            self.report(
                line,
                f'{where} has no patient advice sheet: add "patient"',
                rule="missing-patient-sheet",
            )

    # --- conditions ------------------------------------------------------------------------

    def condition(
        self,
        value: object,
        line: int,
        where: str,
        context: Context = "walk",
        checklist: str | None = None,
    ) -> Condition | None:
        """Parse a condition once per distinct mapping (see `conditions_seen`)."""
        if not isinstance(value, dict):
            return self.parse_condition(value, line, where, context, checklist)
        key = (id(value), context, checklist)
        seen = self.conditions_seen.get(key)
        if seen is not None and seen[0] is value:
            return seen[1]
        result = self.parse_condition(value, line, where, context, checklist)
        self.conditions_seen[key] = (value, result)  # keeps `value` alive: its id stays its own
        return result

    def parse_condition(
        self,
        value: object,
        line: int,
        where: str,
        context: Context = "walk",
        checklist: str | None = None,
    ) -> Condition | None:
        """Parse a condition; only the forms allowed in `context` are accepted."""
        forms = CONDITION_FORMS[context]
        if not isinstance(value, dict):
            self.report(
                line,
                f"{where}: a condition must be a mapping such as {forms}, not {type_name(value)}",
                rule="bad-type",
            )
            return None
        line = self.start_line(value, line)
        keys = set(value)

        def sub(key: str) -> int:
            return self.line_of(value, key, line)

        if keys in ({"fact", "equals"}, {"fact", "in"}):
            return self.fact_condition(value, line, where)
        if keys in ({"all"}, {"any"}):
            (key,) = keys
            raw = value[key]
            if not isinstance(raw, list) or not raw:
                self.report(
                    sub(key),
                    f'{where}: "{key}" must be a non-empty list of conditions',
                    rule="malformed-condition",
                )
                return None
            parts = [
                self.condition(p, self.line_of(raw, i, sub(key)), where, context, checklist)
                for i, p in enumerate(raw)
            ]
            if any(p is None for p in parts):
                return None
            clean = tuple(p for p in parts if p is not None)
            return AllOf(clean, line) if key == "all" else AnyOf(clean, line)
        if keys == {"not"}:
            part = self.condition(value["not"], sub("not"), where, context, checklist)
            return Not(part, line) if part is not None else None
        if keys == {"ticked"} and context == "checklist":
            return self.ticked(value, None, checklist, line, where)
        if keys == {"at", "ticked"} and context in ("safety", "content"):
            at = self.condition_node(value, "at", line, where, "checklist")
            return self.ticked(value, at, at, line, where) if at else None
        if keys == {"at", "answer"} and context == "safety":
            at = self.condition_node(value, "at", line, where, "question")
            answer = value["answer"]
            if at is None:
                return None
            if not isinstance(answer, str) or answer not in self.answers_of.get(at, ()):
                self.report(
                    sub("answer"),
                    f'{where}: node "{at}" has no answer "{answer}"'
                    + suggest(str(answer), self.answers_of.get(at, ()), "answers"),
                    rule="unknown-answer",
                )
                return None
            return Answered(at, answer, line)
        if keys == {"visited"} and context == "safety":
            node = self.condition_node(value, "visited", line, where, None)
            return Visited(node, line) if node else None
        if keys == {"ticked"} and context != "checklist":
            hint = (
                "; say which checklist: {at: node-id, ticked: ...}"
                if context in ("safety", "content")
                else "; only a checklist's routes can test ticked items"
            )
            self.report(
                line,
                f'{where}: a "ticked" condition is not allowed here{hint}',
                rule="condition-not-allowed",
            )
            return None
        if keys & {"at", "answer", "visited"} and context != "safety":
            if keys & {"at"} and context == "content":
                self.report(
                    line,
                    f"{where}: a recommendation or key action can test what was ticked at a "
                    "checklist ({at, ticked}), not answers or visits; here a condition is one "
                    "of " + forms,
                    rule="condition-not-allowed",
                )
                return None
            self.report(
                line,
                f"{where}: conditions on the route taken ({{at}}, {{visited}}) are only allowed "
                "in safety rules; here a condition is one of " + forms,
                rule="condition-not-allowed",
            )
            return None
        shown = ", ".join(sorted(str(k) for k in keys)) or "no keys"
        self.report(
            line,
            f"{where}: malformed condition with {shown}; a condition is one of {forms}",
            rule="malformed-condition",
        )
        return None

    def fact_condition(self, value: dict[str, Any], line: int, where: str) -> Condition | None:
        fact = value["fact"]
        fact_at = self.line_of(value, "fact", line)
        op: Literal["equals", "in"] = "equals" if "equals" in value else "in"
        raw = value[op]
        op_at = self.line_of(value, op, line)
        if op == "equals":
            raw_values: list[Any] = [raw]
            lines = [op_at]
        else:
            if not isinstance(raw, list) or not raw:
                self.report(
                    op_at,
                    f'{where}: "in" must be a non-empty list of values',
                    rule="malformed-condition",
                )
                return None
            raw_values = list(raw)
            lines = [self.line_of(raw, i, op_at) for i in range(len(raw))]
        if not isinstance(fact, str):
            self.report(
                fact_at,
                f'{where}: "fact" must be a fact name, not {type_name(fact)}',
                rule="bad-type",
            )
            return None
        ok = all(
            self.check_fact_value(fact, v, fact_at, at, where)
            for v, at in zip(raw_values, lines, strict=True)
        )
        if not ok:
            return None
        return FactIs(fact, tuple(str(v) for v in raw_values), op, line)

    def condition_node(
        self, value: dict[str, Any], key: str, line: int, where: str, kind: str | None
    ) -> str | None:
        node = value[key]
        at = self.line_of(value, key, line)
        if not isinstance(node, str) or node not in self.node_ids:
            self.report(
                at,
                f'{where}: "{key}" names unknown node "{node}"'
                + suggest(str(node), self.node_ids, "nodes"),
                rule="unknown-node",
            )
            return None
        if kind is not None and self.kind_of.get(node) not in (kind, None):
            self.report(
                at,
                f'{where}: node "{node}" is a {self.kind_of[node]}, not a {kind}',
                rule="wrong-kind",
            )
            return None
        return node

    def ticked(
        self,
        value: dict[str, Any],
        at: str | None,
        checklist: str | None,
        line: int,
        where: str,
    ) -> Ticked | None:
        raw = value["ticked"]
        raw_at = self.line_of(value, "ticked", line)
        if raw in ("any", "none"):
            return Ticked(raw, (), at, line)
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            self.report(
                raw_at,
                f'{where}: "ticked" must be any, none, an item id or a list of item ids, '
                f"not {type_name(raw)}{hint_for(raw)}",
                rule="malformed-condition",
            )
            return None
        known = self.items_of.get(checklist or "", ())
        ok = True
        for index, name in enumerate(names):
            if name not in known:
                ok = False
                self.report(
                    self.line_of(raw, index, raw_at),
                    f'{where}: checklist "{checklist}" has no item "{name}"'
                    + suggest(name, known, "items"),
                    rule="unknown-item",
                )
        return Ticked("items", tuple(names), at, line) if ok else None

    # --- safety ----------------------------------------------------------------------------

    def safety(self, top: dict[str, Any]) -> tuple[SafetyRule, ...]:
        raw = self.list_of(top, "safety", 1, "the flow")
        seen: dict[str, int] = {}
        result = []
        for index, value in enumerate(raw):
            at = self.line_of(raw, index, 1)
            label = value.get("id") if isinstance(value, dict) else None
            where = (
                f'safety rule "{label}"' if isinstance(label, str) else f"safety rule {index + 1}"
            )
            item = self.mapping(value, at, "safety rule", where)
            if item is None:
                continue
            at = self.start_line(item, at)
            rule_id = self.slug(item, "id", at, where)
            self.unique_id(seen, rule_id, self.line_of(item, "id", at), "safety rule", "the flow")
            text = self.text(item, "text", at, where)
            when = None
            if "when" in item:
                when = self.condition(item["when"], self.line_of(item, "when", at), where, "safety")
            require = self.requirement(item, at, where)
            hazard = read_hazard(self, item, at, where)  # engine/hazards.py owns its checks
            if rule_id and text is not None and when is not None and require is not None:
                result.append(SafetyRule(rule_id, text, when, require, at, hazard))
        return tuple(result)

    def requirement(self, item: dict[str, Any], line: int, where: str) -> Requirement | None:
        if "require" not in item:
            return None
        at = self.line_of(item, "require", line)
        data = self.mapping(item["require"], at, "require", f"{where} require")
        if data is None:
            return None
        at = self.start_line(data, at)
        if not data:
            self.report(
                at,
                f'{where}: "require" must say urgency, recommends, never_recommends, '
                "outcome_tags or never_outcome_tags",
                rule="empty-value",
            )
            return None
        urgency = self.text_list(data, "urgency", at, f"{where} require", SLUG)
        for index, level in enumerate(urgency):
            if level not in URGENCIES:
                self.report(
                    self.line_of(data["urgency"], index, at),
                    f'{where}: urgency "{level}" must be one of: ' + ", ".join(URGENCIES),
                    rule="bad-choice",
                )
                return None
        recommends = self.text_list(data, "recommends", at, f"{where} require", SLUG)
        never = self.text_list(data, "never_recommends", at, f"{where} require", SLUG)
        tagged = self.text_list(data, "outcome_tags", at, f"{where} require", SLUG)
        untagged = self.text_list(data, "never_outcome_tags", at, f"{where} require", SLUG)
        return Requirement(urgency, recommends, never, tagged, untagged)


def build_flow(data: object, path: str) -> tuple[Flow | None, list[Problem]]:
    """Shape-check plain data and build a Flow (None when any problem was found)."""
    builder = Builder(path)
    flow = builder.flow(data)
    return flow, builder.problems
