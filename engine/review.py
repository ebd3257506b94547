"""Clinical sign-off: review records, the state of each route, and the status a page shows.

A review record (`reviews/<flow-id>.yaml`, `reviews/pages.yaml`) says who approved exactly what:
the reviewer (name, role, registration), the date, the flow version, comments, and the
fingerprint of every route (or page) approved, plus the fingerprint of every part seen on those
routes (so a route changed since approval can say which part changed). This module reads the
records from plain data (the YAML loader's `LineDict`s keep lines for `reviews/x.yaml:LINE:`
problems), and derives, never takes from the author, the state of each route (approved, changed
since approval, never reviewed) and the status every page shows.

Pure: no I/O (`engine.io.records` reads the files and writes skeletons).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Literal

from engine.fingerprint import RoutePrint
from engine.model import Flow, FlowError, Problem
from engine.shape import LineDict, LineList, closest, type_name

HEX = re.compile(r"^[0-9a-f]{16}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

RECORD_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "flow record": (("flow", "reviews"), ()),
    "pages record": (("reviews",), ()),
    "flow review": (
        ("reviewer", "date", "flow_version", "routes"),
        ("comments", "content", "revision"),
    ),
    "pages review": (("reviewer", "date", "pages"), ("comments",)),
    "reviewer": (("name", "role", "registration"), ()),
    "route": (("route", "outcome", "fingerprint"), ()),
    "page": (("page", "fingerprint"), ()),
}
"""Required and optional keys of each part of a review record."""

RouteStateName = Literal["approved", "changed", "never"]
StatusName = Literal["draft", "partly-reviewed", "reviewed"]
STATE_WORDS = {
    "approved": "approved",
    "changed": "changed since approval",
    "never": "never reviewed",
}


@dataclass(frozen=True)
class Reviewer:
    name: str
    role: str
    registration: str

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


@dataclass(frozen=True)
class Approval:
    """One route (or page) as approved: its fingerprint then."""

    key: str
    """The route key (`node=choice ...`) or the page path (`docs/x.md`)."""
    fingerprint: str
    outcome: str = ""


@dataclass(frozen=True)
class Review:
    """One sign-off: who, when, what (routes or pages), and why."""

    reviewer: Reviewer
    date: str
    approvals: tuple[Approval, ...]
    flow_version: str = ""
    comments: str = ""
    content: tuple[tuple[str, str], ...] = ()
    """Part name -> fingerprint of every part seen on the approved routes."""
    revision: str = ""
    """Optional: the git revision the reviewer read (for `engine diff REV:flows/x.yaml ...`)."""
    line: int = 0

    def approval(self, key: str) -> Approval | None:
        return next((a for a in self.approvals if a.key == key), None)


class _Reader:
    """Checks a record's plain data, collecting every problem with its line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    @staticmethod
    def at(container: object, key: str | int, default: int) -> int:
        if isinstance(container, LineDict) and isinstance(key, str):
            return container.value_lines.get(key, container.key_lines.get(key, default))
        if (
            isinstance(container, LineList)
            and isinstance(key, int)
            and 0 <= key < len(container.item_lines)
        ):
            return container.item_lines[key]
        return default

    def mapping(self, value: object, line: int, part: str, where: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(line, f"{where} must be a mapping of keys, not {type_name(value)}")
            return None
        line = value.line if isinstance(value, LineDict) else line
        required, optional = RECORD_KEYS[part]
        allowed = sorted(required + optional)
        for key in value:
            if key not in allowed:
                key_line = value.key_lines.get(key, line) if isinstance(value, LineDict) else line
                close = closest(str(key), allowed)
                mean = f' (did you mean "{close}"?)' if close else ""
                self.report(
                    key_line,
                    f'{where} has unknown key "{key}"{mean}; allowed keys are: '
                    + ", ".join(allowed),
                )
        for key in required:
            if key not in value:
                self.report(line, f'{where} is missing required key "{key}"')
        return value

    def text(self, data: dict[str, Any], key: str, line: int, where: str) -> str:
        if key not in data:
            return ""
        value = data[key]
        if isinstance(value, int | float) and not isinstance(value, bool) and key != "date":
            value = str(value)  # flow_version: 1.0 written without quotes
        if not isinstance(value, str) or not value.strip():
            self.report(
                self.at(data, key, line),
                f'{where}: "{key}" must be non-empty text, not {type_name(value)}',
            )
            return ""
        return value.strip()

    def date(self, data: dict[str, Any], line: int, where: str) -> str:
        value = self.text(data, "date", line, where)
        if not value:
            return ""
        try:
            if not DATE.match(value):
                raise ValueError(value)
            datetime.date.fromisoformat(value)
        except ValueError:
            self.report(
                self.at(data, "date", line),
                f'{where}: "date" is "{value}" but must be the date signed, written YYYY-MM-DD',
            )
            return ""
        return value

    def fingerprint(self, data: dict[str, Any], key: str, line: int, where: str) -> str:
        value = self.text(data, key, line, where)
        if value and not HEX.match(value):
            self.report(
                self.at(data, key, line),
                f'{where}: "{key}" is "{value}" but a fingerprint is 16 hex digits (0-9, a-f); '
                "copy it from `python -m engine review`",
            )
            return ""
        return value

    def items(self, data: dict[str, Any], key: str, line: int, where: str) -> list[Any]:
        value = data.get(key)
        if key in data and not isinstance(value, list):
            self.report(self.at(data, key, line), f'{where}: "{key}" must be a list')
            return []
        return value or []

    def reviewer(self, data: dict[str, Any], line: int, where: str) -> Reviewer | None:
        at = self.at(data, "reviewer", line)
        person = self.mapping(data.get("reviewer"), at, "reviewer", f"{where} reviewer")
        if person is None:
            return None
        name, role, registration = (
            self.text(person, key, at, f"{where} reviewer")
            for key in ("name", "role", "registration")
        )
        return Reviewer(name, role, registration) if name and role and registration else None

    def review(
        self, value: object, line: int, kind: Literal["flow", "pages"], index: int
    ) -> Review | None:
        where = f"review {index + 1}"
        data = self.mapping(value, line, f"{kind} review", where)
        if data is None:
            return None
        line = data.line if isinstance(data, LineDict) else line
        before = len(self.problems)
        reviewer = self.reviewer(data, line, where) if "reviewer" in data else None
        date = self.date(data, line, where)
        comments = str(data.get("comments") or "").strip()
        approvals: list[Approval] = []
        seen: dict[str, int] = {}
        part, key_name = ("route", "route") if kind == "flow" else ("page", "page")
        entries = self.items(data, "routes" if kind == "flow" else "pages", line, where)
        for number, entry in enumerate(entries):
            at = self.at(entries, number, line)
            what = f"{where} {part} {number + 1}"
            item = self.mapping(entry, at, part, what)
            if item is None:
                continue
            at = item.line if isinstance(item, LineDict) else at
            key = self.text(item, key_name, at, what)
            fingerprint = self.fingerprint(item, "fingerprint", at, what)
            outcome = self.text(item, "outcome", at, what) if kind == "flow" else ""
            if key in seen:
                self.report(
                    at, f'{what}: {part} "{key}" is listed twice (first at line {seen[key]})'
                )
            elif key and fingerprint:
                seen[key] = at
                approvals.append(Approval(key, fingerprint, outcome))
        content: list[tuple[str, str]] = []
        if kind == "flow":
            version = self.text(data, "flow_version", line, where)
            raw = data.get("content") or {}
            if not isinstance(raw, dict):
                self.report(self.at(data, "content", line), f'{where}: "content" must be a mapping')
                raw = {}
            for name in raw:
                at = raw.value_lines.get(name, raw.line) if isinstance(raw, LineDict) else line
                value = raw[name]
                if not isinstance(value, str) or not HEX.match(value):
                    self.report(at, f'{where}: content "{name}" must be a 16-hex-digit fingerprint')
                else:
                    content.append((str(name), value))
        else:
            version = ""
        revision = self.text(data, "revision", line, where) if "revision" in data else ""
        if len(self.problems) > before or reviewer is None:
            return None
        return Review(
            reviewer, date, tuple(approvals), version, comments, tuple(content), revision, line
        )


def read_record(
    data: object, path: str, kind: Literal["flow", "pages"], flow_id: str | None = None
) -> tuple[Review, ...]:
    """A review record's plain data -> its reviews, or FlowError with every problem."""
    reader = _Reader(path)
    if data is None:
        raise FlowError([Problem(path, 1, "the review record is empty")])
    top = reader.mapping(data, 1, f"{kind} record", "the review record")
    reviews: list[Review] = []
    if top is not None:
        if kind == "flow" and "flow" in top:
            named = reader.text(top, "flow", 1, "the review record")
            if flow_id is not None and named and named != flow_id:
                reader.report(
                    reader.at(top, "flow", 1),
                    f'the review record is for flow "{named}" but this file belongs to flow '
                    f'"{flow_id}" (records are named reviews/<flow-id>.yaml)',
                )
        entries = reader.items(top, "reviews", 1, "the review record")
        for index, entry in enumerate(entries):
            review = reader.review(entry, reader.at(entries, index, 1), kind, index)
            if review is not None:
                reviews.append(review)
    if reader.problems:
        raise FlowError(reader.problems)
    return tuple(reviews)


# --- states -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteState:
    """One route now: approved, changed since approval (and what changed), or never reviewed."""

    print: RoutePrint
    state: RouteStateName
    review: Review | None = None
    """approved: the latest review approving it; changed: the latest review that approved it."""
    changes: tuple[str, ...] = ()


def part_words(flow: Flow, name: str) -> str:
    """A part name (`step:red-flags`) in a reviewer's words (`step "Red flags"`)."""
    kind, _, ident = name.partition(":")
    if kind in ("step", "outcome") and flow.has_node(ident):
        return f'{kind} "{flow.node(ident).title}"'
    if kind == "source" and flow.source(ident) is not None:
        return f'source "{flow.source(ident).short}"'  # type: ignore[union-attr]
    if kind == "flow":
        return "the flow's title or summary"
    if kind == "facts":
        return "the facts recorded on the route"
    return f'{kind} "{ident}"'


def what_changed(
    flow: Flow, current: RoutePrint, approval: Approval, review: Review
) -> tuple[str, ...]:
    """Which parts of a route differ from what the review approved."""
    changes: list[str] = []
    if approval.outcome and approval.outcome != current.outcome:
        before = (
            flow.node(approval.outcome).title
            if flow.has_node(approval.outcome)
            else approval.outcome
        )
        changes.append(f'the outcome is now "{flow.node(current.outcome).title}" (was "{before}")')
    approved = dict(review.content)
    for name, fingerprint in current.part_hashes.items():
        if name not in approved:
            changes.append(f"new on this route: {part_words(flow, name)}")
        elif approved[name] != fingerprint:
            changes.append(f"{part_words(flow, name)} changed")
    if not changes:
        changes.append(
            "a part approved then is no longer shown, or the facts recorded changed "
            "(`python -m engine diff` shows the old and new text)"
        )
    return tuple(changes)


def route_states(
    flow: Flow, prints: list[RoutePrint], reviews: tuple[Review, ...]
) -> list[RouteState]:
    """The state of every route given every review of the flow (latest review first wins)."""
    latest_first = sorted(reviews, key=lambda r: r.date, reverse=True)
    states: list[RouteState] = []
    for current in prints:
        approving = next(
            (
                r
                for r in latest_first
                if (a := r.approval(current.key)) and a.fingerprint == current.fingerprint
            ),
            None,
        )
        if approving is not None:
            states.append(RouteState(current, "approved", approving))
            continue
        earlier = next((r for r in latest_first if r.approval(current.key)), None)
        if earlier is not None:
            approval = earlier.approval(current.key)
            assert approval is not None
            changes = what_changed(flow, current, approval, earlier)
            states.append(RouteState(current, "changed", earlier, changes))
        else:
            states.append(RouteState(current, "never"))
    return states


# --- the status a page shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """What a page says about its review, derived from the records (`data-review-status`)."""

    state: StatusName
    text: str


def reviewers_text(reviews: list[Review]) -> str:
    unique = list(dict.fromkeys((str(r.reviewer), r.date) for r in reviews))
    return "; ".join(f"{who}, {date}" for who, date in unique)


def routes_status(states: list[RouteState], what: str = "routes") -> Status:
    """`Draft: not yet clinically reviewed (0 of 73 routes)` or `Reviewed by ... (73 of 73 routes)`
    (or partly reviewed)."""
    total = len(states)
    approved = [s for s in states if s.state == "approved"]
    count = f"({len(approved)} of {total} {what})"
    if not approved:
        return Status("draft", f"Draft: not yet clinically reviewed {count}")
    by = reviewers_text(
        sorted((s.review for s in approved if s.review), key=lambda r: r.date, reverse=True)
    )
    if len(approved) == total:
        return Status("reviewed", f"Reviewed by {by} {count}")
    return Status(
        "partly-reviewed",
        f"Partly reviewed by {by} {count}; the other routes are not yet reviewed or have "
        "changed since approval",
    )


def page_status(page: str, fingerprint: str, reviews: tuple[Review, ...]) -> Status:
    """A reading page is reviewed only if a record approves its current content."""
    for review in sorted(reviews, key=lambda r: r.date, reverse=True):
        approval = review.approval(page)
        if approval is not None and approval.fingerprint == fingerprint:
            return Status("reviewed", f"Last reviewed {review.date} by {review.reviewer}")
    changed = any(r.approval(page) for r in reviews)
    if changed:
        return Status("draft", "Draft: changed since its last clinical review")
    return Status("draft", "Draft: not yet clinically reviewed")


def approval_problem(flow: Flow, states: list[RouteState], line: int) -> Problem | None:
    """`review_status: approved` is only true when every route's current content is approved."""
    if flow.review_status != "approved":
        return None
    missing = [s for s in states if s.state != "approved"]
    if not missing:
        return None
    first = missing[0]
    return Problem(
        flow.path,
        line,
        f'"review_status" is "approved" but {len(missing)} of {len(states)} routes are not '
        f"approved in reviews/{flow.id}.yaml (first: {first.print.key}, "
        f"{STATE_WORDS[first.state]}); run `python -m engine review {flow.path}`",
    )
