"""Back Spasm Guide flowchart engine: load, check, prove safety, walk and render flowcharts.

Pure Python (standard library plus markdown-it-py): the same code runs at build time in CPython
and in the browser in Pyodide. The core never reads files, YAML or JavaScript: `engine.io`
(files, YAML, git, the terminal) and `engine.pipeline` (flow files -> checked flows) sit above
it, `engine.bridge` (the browser's entry) beside them. `load_flow_file`, `check_files` and
`check_flow` are imported lazily, so `import engine` needs no PyYAML and loads no prover.

The core, from the bottom (each imports only what is below it; `make lint` checks it):

- `model`: frozen dataclasses, one per node kind; `semantics`: what conditions, `next` entries
  and checklist routes mean (two-valued for the walk, Kleene three-valued for the proof);
- `graph` (edges, reachability, longest way left) and `states` (the `(node, facts)` state graph,
  steps and routes);
- `shape` (keys, types, references of plain data), `checks` (graph problems), `analysis`
  (feasibility, safety rules over every route), and `verify`, which runs them in that order.
  Every problem is a `Problem`; all of them together are a `FlowError`;
- `walk`: a `State` is the flow id, version and the choices made; `view` replays it into a
  `StepView`; `token`: a state as a short URL-safe string (`START_TOKEN` before any answer);
- `serialize` (plain dicts, the browser's JSON), `fingerprint`, `review`, `diff`, `diagram`,
  and `render`: HTML for a step (static links or live controls), a summary, an outline, and the
  Markdown review table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model import Choice, Flow, FlowError, Node, Problem
from engine.render import (
    clinical_note,
    render_advice_html,
    render_outline_html,
    render_step_html,
    render_summary_html,
    routes_markdown,
    summary_text,
)
from engine.serialize import flow_from_dict, flow_to_dict
from engine.states import Route, Step, enumerate_routes
from engine.token import START_TOKEN, TokenError, decode_token, encode_token
from engine.walk import (
    AnsweredStep,
    State,
    StepView,
    WalkError,
    back,
    change,
    choose,
    reachable_states,
    restart,
    start,
    view,
)

if TYPE_CHECKING:
    from engine.pipeline import check_files, load_flow_file
    from engine.verify import check_flow


def __getattr__(name: str) -> Any:
    """`load_flow_file` and `check_files` need PyYAML, `check_flow` loads the prover: each is
    imported only when used, so the browser's walker (which imports `engine.bridge`) never
    loads either."""
    if name in ("load_flow_file", "check_files"):
        from engine import pipeline

        return getattr(pipeline, name)
    if name == "check_flow":
        from engine import verify

        return verify.check_flow
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


__all__ = [
    "START_TOKEN",
    "AnsweredStep",
    "Choice",
    "Flow",
    "FlowError",
    "Node",
    "Problem",
    "Route",
    "State",
    "Step",
    "StepView",
    "TokenError",
    "WalkError",
    "back",
    "change",
    "check_files",
    "check_flow",
    "choose",
    "clinical_note",
    "decode_token",
    "encode_token",
    "enumerate_routes",
    "flow_from_dict",
    "flow_to_dict",
    "load_flow_file",
    "reachable_states",
    "render_advice_html",
    "render_outline_html",
    "render_step_html",
    "render_summary_html",
    "restart",
    "routes_markdown",
    "start",
    "summary_text",
    "view",
]
