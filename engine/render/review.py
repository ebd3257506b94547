"""The review table of a flow: every route as one Markdown row, for clinical sign-off."""

from __future__ import annotations

from engine.model import Flow
from engine.render.parts import short_tags
from engine.semantics import shown_facts
from engine.states import Route, describe_choice, enumerate_routes


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def route_row(flow: Flow, number: int, route: Route) -> str:
    answers = " → ".join(
        f"{flow.node(s.node).title}: {describe_choice(flow, flow.node(s.node), s.choice)}"
        for s in route.steps
    )
    outcome = flow.node(route.outcome)
    shown = [r for r in outcome.recommendations if r.id in route.recommendations]
    recs = "; ".join(f"{r.text} [{short_tags(flow, r.cite)}]" for r in shown)
    facts = "; ".join(f"{f} = {v}" for f, v in shown_facts(route.facts)) or "-"
    return (
        f"| {number} | {_cell(answers)} | {_cell(facts)} | {_cell(outcome.title)} | "
        f"{_cell(outcome.urgency or '')} | {_cell(recs)} |"
    )


def routes_markdown(flow: Flow) -> str:
    """The review table of every route, for clinical sign-off (`python -m engine paths`)."""
    routes = enumerate_routes(flow)
    lines = [
        f"## {flow.title} (`{flow.id}`)",
        "",
        f"Version {flow.version}. "
        f"{len(routes)} routes; a checklist counts once per route it can take (with an example "
        "of ticks).",
        "",
        "| # | Answers | Facts | Outcome | Urgency | Recommendations shown |",
        "|---|---|---|---|---|---|",
    ]
    lines += [route_row(flow, n, route) for n, route in enumerate(routes, start=1)]
    if flow.safety:
        lines += ["", "Safety rules proved on every route:", ""]
        lines += [f"- `{rule.id}`: {_cell(rule.text)}" for rule in flow.safety]
    return "\n".join(lines) + "\n"
