"""Flow <-> plain dict (JSON-able), in exactly the authoring format, and the walker's artefact.

`flow_from_dict` rebuilds a flow through the same shape, graph and safety checks as a YAML file
(there is one builder), so `flow_from_dict(flow_to_dict(flow)) == flow`.

The browser gets the artefact: `flow_to_dict(flow, rendered=True)`, the same data plus, under
`RENDERED`, every text a step shows already rendered to HTML (issue 17). The walker rebuilds an
artefact the build checked (the page names it by its hash) with `trusted_flow_from_dict`: shape
and references only, its renderings used as they are, and nothing of the prover imported. Any
other artefact goes through `flow_from_dict`, which ignores the renderings.
"""

from __future__ import annotations

from typing import Any, cast

from engine.hazards import hazard_to_dict
from engine.model import (
    Action,
    AllOf,
    Answer,
    Answered,
    AnyOf,
    Cites,
    Condition,
    FactIs,
    Flow,
    FlowError,
    Item,
    Link,
    NextEntry,
    Node,
    Not,
    PatientSheet,
    Problem,
    Recommendation,
    Ticked,
    Visited,
)
from engine.shape import build_flow


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    match condition:
        case FactIs(fact=fact, values=values, op=op):
            return {"fact": fact, op: values[0] if op == "equals" else list(values)}
        case AllOf(parts=parts):
            return {"all": [condition_to_dict(p) for p in parts]}
        case AnyOf(parts=parts):
            return {"any": [condition_to_dict(p) for p in parts]}
        case Not(part=part):
            return {"not": condition_to_dict(part)}
        case Ticked(mode=mode, items=items, at=at):
            ticked: str | list[str] = list(items) if mode == "items" else mode
            return {"ticked": ticked} if at is None else {"at": at, "ticked": ticked}
        case Answered(at=at, answer=answer):
            return {"at": at, "answer": answer}
        case Visited(node=node):
            return {"visited": node}


def _next(entries: tuple[NextEntry, ...]) -> str | list[dict[str, Any]]:
    if len(entries) == 1 and entries[0].when is None:
        return entries[0].to
    return [
        {"when": condition_to_dict(e.when), "to": e.to} if e.when else {"to": e.to} for e in entries
    ]


def _cite(cite: Cites) -> list[str | dict[str, str]]:
    """Bare ids where the author may write them, `{source, rec, grade}` otherwise."""
    out: list[str | dict[str, str]] = []
    for c in cite:
        if c.rec is None and c.grade is None:
            out.append(c.source)
        else:
            entry = {"source": c.source}
            entry.update({"rec": c.rec} if c.rec is not None else {})
            entry.update({"grade": c.grade} if c.grade is not None else {})
            out.append(entry)
    return out


def _common(part: Any) -> dict[str, Any]:
    """`help` and `cite`, left out when empty (as an author would)."""
    out: dict[str, Any] = {}
    if part.help is not None:
        out["help"] = part.help
    if part.cite:
        out["cite"] = _cite(part.cite)
    return out


def _links(links: tuple[Link, ...]) -> list[dict[str, str]]:
    return [{"text": link.text, "page": link.page} for link in links]


def _recommendation(rec: Recommendation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rec.id, "text": rec.text, "cite": _cite(rec.cite)}
    if rec.help is not None:
        out["help"] = rec.help
    if rec.when is not None:
        out["when"] = condition_to_dict(rec.when)
    if rec.tags:
        out["tags"] = list(rec.tags)
    if rec.links:
        out["links"] = _links(rec.links)
    if rec.group is not None:
        out["group"] = rec.group
    return out


def _action(action: Action) -> dict[str, Any]:
    out: dict[str, Any] = {"text": action.text, "cite": _cite(action.cite)}
    if action.when is not None:
        out["when"] = condition_to_dict(action.when)
    if action.tags:
        out["tags"] = list(action.tags)
    return out


def _patient(sheet: PatientSheet) -> dict[str, Any]:
    out: dict[str, Any] = {"title": sheet.title} if sheet.title is not None else {}
    out["probably"] = sheet.probably
    for key in ("do", "avoid", "get_help_now", "come_back"):
        out[key] = list(getattr(sheet, key))
    return out


def _not_examined(part: Answer | Item) -> dict[str, str]:
    return {"not_examined": part.not_examined} if part.not_examined is not None else {}


def _node(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": node.kind, "title": node.title, "text": node.text}
    out.update(_common(node))
    if node.links:
        out["links"] = _links(node.links)
    if node.kind == "question":
        out["answers"] = [
            {
                "id": a.id,
                "text": a.text,
                **_common(a),
                **({"set": dict(a.set)} if a.set else {}),
                **({"links": _links(a.links)} if a.links else {}),
                **_not_examined(a),
                "next": _next(a.next),
            }
            for a in node.answers
        ]
    elif node.kind == "checklist":
        out["items"] = [
            {
                "id": i.id,
                "text": i.text,
                **_common(i),
                **_not_examined(i),
                **({"group": i.group} if i.group is not None else {}),
            }
            for i in node.items
        ]
        if node.none is not None:
            out["none"] = node.none
        out["routes"] = [
            {
                **({"when": condition_to_dict(r.when)} if r.when else {}),
                "label": r.label,
                **({"set": dict(r.set)} if r.set else {}),
                "next": _next(r.next),
            }
            for r in node.routes
        ]
    elif node.kind == "info":
        out["next"] = _next(node.next)
    else:
        out["urgency"] = node.urgency
        out["recommendations"] = [_recommendation(r) for r in node.recommendations]
        if node.follow_up is not None:
            out["follow_up"] = node.follow_up
        if node.actions:
            out["actions"] = [_action(a) for a in node.actions]
        if node.outcome_tags:
            out["tags"] = list(node.outcome_tags)
        if node.patient is not None:
            out["patient"] = _patient(node.patient)
    return out


RENDERED = "rendered"
"""The artefact's key for the texts rendered at build time (never a key of the format)."""


def flow_to_dict(flow: Flow, *, rendered: bool = False) -> dict[str, Any]:
    """The flow as plain data in the authoring format; `rendered`: with its steps' texts
    rendered to HTML under RENDERED (the walker's artefact)."""
    out: dict[str, Any] = {
        "id": flow.id,
        "title": flow.title,
        "version": flow.version,
        "review_status": flow.review_status,
        "start": flow.start,
    }
    if flow.last_reviewed is not None:
        out["last_reviewed"] = flow.last_reviewed
    if flow.summary is not None:
        out["summary"] = flow.summary
    if flow.facts:
        out["facts"] = {f.id: {"label": f.label, "values": list(f.values)} for f in flow.facts}
    out["sources"] = {
        s.id: {
            "citation": s.citation,
            **({"url": s.url} if s.url else {}),
            **({"label": s.label} if s.label else {}),
            **{
                key: value
                for key, value in (
                    ("kind", s.kind),
                    ("published", s.published),
                    ("grading", s.grading),
                    ("design", s.design),
                )
                if value is not None
            },
        }
        for s in flow.sources
    }
    out["nodes"] = {n.id: _node(n) for n in flow.nodes}
    if flow.safety:
        out["safety"] = [
            {
                "id": rule.id,
                "text": rule.text,
                "when": condition_to_dict(rule.when),
                "require": {
                    key: list(value)
                    for key, value in (
                        ("urgency", rule.require.urgency),
                        ("recommends", rule.require.recommends),
                        ("never_recommends", rule.require.never_recommends),
                        ("outcome_tags", rule.require.outcome_tags),
                        ("never_outcome_tags", rule.require.never_outcome_tags),
                    )
                    if value
                },
                **({"hazard": hazard_to_dict(rule.hazard)} if rule.hazard else {}),
            }
            for rule in flow.safety
        ]
    if rendered:
        from engine.render.prerender import prerendered

        out[RENDERED] = prerendered(flow)
    return out


def flow_from_dict(data: dict[str, Any], path: str = "<flow json>") -> Flow:
    """Rebuild and fully check a flow from plain data; FlowError with every problem. An
    artefact's renderings are ignored: only a checked artefact's are trusted."""
    # Imported here: the walker loads checked artefacts only, and never needs the prover.
    from engine.verify import build_and_check

    return build_and_check({key: value for key, value in data.items() if key != RENDERED}, path)


def trusted_flow_from_dict(data: dict[str, Any], path: str = "<flow json>") -> Flow:
    """Rebuild a flow from the artefact the build checked and proved (its hash matched): shape
    and references are still checked, the graph checks and safety proofs are not run again,
    and its renderings are used as they are. FlowError if it holds no flow."""
    from engine.render.markdown import Prerendered, preload

    flow, problems = build_flow(
        {key: value for key, value in data.items() if key != RENDERED}, path
    )
    if problems or flow is None:
        raise FlowError(problems or [Problem(path, 1, "the file holds no flow", rule="empty-file")])
    if RENDERED in data:
        preload(cast(Prerendered, data[RENDERED]))
    return flow
