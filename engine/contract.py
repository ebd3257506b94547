"""The contract at the Python/browser boundary: what both sides must spell the same, as data.

It owns the token grammar (engine.token reads it; the walker reads web/contract.mjs), the
messages between the walker, the engine worker and engine.bridge, and the element ids, classes
and data attributes the browser code finds the page by. Pure data and one pure function,
`js_module`, which writes it as a JavaScript module: web/contract.mjs is that text, committed
(`make contract` rewrites it; tests/js/test_contract.py fails when it is stale), so it works
offline and needs no build step of its own. This module imports nothing from the engine.
"""

from __future__ import annotations

import json

START_TOKEN = "start"
"""The token of the state before any answer (the same for every flow and version)."""
TOKEN_ALPHABET = "A-Za-z0-9_-"
"""The characters of a token (a regex character class body): URL-safe, also a path segment."""
MAX_TOKEN_LENGTH = 4096
"""No token is longer: longer text from a URL is refused before it is decoded."""
TOKEN_PATTERN = f"^[{TOKEN_ALPHABET}]{{1,{MAX_TOKEN_LENGTH}}}$"
"""A whole token, as a regular expression both Python's `re` and JavaScript read alike."""

FLOW_ID_PATTERN = "^[a-z0-9-]+$"
"""What the engine worker accepts as a flow id before it puts it in a URL."""
FLOW_REV_PATTERN = "^[0-9a-f]{1,64}$"
"""A flow revision (`data-flow-rev`: a prefix of the sha256 of the flow JSON the build checked)."""

BRIDGE_OPS = ("open", "choose", "back", "restart", "edit", "change")
"""The `op` of a request to engine.bridge.handle (its docstring says what each does)."""
REQUEST_FIELDS = {
    "op": "string",
    "flow": "string",
    "token": "string",
    "site_root": "string",
    "choice": "string | string[] | null",
    "step": "number",
}
"""The fields of a bridge request, with their JavaScript types (`choice` and `step` only where
the op takes them; engine.bridge's docstring says which)."""
RESPONSE_FIELDS = {
    "ok": "true",
    "token": "string",
    "start_token": "string",
    "html": "string",
    "title": "string",
    "kind": "string",
    "announce": "string",
    "summary_text": "string",
    "notice": "string",
    "editing_note": "string",
}
"""The fields of a successful bridge response, with their JavaScript types (a failed one is
`{"ok": false, "error"}`)."""

TO_WORKER = {"loadFlow": "load-flow", "askProgress": "progress?", "hurry": "hurry"}
"""The `type` of a message main thread -> engine worker: `{type: "load-flow", flow, rev}` (fetch
that flow now), `{type: "progress?"}` (post progress now), `{type: "hurry", id}` (the reader now
waits for that request, asked ahead: answer it next). A request has no type: `{id, request,
ahead}` with `request` a bridge request and `ahead` true for one the walker asks for before the
reader does (the engine answers every other request first)."""
FROM_WORKER = {"ready": "ready", "failed": "failed", "progress": "progress"}
"""The `type` of a message engine worker -> main thread: `{type: "ready"}`, `{type: "failed",
reason}`, `{type: "progress", loaded, total}` (gzip bytes). An answer has none: `{id,
response}` or `{id, error}`."""

WALKER_ID = "walker"
"""The id of the element the walker enhances (it holds the static step)."""
LIVE_REGION_CLASS = "walker-live"
"""The class of the polite live region right after it, where the walker announces steps."""
WALKER_DATA = ("flow", "flow-rev", "flow-version", "token", "site-root", "state")
"""The data attributes of the walker element (`data-flow`, ...) the page and the walker set."""
WALKER_STATES = ("static", "loading", "ready", "failed")
"""The values of its `data-state`: static until the walker starts, then the rest."""
ENGINE_ACTIONS = ("choose", "continue", "tick", "back", "restart", "change")
"""`data-action` values on the controls engine.render writes (its docstring says which)."""
WALKER_ACTIONS = ("cancel", "copy", "copy-note", "share", "print")
"""`data-action` values on the walker's own tool buttons."""
CONTROL_DATA = ("choice", "step", "none", "note", "note-time", "late-source")
"""Data attributes engine.render writes that the walker reads: `data-choice` (an answer id),
`data-step` (an answered step's index), `data-none` (the "None of these" box), `data-note` (the
clinical note), `data-note-time` (where the walker writes the time of the assessment),
`data-late-source` (a citation of an AI answer or a clinic page: its printed reference comes
after the guidelines' and the evidence's)."""
CHECKLIST_ITEM_NAME = "item"
"""The `name` of a checklist's boxes; their values are the item ids."""


OPTIONAL_REQUEST_FIELDS = frozenset({"choice", "step"})
"""Request fields only some ops take."""


def _js_name(value: str) -> str:
    """`copy-note` -> `copyNote`: a wire value as a JavaScript property name."""
    first, *rest = value.split("-")
    return first + "".join(part.title() for part in rest)


def _js_const(name: str, value: object, doc: str) -> str:
    if isinstance(value, dict):
        body = "".join(f"  {key}: {json.dumps(item)},\n" for key, item in value.items())
        text = f"Object.freeze({{\n{body}}})"
    elif isinstance(value, tuple):
        return _js_const(name, {_js_name(item): item for item in value}, doc)
    else:
        text = json.dumps(value)
    return f"/** {doc} */\nexport const {name} = {text};\n"


def _js_pattern(name: str, pattern: str, doc: str) -> str:
    literal = pattern.replace("/", "\\/")  # a regex literal, as Biome wants it
    return f"/** {doc} */\nexport const {name} = /{literal}/;\n"


def _js_typedef(name: str, fields: dict[str, str], doc: str) -> str:
    lines = [f"/**\n * {doc}\n * @typedef {{object}} {name}"]
    for key, kind in fields.items():
        shown = f"[{key}]" if name == "BridgeRequest" and key in OPTIONAL_REQUEST_FIELDS else key
        lines.append(f" * @property {{{kind}}} {shown}")
    return "\n".join(lines) + "\n */\n"


def js_module() -> str:
    """The contract as a JavaScript module (the text of web/contract.mjs)."""
    parts = [
        "// The Python/browser contract, generated from engine/contract.py (which says what each\n"
        "// name means): do not edit; `make contract` rewrites it, tests/js/test_contract.py\n"
        "// fails when it is stale.\n",
        _js_const("START_TOKEN", START_TOKEN, "The token of the state before any answer."),
        _js_const("MAX_TOKEN_LENGTH", MAX_TOKEN_LENGTH, "No token is longer."),
        _js_pattern("TOKEN_PATTERN", TOKEN_PATTERN, "A whole token."),
        _js_pattern("FLOW_ID_PATTERN", FLOW_ID_PATTERN, "What the worker accepts as a flow id."),
        _js_pattern("FLOW_REV_PATTERN", FLOW_REV_PATTERN, "A flow revision (data-flow-rev)."),
        _js_const("OPS", BRIDGE_OPS, "The `op` of a bridge request, by name."),
        _js_typedef("BridgeRequest", REQUEST_FIELDS, "A request to engine.bridge.handle."),
        _js_typedef("StepResponse", RESPONSE_FIELDS, "A successful bridge response."),
        _js_const("TO_WORKER", TO_WORKER, "Message types main thread -> worker."),
        _js_const("FROM_WORKER", FROM_WORKER, "Message types worker -> main thread."),
        _js_const("WALKER_ID", WALKER_ID, "The id of the walker element."),
        _js_const("LIVE_REGION_CLASS", LIVE_REGION_CLASS, "The class of the walker's live region."),
        _js_const("STATES", WALKER_STATES, "The values of the walker's data-state."),
        _js_const("ACTIONS", ENGINE_ACTIONS + WALKER_ACTIONS, "Every data-action value."),
        _js_const("CHECKLIST_ITEM_NAME", CHECKLIST_ITEM_NAME, "The name of a checklist's boxes."),
    ]
    return "\n".join(parts)
