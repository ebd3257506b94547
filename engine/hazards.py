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
otherwise). The block is read and checked by engine.shape.hazard. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.limits import count
from engine.model import Flow, Hazard, SafetyRule

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


def risk(severity: str, likelihood: str) -> int:
    """The risk rating (1-5) of a severity and likelihood."""
    return RISK_MATRIX[likelihood][tuple(reversed(SEVERITIES)).index(severity)]


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
    routes = count(flow).routes
    assert routes is not None  # counted without a state limit
    return routes


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
