"""What changed for readers between two versions of a flow, route by route, in Markdown.

Routes are matched by their key (the answers, `node=choice ...`, see `engine.fingerprint`): a key
only in the new flow is a route added, only in the old one a route removed, in both with another
fingerprint a route changed. For a changed route every part seen on it (steps, outcome,
recommendations, facts, sources) is compared field by field, so the report names the outcome,
urgency, actions, recommendation text, grades and citations that changed, with the old and new
words. Identical changes are listed once with the routes they appear on.

Pure: takes two checked flows (`python -m engine diff` reads them from files or git).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.fingerprint import RoutePrint, flow_prints, route_parts
from engine.model import Flow
from engine.semantics import shown_facts

Change = tuple[str, str, str]
"""(what changed, before, after)."""


@dataclass
class FlowDiff:
    old: Flow
    new: Flow
    added: list[RoutePrint] = field(default_factory=list)
    removed: list[RoutePrint] = field(default_factory=list)
    changed: dict[Change, list[str]] = field(default_factory=dict)
    """Each change and the keys of the routes it appears on."""
    changed_routes: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed_routes)


def words(value: Any) -> str:
    """A dumped value in plain words (citations as `source (rec, grade)`)."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return "; ".join(words(v) for v in value)
    if isinstance(value, dict):
        if "source" in value:
            extra = [words(v) for k, v in value.items() if k != "source" and v not in (None, "")]
            return f"{value['source']} ({', '.join(extra)})" if extra else str(value["source"])
        return ", ".join(f"{k}: {words(v)}" for k, v in value.items() if v not in (None, "", []))
    return str(value)


def by_id(value: Any) -> dict[str, Any] | None:
    """A list of parts with ids (answers, items) as id -> part; None for any other value."""
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        return {str(v["id"]): v for v in value}
    return None


def field_changes(what: str, old: Any, new: Any) -> list[Change]:
    """Field by field differences of two dumped parts; answers and items are compared one by
    one (by id), so a changed answer is named, not the whole list."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in dict.fromkeys([*old, *new]):
            before, after = old.get(key), new.get(key)
            if key == "id" or before == after:
                continue
            label = "grades or citations" if key == "cite" else key.replace("_", " ")
            old_parts, new_parts = by_id(before), by_id(after)
            if old_parts is not None and new_parts is not None:
                for ident in dict.fromkeys([*old_parts, *new_parts]):
                    one = f'{what}: {label.rstrip("s")} "{ident}"'
                    if ident not in new_parts:
                        changes.append((f"{one} removed", words(old_parts[ident].get("text")), ""))
                    elif ident not in old_parts:
                        changes.append((f"{one} added", "", words(new_parts[ident].get("text"))))
                    else:
                        changes += field_changes(one, old_parts[ident], new_parts[ident])
                continue
            changes.append((f"{what}: {label}", words(before), words(after)))
        return changes
    return [] if old == new else [(what, words(old), words(new))]


def part_label(flow: Flow, name: str) -> str:
    kind, _, ident = name.partition(":")
    if kind in ("step", "outcome") and flow.has_node(ident):
        return f'{kind.capitalize()} "{flow.node(ident).title}"'
    if kind == "flow":
        return "The flow"
    if kind == "facts":
        return "Facts recorded"
    return f'{kind.capitalize()} "{ident}"'


def facts_words(route: RoutePrint) -> str:
    shown = shown_facts(route.route.facts)  # not the facts a checklist records for content
    return "; ".join(f"{fact} = {value}" for fact, value in shown) or "(none)"


def route_changes(old: Flow, new: Flow, before: RoutePrint, after: RoutePrint) -> list[Change]:
    """Every difference a reader would see on one route between the two flows."""
    old_parts = route_parts(old, before.route)
    new_parts = route_parts(new, after.route)
    changes: list[Change] = []
    if shown_facts(before.route.facts) != shown_facts(after.route.facts):
        changes.append(("Facts recorded", facts_words(before), facts_words(after)))
    if before.outcome != after.outcome:
        changes.append(
            (
                "Outcome",
                f'"{old.outcome(before.outcome).title}" ({old.outcome(before.outcome).urgency})',
                f'"{new.outcome(after.outcome).title}" ({new.outcome(after.outcome).urgency})',
            )
        )
    for name in dict.fromkeys([*old_parts, *new_parts]):
        if name.startswith("outcome:") and before.outcome != after.outcome:
            continue
        if name not in new_parts:
            if name.startswith("recommendation:"):
                text = words(old_parts[name].get("text"))
                changes.append((f"{part_label(old, name)} no longer shown", text, "(none)"))
            continue
        if name not in old_parts:
            if name.startswith("recommendation:"):
                text = words(new_parts[name].get("text"))
                changes.append((f"{part_label(new, name)} now shown", "(none)", text))
            elif not name.startswith(("fact:", "source:")):
                changes.append((f"{part_label(new, name)} is new on this route", "(none)", ""))
            continue
        old_part, new_part = old_parts[name], new_parts[name]
        changes += field_changes(part_label(new, name), old_part, new_part)
    return changes


def diff_flows(old: Flow, new: Flow) -> FlowDiff:
    """Routes added, removed and changed from `old` to `new`."""
    result = FlowDiff(old, new)
    before = {p.key: p for p in flow_prints(old)}
    after = {p.key: p for p in flow_prints(new)}
    result.added = [p for key, p in after.items() if key not in before]
    result.removed = [p for key, p in before.items() if key not in after]
    for key, now in after.items():
        then = before.get(key)
        if then is None:
            continue
        if then.fingerprint == now.fingerprint:
            result.unchanged += 1
            continue
        result.changed_routes.append(key)
        for change in route_changes(old, new, then, now) or [("Route", "", "")]:
            result.changed.setdefault(change, []).append(key)
    return result


def _route_line(flow: Flow, route: RoutePrint) -> str:
    outcome = flow.outcome(route.outcome)
    return f'- `{route.key}` → "{outcome.title}" ({outcome.urgency})'


def diff_markdown(diff: FlowDiff, heading: str = "#", max_routes: int | None = None) -> str:
    """The diff for people: summary line, routes added and removed, then each change once.

    Flow text is put in as written (it is Markdown already); the site renders this through the
    engine's Markdown renderer, which allows no raw HTML. `max_routes` shortens each list of
    routes (the site's page; the command line lists every route).
    """
    old, new = diff.old, diff.new
    versions = (
        f"version {old.version} → {new.version}"
        if old.version != new.version
        else f"version {new.version}"
    )
    lines = [
        f"{heading} Changes to {new.title} (`{new.id}`), {versions}",
        "",
    ]
    if not diff.has_changes:
        lines.append("No route changed: every route shows the same content as before.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(diff.added)} routes added, {len(diff.removed)} removed, "
        f"{len(diff.changed_routes)} changed, {diff.unchanged} unchanged."
    )
    sub = heading + "#"
    if diff.added:
        lines += ["", f"{sub} Routes added", ""]
        lines += [_route_line(new, route) for route in diff.added]
    if diff.removed:
        lines += ["", f"{sub} Routes removed", ""]
        lines += [_route_line(old, route) for route in diff.removed]
    if diff.changed:
        lines += ["", f"{sub} Changes on existing routes", ""]
        for (what, before, after), keys in diff.changed.items():
            lines.append(f"- **{_md(what)}**")
            if before or after:
                lines.append(f"    - before: {_md(before)}")
                lines.append(f"    - after: {_md(after)}")
            listed = keys if max_routes is None else keys[:max_routes]
            shown = ", ".join(f"`{key}`" for key in listed)
            if len(listed) < len(keys):
                shown += f" and {len(keys) - len(listed)} more"
            lines.append(f"    - on {len(keys)} route{'s' if len(keys) != 1 else ''}: {shown}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Flow text on one line of a Markdown list item."""
    return " ".join(text.split())
