"""Property-based tests: generated flows, random walks, back/change invariants, token round-trip.

Flows are generated as plain data in the authoring format (what the YAML loader and the browser
hand to the builder). Most generated flows are valid; the others must be refused with FlowError.
"""

from __future__ import annotations

import copy
import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from engine import (
    START_TOKEN,
    Flow,
    FlowError,
    State,
    TokenError,
    back,
    change,
    choose,
    decode_token,
    encode_token,
    enumerate_routes,
    flow_from_dict,
    flow_to_dict,
    reachable_states,
    render_step_html,
    render_summary_html,
    start,
    summary_text,
    view,
)
from engine.model import Choice
from engine.shape import build_flow
from engine.token import flow_tag
from engine.verify import check_flow

SETTINGS = settings(
    # Fewer examples inside Pyodide, where the same code runs several times slower.
    max_examples=25 if sys.platform == "emscripten" else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")
"""Any text an author might write, `<script>` and friends included."""


@st.composite
def flow_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A flow of 1-7 steps in a forward-only order (so acyclic), every step chained to the next."""
    count = draw(st.integers(1, 7))
    kinds = [draw(st.sampled_from(["question", "checklist", "info"])) for _ in range(count)]
    nodes: dict[str, Any] = {}
    outcomes: list[str] = []

    def target(i: int, chain: bool) -> Any:
        if chain:
            to = f"n{i + 1}" if i + 1 < count else new_outcome()
        elif draw(st.booleans()) and i + 1 < count:
            to = f"n{draw(st.integers(i + 1, count - 1))}"
        else:
            to = new_outcome()
        if draw(st.integers(0, 19)) == 0:
            return [
                {"when": {"fact": "f", "equals": draw(st.sampled_from("ab"))}, "to": to},
                {"to": new_outcome()},
            ]
        return to

    def new_outcome() -> str:
        name = f"o{len(outcomes)}"
        outcomes.append(name)
        return name

    def setting() -> dict[str, str]:
        return {"f": draw(st.sampled_from("ab"))} if draw(st.booleans()) else {}

    for i, kind in enumerate(kinds):
        node: dict[str, Any] = {"kind": kind, "title": draw(WORDS), "text": draw(WORDS)}
        if draw(st.integers(0, 3)) == 0:
            node["help"] = draw(WORDS)
        if kind == "question":
            node["answers"] = [
                {
                    "id": f"a{j}",
                    "text": draw(WORDS),
                    **({"set": s} if (s := setting()) else {}),
                    "next": target(i, j == 0),
                }
                for j in range(draw(st.integers(1, 3)))
            ]
        elif kind == "checklist":
            items = [f"i{j}" for j in range(draw(st.integers(1, 4)))]
            node["items"] = [{"id": item, "text": draw(WORDS)} for item in items]
            named = draw(st.lists(st.sampled_from(items), unique=True, max_size=2))
            whens: list[dict[str, Any]] = [{"ticked": item} for item in named]
            if len(named) < len(items) and draw(st.booleans()):
                whens.insert(0, {"ticked": "none"})
            if draw(st.integers(0, 11)) == 0:
                whens.insert(0, {"all": [{"ticked": "any"}, {"fact": "f", "in": ["a"]}]})
            routes = [
                {"when": when, "label": draw(WORDS), "next": target(i, False)} for when in whens
            ]
            routes.append(
                {
                    "label": draw(WORDS),
                    **({"set": s} if (s := setting()) else {}),
                    "next": target(i, True),
                }
            )
            node["routes"] = routes
        else:
            node["next"] = target(i, True)
        nodes[f"n{i}"] = node
    for name in outcomes:
        recs = [{"id": f"{name}-r0", "text": draw(WORDS), "cite": ["s"]}]
        if draw(st.booleans()):
            recs.append(
                {
                    "id": f"{name}-r1",
                    "text": draw(WORDS),
                    "cite": ["s"],
                    "tags": ["t"],
                    "when": {"fact": "f", "equals": "b"},
                }
            )
        nodes[name] = {
            "kind": "outcome",
            "title": draw(WORDS),
            "text": draw(WORDS),
            "urgency": draw(st.sampled_from(["emergency", "urgent", "routine", "self-care"])),
            "recommendations": recs,
        }
    data: dict[str, Any] = {
        "id": "gen",
        "title": draw(WORDS),
        "version": draw(st.sampled_from(["1", "2.0", "2026-11"])),
        "last_reviewed": "2026-11-21",
        "review_status": "draft",
        "start": "n0",
        "facts": {"f": {"label": "Fact F", "values": ["a", "b"]}},
        "sources": {
            "s": {"citation": draw(WORDS), "kind": "tool", "published": "2026", "grading": "none"}
        },
        "nodes": nodes,
    }
    tags = any(len(n.get("recommendations", [])) > 1 for n in nodes.values())
    if tags and draw(st.integers(0, 3)) == 0:
        data["safety"] = [
            {
                "id": "rule",
                "text": "Rule.",
                "when": {"visited": "n0"},
                "require": {"never_recommends": ["t"]},
            }
        ]
    return data


def load(data: dict[str, Any]) -> Flow | None:
    try:
        return flow_from_dict(data)
    except FlowError:
        return None


def random_choice(draw: st.DrawFn, flow: Flow, state: State) -> Choice:
    node = view(flow, state).node
    if node.kind == "question":
        return draw(st.sampled_from([a.id for a in getattr(node, "answers", ())]))
    if node.kind == "checklist":
        return frozenset(draw(st.sets(st.sampled_from([i.id for i in getattr(node, "items", ())]))))
    return None


def random_walk(draw: st.DrawFn, flow: Flow) -> list[State]:
    states = [start(flow)]
    while not view(flow, states[-1]).is_outcome:
        assert len(states) <= len(flow.nodes), "a walk went on longer than the flow has nodes"
        states.append(choose(flow, states[-1], random_choice(draw, flow, states[-1])))
    return states


@SETTINGS
@given(flow_dicts())
def test_most_generated_flows_load_and_round_trip(data: dict[str, Any]) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    assert flow_from_dict(flow_to_dict(flow)) == flow
    routes = enumerate_routes(flow)
    assert routes and all(flow.node(r.outcome).kind == "outcome" for r in routes)
    assert {r.outcome for r in routes} == {n.id for n in flow.nodes if n.kind == "outcome"}


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@SETTINGS
@given(flow_dicts(), st.data())
def test_the_loader_never_raises_anything_but_flow_error(
    data: dict[str, Any], more: st.DataObject
) -> None:
    broken = copy.deepcopy(data)
    for _ in range(more.draw(st.integers(1, 4))):
        container: Any = broken
        while isinstance(container, dict | list) and container and more.draw(st.booleans()):
            keys = list(container) if isinstance(container, dict) else list(range(len(container)))
            key = more.draw(st.sampled_from(keys))
            if not isinstance(container[key], dict | list) or more.draw(st.booleans()):
                if more.draw(st.booleans()) and isinstance(container, dict):
                    del container[key]
                else:
                    container[key] = more.draw(JUNK)
                break
            container = container[key]
    try:
        flow_from_dict(broken)
    except FlowError as error:
        assert error.problems
        assert list(error.problems) == sorted(error.problems)


@SETTINGS
@given(flow_dicts(), st.data())
def test_every_walk_ends_in_an_outcome_with_progress_that_holds(
    data: dict[str, Any], more: st.DataObject
) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    states = random_walk(more.draw, flow)
    views = [view(flow, s) for s in states]
    assert views[-1].is_outcome
    for before, after in pairwise(views):
        assert after.k == before.k + 1
        assert after.n <= before.n, "the promised 'at most n' steps grew"
    assert all(v.k <= v.n for v in views)
    # Back undoes exactly one answer.
    for before, after in pairwise(states):
        assert back(flow, after) == before


@SETTINGS
@given(flow_dicts(), st.data())
def test_change_keeps_the_prefix_and_only_answers_that_still_apply(
    data: dict[str, Any], more: st.DataObject
) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    final = random_walk(more.draw, flow)[-1]
    assume(final.choices)
    index = more.draw(st.integers(0, len(final.choices) - 1))
    prefix = State(flow.id, flow.version, final.choices[:index])
    new_choice = random_choice(more.draw, flow, prefix)
    changed = change(flow, final, index, new_choice)
    assert changed.choices[:index] == final.choices[:index]
    assert changed.choices[index] == new_choice
    old = {a.node.id: a.choice for a in view(flow, final).answered}
    for answered in view(flow, changed).answered[index + 1 :]:
        assert old.get(answered.node.id) == answered.choice, "an answer came from nowhere"
    # Changing an answer to itself changes nothing.
    same = final.choices[index]
    assert change(flow, final, index, same) == final


@SETTINGS
@given(flow_dicts())
def test_share_tokens_round_trip_for_every_reachable_state(data: dict[str, Any]) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    for state in reachable_states(flow):
        token = encode_token(flow, state)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert decode_token(flow, token) == state
    assert encode_token(flow, start(flow)) == START_TOKEN


@SETTINGS
@given(flow_dicts(), st.text(max_size=40))
def test_any_token_decodes_or_is_refused_with_a_reason(data: dict[str, Any], token: str) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    for candidate in (token, flow_tag(flow) + token):
        try:
            state = decode_token(flow, candidate)
        except TokenError as error:
            assert str(error)
        else:
            assert encode_token(flow, state) == candidate


@SETTINGS
@given(flow_dicts(), st.data())
def test_tampered_tokens_are_refused_or_decode_to_a_valid_state(
    data: dict[str, Any], more: st.DataObject
) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    final = random_walk(more.draw, flow)[-1]
    token = encode_token(flow, final)
    assume(token != START_TOKEN)
    position = more.draw(st.integers(0, len(token) - 1))
    letter = more.draw(st.sampled_from("AZaz09_-Q"))
    tampered = token[:position] + letter + token[position + 1 :]
    try:
        state = decode_token(flow, tampered)
    except TokenError:
        return
    assert view(flow, state) is not None
    assert encode_token(flow, state) == tampered


class ActiveMarkup(HTMLParser):
    """Collects what could run or restyle in a browser: script-like elements, event handler and
    style attributes. Flow text inside an attribute value ("Change the answer to on") is fine."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "iframe", "object", "embed", "img"}:
            self.found.append(f"<{tag}>")
        self.found += [f"{tag} {name}=" for name, _ in attrs if name.startswith("on")]
        self.found += [f"{tag} style=" for name, _ in attrs if name == "style"]


def active_markup(html: str) -> list[str]:
    parser = ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


@SETTINGS
@given(flow_dicts(), st.data())
def test_rendering_escapes_everything_and_is_deterministic(
    data: dict[str, Any], more: st.DataObject
) -> None:
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    for state in random_walk(more.draw, flow):
        for mode in ("static", "live"):
            page = render_step_html(flow, state, mode=mode, site_root="../", step_url=lambda t: t)
            assert active_markup(page) == []
            assert page == render_step_html(
                flow, state, mode=mode, site_root="../", step_url=lambda t: t
            )
        summary = render_summary_html(flow, state, site_root="")
        assert active_markup(summary) == []
        assert summary_text(flow, state).endswith("\n")


def concrete_walks(flow: Flow, limit: int) -> list[State] | None:
    """Every walk to an outcome with every possible tick set (None: more than `limit`)."""
    finished: list[State] = []
    stack = [start(flow)]
    while stack:
        state = stack.pop()
        node = view(flow, state).node
        if node.kind == "outcome":
            finished.append(state)
            if len(finished) > limit:
                return None
            continue
        if node.kind == "question":
            choices: list[Choice] = [a.id for a in getattr(node, "answers", ())]
        elif node.kind == "checklist":
            ids = [i.id for i in getattr(node, "items", ())]
            choices = [
                frozenset(i for n, i in enumerate(ids) if mask >> n & 1)
                for mask in range(1 << len(ids))
            ]
        else:
            choices = [None]
        stack.extend(choose(flow, state, c) for c in choices)
    return finished


def premise_holds(premise: dict[str, Any], flow: Flow, state: State) -> bool:
    """A one-atom safety premise (or its negation), evaluated on one concrete walk."""
    if "not" in premise:
        return not premise_holds(premise["not"], flow, state)
    current = view(flow, state)
    chosen = {a.node.id: a.choice for a in current.answered}
    if "visited" in premise:
        return premise["visited"] in chosen or premise["visited"] == current.node.id
    if "answer" in premise:
        return chosen.get(premise["at"]) == premise["answer"]
    if "ticked" in premise:
        ticks = chosen.get(premise["at"])
        return isinstance(ticks, frozenset) and premise["ticked"] in ticks
    return dict(current.facts).get(premise["fact"]) == premise["equals"]


def breaks(require: dict[str, Any], flow: Flow, state: State) -> bool:
    current = view(flow, state)
    tags = {t for r in current.recommendations for t in r.tags}
    if "urgency" in require and current.node.urgency not in require["urgency"]:
        return True
    if any(t not in tags for t in require.get("recommends", [])):
        return True
    return any(t in tags for t in require.get("never_recommends", []))


@SETTINGS
@given(flow_dicts(), st.data())
def test_safety_analysis_agrees_with_trying_every_tick_set(
    data: dict[str, Any], more: st.DataObject
) -> None:
    """For one-atom premises the conservative analysis is exact: it reports a rule exactly when
    some concrete walk (every tick combination tried) breaks it."""
    data.pop("safety", None)
    flow = load(data)
    assume(flow is not None)
    assert flow is not None
    walks = concrete_walks(flow, 3000)
    assume(walks is not None)
    assert walks is not None
    node = more.draw(st.sampled_from(flow.nodes))
    atoms: list[dict[str, Any]] = [{"visited": node.id}, {"fact": "f", "equals": "a"}]
    atoms += [{"at": node.id, "answer": a.id} for a in getattr(node, "answers", ())]
    atoms += [{"at": node.id, "ticked": i.id} for i in getattr(node, "items", ())]
    premise = more.draw(st.sampled_from(atoms))
    if more.draw(st.booleans()):
        premise = {"not": premise}
    tags = {t for n in flow.nodes for r in getattr(n, "recommendations", ()) for t in r.tags}
    requirements: list[dict[str, Any]] = [
        {
            "urgency": more.draw(
                st.lists(
                    st.sampled_from(["emergency", "urgent", "routine"]), min_size=1, unique=True
                )
            )
        }
    ]
    if tags:
        requirements += [{"never_recommends": ["t"]}, {"recommends": ["t"]}]
    require = more.draw(st.sampled_from(requirements))
    data["safety"] = [{"id": "rule", "text": "Rule.", "when": premise, "require": require}]
    expected = any(premise_holds(premise, flow, w) and breaks(require, flow, w) for w in walks)
    try:
        flow_from_dict(data)
        reported = False
    except FlowError as error:
        assert all('safety rule "rule"' in p.message for p in error.problems)
        reported = True
    event(f"rule broken: {expected}")
    assert reported == expected


@SETTINGS
@given(flow_dicts())
def test_feasibility_problems_are_exactly_what_no_walk_does(data: dict[str, Any]) -> None:
    """Checklist routes reported as never taken, and steps reported as never reached, are
    exactly those that no concrete walk (every tick combination tried) takes or reaches."""
    data.pop("safety", None)
    flow, shape_problems = build_flow(data, "gen")
    assert flow is not None and not shape_problems
    walks = concrete_walks(flow, 3000)
    assume(walks is not None)
    assert walks is not None
    taken: set[tuple[str, int]] = set()
    reached: set[str] = set()
    for walk in walks:
        current = view(flow, walk)
        reached.add(current.node.id)
        for step in current.answered:
            reached.add(step.node.id)
            if step.route_rule is not None:
                taken.add((step.node.id, step.route_rule))
    never_taken = {
        (node.id, index)
        for node in flow.nodes
        if node.kind == "checklist" and node.id in reached
        for index in range(len(node.routes))
        if (node.id, index) not in taken
    }
    messages = " | ".join(p.message for p in check_flow(flow))
    reported_routes = {
        (node_id, int(number) - 1)
        for node_id, number in re.findall(r'node "([^"]+)" route (\d+) \(', messages)
    }
    reported_nodes = set(re.findall(r'(?:node|outcome) "([^"]+)" is never reached', messages))
    assert reported_routes == never_taken
    assert reported_nodes == {node.id for node in flow.nodes} - reached


@settings(
    max_examples=10 if sys.platform == "emscripten" else 30,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.sampled_from(["deep-condition", "deep-value", "large"]),
    st.integers(1, 400 if sys.platform == "emscripten" else 50_000),  # Pyodide: a small JS stack
)
def test_hostile_plain_data_is_a_flow_or_problems_within_a_time_limit(kind: str, size: int) -> None:
    """Plain data (the browser's JSON, the YAML loader's output) nested deeply or very large
    (security review 2026-12): a Flow or a FlowError with problems, never a RecursionError, a
    crash or a blow-up. The per-input deadline is far above the normal time (under a second)."""
    from flowdata import demo_dict

    data = demo_dict()
    advice = data["nodes"]["advice"]["recommendations"][1]
    if kind == "deep-condition":
        condition: dict[str, Any] = {"fact": "age_group", "equals": "child"}
        for _ in range(size):
            condition = {"not": condition}
        advice["when"] = condition
    elif kind == "deep-value":
        value: Any = "x"
        for _ in range(size):
            value = [value]
        data["summary"] = value
    else:
        data["title"] = "<b>é🩺</b> " * size
        data["nodes"]["advice"]["text"] = "word " * (size * 20)
    try:
        flow = flow_from_dict(data)
    except FlowError as error:
        assert error.problems
        assert all(p.message and "\n" not in p.message for p in error.problems)
    else:
        assert flow.id == "demo"
