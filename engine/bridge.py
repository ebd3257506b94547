"""The one door between the browser walker (JavaScript, in a Pyodide worker) and the engine.

Only plain JSON text crosses it: `add_flow(flow_json, checked)` once per flow, then
`handle(request_json) -> response_json` for every step. No engine object ever reaches
JavaScript, so nothing leaks and the JS side needs to know nothing about the model. It imports
neither `js` nor `pyodide`: it runs (and is tested) in CPython just the same.

The walk state lives in the share token, not here: every request carries the token of the state
it starts from, and every response the token of the new state. So this side keeps no walk state,
and a share link or a static page's `data-token` is a complete state.

Requests: `{"op", "flow", "token", "site_root", ...}` with `op` one of

- `open`: show the state of `token`. A token that cannot be used (tampered, made for another
  version) starts over, with a `notice` that says why.
- `choose` + `choice`: answer the current step. `choice` is an answer id for a question, a list
  of ticked item ids for a checklist, `null` for an info step's "continue".
- `back`, `restart`.
- `edit` + `step`: show the answered step `step` (0-based) again, to change its answer; the
  walker then sends `change` with the same (full) token.
- `change` + `step` + `choice`: give step `step` a new answer; later answers that still apply
  are kept, the others dropped (`engine.change`).

Responses: `{"ok": true, "token", "start_token", "html", "title", "kind", "announce",
"summary_text", "notice", "editing_note"}`, or `{"ok": false, "error"}` for a request the walker
should never send (it shows a short notice and stays where it was).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from engine.model import Choice, Flow
from engine.render import render_step_html, summary_text
from engine.serialize import flow_from_dict, trusted_flow_from_dict
from engine.token import START_TOKEN, TokenError, decode_token, encode_token
from engine.walk import State, WalkError, back, change, choose, restart, view

_flows: dict[str, Flow] = {}
"""Flows given to `add_flow`, by id: the worker sends each flow's JSON once."""


class BadRequest(Exception):
    """A request the walker should never send; its message goes back as `error`."""


CHECKED_DIGEST_MIN = 12
"""Hex digits of a checked flow's sha256 the page must give (build_site.flow_revision's)."""


def digest(flow_json: str) -> str:
    """The sha256 of a flow's JSON text (UTF-8), as the build names the artefact it checked."""
    return hashlib.sha256(flow_json.encode()).hexdigest()


def add_flow(flow_json: str, checked: str = "") -> str:
    """Make a flow (the JSON of `flow_to_dict`, usually the build's artefact) available to
    `handle`; returns its id.

    `checked`: the (prefix of the) sha256 of the JSON the build checked and proved, from the
    page (data-flow-rev). When the text's hash matches, the browser trusts that artefact: it
    rebuilds the model (shape and references still checked) and uses the texts the build
    rendered, but skips the graph checks and the safety proofs over every route, which the build
    ran already (issue 17: the largest part of the flow's start-up), and imports neither the
    prover nor markdown-it-py. Any other text (another build's, edited, no hash) is fully
    checked and its texts rendered here.
    """
    data = json.loads(flow_json)
    trusted = len(checked) >= CHECKED_DIGEST_MIN and digest(flow_json).startswith(checked.lower())
    flow = trusted_flow_from_dict(data) if trusted else flow_from_dict(data)
    _flows[flow.id] = flow
    return flow.id


def handle(request_json: str) -> str:
    """Answer one walker request (JSON text) with one response (JSON text)."""
    try:
        request = json.loads(request_json)
        if not isinstance(request, dict):
            raise BadRequest("a request is a JSON object")
        response = respond(request)
    except (BadRequest, ValueError) as error:
        response = {"ok": False, "error": str(error)}
    return json.dumps(response)


def respond(request: Mapping[str, Any]) -> dict[str, Any]:
    """`handle` on plain dicts (what the tests call)."""
    flow = _flows.get(_text(request, "flow"))
    if flow is None:
        raise BadRequest(f"unknown flow {request.get('flow')!r}")
    site_root = _text(request, "site_root")
    op = _text(request, "op")
    if op == "restart":
        return _response(flow, restart(flow), site_root)
    try:
        state = decode_token(flow, _text(request, "token"))
    except TokenError as error:
        if op != "open":
            raise BadRequest(f"bad token: {error}") from error
        notice = f"That link could not be opened: {error}. It has started over at the first step."
        return _response(flow, restart(flow), site_root, notice=notice)
    try:
        if op == "open":
            return _response(flow, state, site_root)
        if op == "back":
            return _response(flow, back(flow, state), site_root)
        if op == "choose":
            return _response(flow, choose(flow, state, _choice(request)), site_root)
        step = _step(request, state)
        if op == "edit":
            return _edit_response(flow, state, step, site_root)
        if op == "change":
            return _response(flow, change(flow, state, step, _choice(request)), site_root)
    except WalkError as error:
        raise BadRequest(str(error)) from error
    raise BadRequest(f"unknown op {op!r}")


def _edit_response(flow: Flow, state: State, step: int, site_root: str) -> dict[str, Any]:
    """The answered step `step` shown again, as the state just before it was answered."""
    earlier = State(flow.id, flow.version, state.choices[:step])
    title = view(flow, earlier).node.title
    note = (
        f'Changing the answer to "{title}". Later answers that still apply are kept; '
        "the others are dropped."
    )
    return _response(flow, earlier, site_root, editing_note=note)


def _response(
    flow: Flow, state: State, site_root: str, *, notice: str = "", editing_note: str = ""
) -> dict[str, Any]:
    step = view(flow, state)
    node = step.node
    if step.is_outcome:
        announce = f"Outcome: {node.title}."
    else:
        announce = f"Step {step.k} of at most {step.n}: {node.title}."
    return {
        "ok": True,
        "token": encode_token(flow, state),
        "start_token": START_TOKEN,
        "html": render_step_html(
            flow, state, mode="live", site_root=site_root, step_url=_fragment_url
        ),
        "title": node.title,
        "kind": node.kind,
        "announce": announce,
        "summary_text": summary_text(flow, state),
        "notice": notice,
        "editing_note": editing_note,
    }


def _fragment_url(token: str) -> str:
    """Live steps have no links to steps (controls are buttons); a share link if one appears."""
    return f"#{token}"


def _text(request: Mapping[str, Any], key: str) -> str:
    value = request.get(key)
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    return value


def _step(request: Mapping[str, Any], state: State) -> int:
    step = request.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(state.choices):
        raise BadRequest(f"there is no answered step {step!r}")
    return step


def _choice(request: Mapping[str, Any]) -> Choice | frozenset[str]:
    """The JSON choice as the engine wants it: str, frozenset of item ids, or None."""
    choice = request.get("choice")
    if choice is None or isinstance(choice, str):
        return choice
    if isinstance(choice, list) and all(isinstance(item, str) for item in choice):
        return frozenset(choice)
    raise BadRequest("choice must be an answer id, a list of item ids or null")
