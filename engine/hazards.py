"""The hazard log: hazard metadata on safety rules, its checks, and the log as data.

DCB0129 (clinical risk management for health IT) asks for a hazard log: each hazard with its
cause, its clinical effect, its severity and likelihood before and after the control, and how the
control was verified. Here the control is a safety rule, and its verification is the build's
proof of the rule over every route. A rule's `hazard:` block:

    hazard:
      id: HAZ-01
      hazard: Suspected cauda equina syndrome is not treated as an emergency.
      cause: ...
      effect: ...
      before: {severity: catastrophic, likelihood: medium}
      after: {severity: catastrophic, likelihood: very low}

`HAZARD_REQUIRED` decides whether every safety rule must carry one (a problem at the rule's line
otherwise). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.model import Flow, Hazard, SafetyRule

if TYPE_CHECKING:  # engine.shape imports this module: no import of shape or analysis at the top
    from engine.analysis import StateKey
    from engine.shape import Builder

HAZARD_REQUIRED = False
"""Off in the format (test flows need none); tests/content proves every published rule has one."""

SEVERITIES = ("catastrophic", "major", "considerable", "significant", "minor")
"""DCB0129 consequence categories, worst first."""
LIKELIHOODS = ("very high", "high", "medium", "low", "very low")
"""DCB0129 likelihood categories, most likely first."""

RISK_MATRIX: dict[str, tuple[int, ...]] = {
    # likelihood: risk rating for minor, significant, considerable, major, catastrophic
    "very high": (3, 4, 4, 5, 5),
    "high": (2, 3, 3, 4, 5),
    "medium": (2, 2, 3, 3, 4),
    "low": (1, 2, 2, 3, 4),
    "very low": (1, 1, 2, 2, 3),
}
"""The DCB0129 / DCB0160 risk matrix: clinical risk rating 1 (very low) to 5 (very high)."""
RISK_WORDS = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}

HAZARD_KEYS = ("after", "before", "cause", "effect", "hazard", "id")
LEVEL_KEYS = ("likelihood", "severity")
HAZARD_ID = re.compile(r"^HAZ-\d{2,3}$")


def risk(severity: str, likelihood: str) -> int:
    """The risk rating (1-5) of a severity and likelihood."""
    return RISK_MATRIX[likelihood][tuple(reversed(SEVERITIES)).index(severity)]


def read_hazard(builder: Builder, item: dict[str, Any], line: int, where: str) -> Hazard | None:
    """A safety rule's `hazard:` block, checked (problems reported through the builder)."""
    if "hazard" not in item:
        if HAZARD_REQUIRED:
            builder.report(
                line,
                f'{where} has no "hazard" block: every safety rule names the hazard it controls '
                "(id, hazard, cause, effect, before, after; see docs/authoring.md)",
                rule="missing-key",
            )
        return None
    at = builder.line_of(item, "hazard", line)
    value = item["hazard"]
    what = f"{where} hazard"
    if not isinstance(value, dict):
        builder.report(
            at, f"{what} must be a mapping with keys: " + ", ".join(HAZARD_KEYS), rule="bad-type"
        )
        return None
    at = builder.start_line(value, at)
    before = len(builder.problems)
    for key in value:
        if key not in HAZARD_KEYS:
            builder.report(
                builder.key_line(value, str(key)) or at,
                f'{what} has unknown key "{key}"; allowed keys are: ' + ", ".join(HAZARD_KEYS),
                rule="unknown-key",
            )
    for key in HAZARD_KEYS:
        if key not in value:
            builder.report(at, f'{what} is missing required key "{key}"', rule="missing-key")
    texts = {key: builder.text(value, key, at, what) for key in ("id", "hazard", "cause", "effect")}
    hazard_id = texts["id"]
    if hazard_id is not None and not HAZARD_ID.match(hazard_id):
        builder.report(
            builder.line_of(value, "id", at),
            f'{what}: "id" is "{hazard_id}" but hazard ids are written HAZ-01, HAZ-02, ...',
            rule="bad-id",
        )
    levels = {key: _level(builder, value, key, at, what) for key in ("before", "after")}
    if len(builder.problems) > before:
        return None
    b, a = levels["before"], levels["after"]
    assert b and a and hazard_id and texts["hazard"] and texts["cause"] and texts["effect"]
    return Hazard(
        hazard_id,
        texts["hazard"].strip(),
        texts["cause"].strip(),
        texts["effect"].strip(),
        b[0],
        b[1],
        a[0],
        a[1],
        at,
    )


def _level(
    builder: Builder, data: dict[str, Any], key: str, line: int, where: str
) -> tuple[str, str] | None:
    """`{severity: ..., likelihood: ...}` with DCB0129's words."""
    if key not in data:
        return None
    at = builder.line_of(data, key, line)
    value = data[key]
    if not isinstance(value, dict):
        builder.report(
            at, f'{where}: "{key}" must be {{severity: ..., likelihood: ...}}', rule="bad-type"
        )
        return None
    at = builder.start_line(value, at)
    ok = True
    for extra in value:
        if extra not in LEVEL_KEYS:
            builder.report(
                at,
                f'{where} {key} has unknown key "{extra}"; allowed: severity, likelihood',
                rule="unknown-key",
            )
            ok = False
    found: dict[str, str] = {}
    for part, allowed in (("severity", SEVERITIES), ("likelihood", LIKELIHOODS)):
        word = value.get(part)
        if not isinstance(word, str) or word not in allowed:
            builder.report(
                builder.line_of(value, part, at),
                f'{where} {key}: "{part}" is {word!r} but must be one of: ' + ", ".join(allowed),
                rule="bad-choice",
            )
            ok = False
        else:
            found[part] = word
    return (found["severity"], found["likelihood"]) if ok else None


def hazard_to_dict(hazard: Hazard) -> dict[str, Any]:
    """The block as the author wrote it (the browser's JSON round-trips through the loader)."""
    return {
        "id": hazard.id,
        "hazard": hazard.hazard,
        "cause": hazard.cause,
        "effect": hazard.effect,
        "before": {"severity": hazard.before_severity, "likelihood": hazard.before_likelihood},
        "after": {"severity": hazard.after_severity, "likelihood": hazard.after_likelihood},
    }


def count_routes(flow: Flow) -> int:
    """How many routes the flow has, counted over states (never listing them)."""
    from engine.analysis import successors

    counts: dict[StateKey, int] = {}

    def count(state: StateKey) -> int:
        stack = [state]
        while stack:
            top = stack[-1]
            if top in counts:
                stack.pop()
                continue
            if flow.node(top[0]).kind == "outcome":
                counts[top] = 1
                stack.pop()
                continue
            pending = [after for _, after in successors(flow, top) if after not in counts]
            if pending:
                stack.extend(pending)
                continue
            counts[top] = sum(counts[after] for _, after in successors(flow, top))
            stack.pop()
        return counts[state]

    return count((flow.start, ()))


def hazard_entry(flow: Flow, rule: SafetyRule, routes: int, build_date: str) -> dict[str, Any]:
    """One hazard log entry: the hazard, its control (the rule) and the control's proof."""
    hazard = rule.hazard
    entry: dict[str, Any] = {
        "flow": flow.id,
        "flow_version": flow.version,
        "rule": rule.id,
        "control": " ".join(rule.text.split()),
        "verification": {
            "method": "proved by the build over every route of the flow",
            "proved": True,
            "routes": routes,
            "build_date": build_date,
            "text": f"proved over {routes} routes, build of {build_date}",
        },
    }
    if hazard is None:
        entry["hazard"] = None
        return entry
    entry["hazard"] = {
        **hazard_to_dict(hazard),
        "before": {
            "severity": hazard.before_severity,
            "likelihood": hazard.before_likelihood,
            "risk": risk(hazard.before_severity, hazard.before_likelihood),
        },
        "after": {
            "severity": hazard.after_severity,
            "likelihood": hazard.after_likelihood,
            "risk": risk(hazard.after_severity, hazard.after_likelihood),
        },
    }
    return entry


def hazard_log(flows: Iterable[Flow], build_date: str) -> list[dict[str, Any]]:
    """Every safety rule of every (checked, hence proved) flow as a hazard log entry.

    Only flows that passed the checks get here, so every rule in the log holds on every route.
    """
    log: list[dict[str, Any]] = []
    for flow in flows:
        routes = count_routes(flow)
        log += [hazard_entry(flow, rule, routes, build_date) for rule in flow.safety]
    return log
