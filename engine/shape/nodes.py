"""Reading nodes: the parts every node has, then each kind's own (answers; items and routes;
`next`; an outcome's urgency, recommendations, key actions and patient sheet)."""

from __future__ import annotations

from typing import Any

from engine.model import (
    ACTION_WORDS,
    ACTIONS_REQUIRED,
    KINDS,
    NODE_CLASSES,
    PATIENT_REQUIRED,
    Action,
    Answer,
    Item,
    Node,
    OutcomeNode,
    PatientSheet,
    Recommendation,
    RouteRule,
)
from engine.shape.common import Parts
from engine.shape.context import At
from engine.shape.lines import line_of, start_line
from engine.shape.parts import PARTS

RESERVED_ITEMS = ("any", "none")
"""`{ticked: any}` and `{ticked: none}` already mean something: no item has these ids."""


def item_ids(items: list[Any]) -> tuple[str, ...]:
    """A checklist's item ids as `Nodes.items` keeps them (well-formed, not reserved, first of
    each), read straight from the data in phase 1: a condition may name items of a checklist
    written after it."""
    form = PARTS["item"].by_name["id"].format
    assert form is not None
    ids = (item.get("id") for item in items if isinstance(item, dict))
    kept = (i for i in ids if isinstance(i, str) and form.fits(i) and i not in RESERVED_ITEMS)
    return tuple(dict.fromkeys(kept))


class Nodes(Parts):
    """Nodes and their parts."""

    def nodes(self, top: At) -> tuple[Node, ...]:
        result = []
        for node_id, line, _, raw in self.id_map(top, "nodes"):
            node = self.node(node_id, raw, line, f'node "{node_id}"')
            if node is not None:
                result.append(node)
        return tuple(result)

    def node(self, node_id: str, value: object, line: int, where: str) -> Node | None:
        """One node: its kind decides which part of the table it is checked against."""
        kind = value.get("kind") if isinstance(value, dict) else None
        if isinstance(value, dict) and kind not in KINDS:
            if "kind" not in value:
                self.report(
                    start_line(value, line),
                    f'{where} is missing required key "kind" (one of: {", ".join(KINDS)})',
                    rule="missing-key",
                )
            else:
                self.report(
                    line_of(value, "kind", start_line(value, line)),
                    f'{where}: "kind" is "{kind}" but must be one of: ' + ", ".join(KINDS),
                    rule="bad-choice",
                )
            return None
        at = self.mapping(value, line, str(kind), where)  # not a mapping: reported there
        if at is None:
            return None
        title = self.text(at, "title")
        text = self.text(at, "text")
        common: dict[str, Any] = {
            "help": self.text(at, "help"),
            "cite": self.cites(at),
            "links": self.links(at),
        }
        own: dict[str, Any] = {}
        if kind == "question":
            own["answers"] = self.answers(node_id, at)
        elif kind == "checklist":
            own["items"] = self.items(at)
            own["routes"] = self.routes(node_id, at)
            own["none"] = self.text(at, "none")
        elif kind == "info":
            own["next"] = self.next(at)
        else:
            own["urgency"] = self.value(at, "urgency")
            own["recommendations"] = self.recommendations(at)
            own["follow_up"] = self.text(at, "follow_up")
            own["actions"] = self.actions(at)
            own["outcome_tags"] = self.names(at, "tags")
            own["patient"] = self.patient(at)
        if title is None or text is None:
            return None
        built = NODE_CLASSES[at.part.name](
            id=node_id, title=title, text=text, line=line, **common, **own
        )
        if isinstance(built, OutcomeNode):
            self.outcome_checks(built, at, line)
        return built

    def answers(self, node_id: str, at: At) -> tuple[Answer, ...]:
        seen: dict[str, int] = {}
        result = []
        for _, item in self.parts(at, "answers"):
            answer_id = self.value(item, "id")
            self.unique(seen, answer_id, item, "answer", at.where)
            text = self.text(item, "text")
            help_text = self.text(item, "help")
            cite = self.cites(item)
            setting = self.setting(item)
            links = self.links(item)
            not_examined = self.text(item, "not_examined")
            next_entries = self.next(item)
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
                        item.line,
                        not_examined,
                    )
                )
        self.ids.answers_of[node_id] = tuple(seen)
        return tuple(result)

    def items(self, at: At) -> tuple[Item, ...]:
        seen: dict[str, int] = {}
        result = []
        for _, item in self.parts(at, "items"):
            item_id = self.value(item, "id")
            if item_id in RESERVED_ITEMS:
                self.report(
                    item.line_of("id"),
                    f'{item.where}: "{item_id}" cannot be an item id: '
                    f"{{ticked: {item_id}}} already means something else",
                    rule="reserved-id",
                )
                item_id = None
            self.unique(seen, item_id, item, "item", at.where)
            text = self.text(item, "text")
            help_text = self.text(item, "help")
            cite = self.cites(item)
            not_examined = self.text(item, "not_examined")
            group = self.text(item, "group")
            if item_id and text is not None:
                result.append(Item(item_id, text, help_text, cite, item.line, not_examined, group))
        return tuple(result)

    def routes(self, node_id: str, at: At) -> tuple[RouteRule, ...]:
        raw = at.data.get("routes")
        count = len(raw) if isinstance(raw, list) else 0
        result = []
        for index, item in self.parts(at, "routes"):
            label = self.text(item, "label")
            when = self.when(item, "checklist", node_id)
            self.default_last(item, index, count, ("route", "routes"), "it is")
            setting = self.setting(item)
            next_entries = self.next(item)
            if label is not None:
                result.append(RouteRule(label, next_entries, when, setting, item.line))
        return tuple(result)

    def recommendations(self, at: At) -> tuple[Recommendation, ...]:
        result = []
        for _, item in self.parts(at, "recommendations"):
            rec_id = self.value(item, "id")
            self.unique(self.ids.recommendation_ids, rec_id, item, "recommendation", at.where)
            text = self.text(item, "text")
            cite = self.cites(item)
            help_text = self.text(item, "help")
            when = self.when(item, "content")
            tags = self.names(item, "tags")
            links = self.links(item)
            group = self.text(item, "group")
            if rec_id and text is not None:
                result.append(
                    Recommendation(
                        rec_id, text, cite, help_text, when, tags, links, item.line, group
                    )
                )
        return tuple(result)

    def actions(self, at: At) -> tuple[Action, ...]:
        """`actions:` the key actions, each cited and at most ACTION_WORDS words."""
        result = []
        for _, item in self.parts(at, "actions"):
            text = self.text(item, "text")
            cite = self.cites(item)
            when = self.when(item, "content")
            tags = self.names(item, "tags")
            if text is not None:
                words = len(text.split())
                if words > ACTION_WORDS:
                    self.report(
                        item.line_of("text"),
                        f"{item.where} has {words} words; a key action has at most "
                        f"{ACTION_WORDS}: move the detail to a recommendation",
                        rule="long-action",
                    )
                result.append(Action(text, cite, when, tags, item.line))
        return tuple(result)

    def patient(self, at: At) -> PatientSheet | None:
        """`patient:` the advice sheet: what it probably is, do, avoid, get help now, come back."""
        sheet = self.part(at, "patient", f"{at.where} patient sheet")
        if sheet is None:
            return None
        probably = self.text(sheet, "probably")
        title = self.text(sheet, "title")
        lists = {
            key: self.lines(sheet, key) for key in ("do", "avoid", "get_help_now", "come_back")
        }
        if probably is None or any(key not in sheet.data for key in lists):
            return None
        return PatientSheet(
            probably,
            lists["do"],
            lists["avoid"],
            lists["get_help_now"],
            lists["come_back"],
            title,
            sheet.line,
        )

    def outcome_checks(self, node: OutcomeNode, at: At, line: int) -> None:
        """An emergency's first key action is the hand-off; required parts where switched on."""
        if node.urgency == "emergency" and node.actions:
            first = node.actions[0]
            if first.when is not None or not first.text.startswith("Refer now"):
                self.report(
                    first.line,
                    f'{at.where} is an emergency: its first key action must start "Refer now" '
                    'and have no "when" (it is always the first line)',
                    rule="emergency-first-action",
                )
        if ACTIONS_REQUIRED and "actions" not in at.data:
            self.report(
                line,
                f'{at.where} has no key actions: add "actions" (3 to 7 cited lines)',
                rule="missing-actions",
            )
        if PATIENT_REQUIRED and node.urgency != "emergency" and "patient" not in at.data:
            self.report(
                line,
                f'{at.where} has no patient advice sheet: add "patient"',
                rule="missing-patient-sheet",
            )
