"""The flows as the site build sees them: every file in flows/ loaded and checked once (a cache
keyed by the file's and the engine's hash, so `serve` re-checks only what changed), each flow's
reachable steps with their tokens, where its pages go (FlowPages), and its JSON for the walker
with the revision that names it in URLs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitebuild.common import BuildError, sha256_file, sha256_text
from sitebuild.urls import MAIN_FLOW_ID, flow_base, up

if TYPE_CHECKING:
    from engine import Flow, State

LOADED_FLOWS: dict[tuple[str, str, str], Flow] = {}
"""Checked flows by (file, its hash, engine hash): `serve` re-checks only what changed."""


def load_flows(project: Path, cache: dict[tuple[str, str, str], Flow] | None = None) -> list[Flow]:
    """Every flow in flows/, checked; raises BuildError with every problem line of every file.

    Loads each file once (the safety proof is the slow part), naming files the way the author
    knows them (`flows/x.yaml`), then checks that flow ids are unique across files (both by
    engine.pipeline.load_flows). `cache`
    (default LOADED_FLOWS) keeps checked flows between builds: `serve` passes its own, which
    outlives the reload of this package.
    """
    from engine.pipeline import load_flow_file
    from engine.pipeline import load_flows as load_flow_files

    loaded = LOADED_FLOWS if cache is None else cache
    engine_version = engine_digest(project)

    def load_once(path: Path, shown: str) -> Flow:
        """engine.pipeline's loader, through the cache."""
        key = (str(path), sha256_file(path), engine_version)
        if key not in loaded:
            loaded[key] = load_flow_file(path, display_path=shown)
        return loaded[key]

    paths = sorted((project / "flows").glob("*.yaml"))
    result = load_flow_files(paths, root=project, load=load_once)
    flows, problems = list(result.flows), list(result.problems)
    if not problems:  # review records, and `review_status: approved` only when it is true
        from engine.io.governance_site import governance_problems

        problems += governance_problems(project, flows)
    if not problems:  # authoring problems: a question that cannot change anything fails a build
        from engine.analysis import lint_problems

        for flow in flows:
            problems += lint_problems(flow)
    if problems:
        raise BuildError([str(problem) for problem in sorted(problems)])
    return flows


@dataclass(frozen=True)
class Step:
    """One reachable state of a flow and the token naming its static page."""

    state: State
    token: str
    title: str
    node_id: str


def flow_steps(flow: Flow) -> list[Step]:
    """Every reachable state of `flow` (start first) with its token, step title and node."""
    import engine

    steps = []
    for state in engine.reachable_states(flow):
        node = engine.view(flow, state).node
        steps.append(Step(state, engine.encode_token(flow, state), node.title, node.id))
    return steps


@dataclass(frozen=True)
class FlowPages:
    """Where one flow's pages live: `base` is its folder under the site root, e.g. `algorithm/`."""

    flow: Flow
    base: str
    steps: list[Step]
    """Every reachable state, start first: one static page each."""

    @property
    def depth(self) -> int:
        """Folder depth of the flow's start page (`algorithm/` is 1)."""
        return self.base.count("/")

    def site_root(self, extra_depth: int) -> str:
        """Relative URL of the site root from a page `extra_depth` folders below the start page."""
        return up(self.depth + extra_depth)


def flow_pages(flows: list[Flow]) -> list[FlowPages]:
    """The main flow at /algorithm/, the others at /algorithm/<flow-id>/ (main flow first)."""
    ordered = sorted(flows, key=lambda flow: (flow.id != MAIN_FLOW_ID, flow.id))
    return [
        FlowPages(
            flow,
            flow_base(flow.id),
            flow_steps(flow),
        )
        for flow in ordered
    ]


def flow_json(flow: Flow) -> str:
    """The flow as the walker loads it (assets/flows/<id>.json): with its steps' texts
    rendered, so the browser needs no Markdown library (issue 17). No spaces between tokens:
    every cold walker start downloads it."""
    from engine.render.prerender import artefact

    return json.dumps(artefact(flow), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def flow_revision(flow: Flow) -> str:
    """Names this build's flow JSON in its URL (`<id>.json?v=<revision>`).

    A page only ever loads the flow JSON of its own build: a copy of an older build's JSON in
    the browser's HTTP cache (GitHub Pages sends max-age=600) has another URL. tools/build_sw.mjs
    computes the same value from the file (sha256 of its UTF-8 bytes, 12 hex digits).
    """
    known = FLOW_REVISIONS.get(id(flow))
    if known is None or known[0] is not flow:
        known = FLOW_REVISIONS[id(flow)] = (flow, sha256_text(flow_json(flow))[:12])
    return known[1]


FLOW_REVISIONS: dict[int, tuple[Flow, str]] = {}
"""flow_revision's results by flow object (one JSON dump per flow, not one per step page)."""


def engine_digest(project: Path) -> str:
    """Hash of the engine's sources and packaging: names the cached wheel and loaded flows."""
    sources = [*sorted((project / "engine").rglob("*.py")), project / "pyproject.toml"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
