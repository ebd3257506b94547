"""Build (and serve) the Back Spasm Guide site: `python build_site.py build|serve`.

All generation lives here, not in MkDocs hooks, so a later move to another generator stays cheap:

1. Check every flow in flows/ with the engine. Any problem: print `flows/x.yaml:LINE: message`
   lines, exit 1, and leave the previous site/ untouched.
2. Stage a copy of docs/, check its footnotes' grades against the sources page and turn their
   `{grade: ...}` markers into grade tags (sitebuild/citations.py; any problem: print
   `docs/x.md:LINE: message` lines, exit 1, previous site/ untouched), add generated Markdown
   pages (one algorithm page, text outline and diagram per flow, the route review) and run
   MkDocs (strict) on the staged copy.
3. Make one static page per reachable state of each flow by cloning a "shell" page that MkDocs
   rendered at the same folder depth (so every relative URL in it stays right), then fill in the
   step. Hundreds of step pages cost milliseconds instead of a MkDocs page each.
4. Add the browser's runtime: flow JSON, the vendored Pyodide runtime, the engine wheel and the
   wheels it needs, registered in a site-local pyodide-lock.json, and the walker from web/. The
   standard library modules the walker imports and the wheels are precompiled to bytecode by
   Pyodide itself (tools/compile_runtime.mjs): readers' phones skip compiling them at start-up.
5. Swap the finished folder in for site/ in one step (build_guard.swap_in).

Slow, rarely changing outputs (wheels, bytecode, lockfile, SVG diagrams) are cached in
.build/cache by the hash of their inputs.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import html
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_guard import (
    flow_link_problems,
    off_site_problems,
    recover,
    remove_leftovers,
    swap_in,
    swap_lock,
)

if TYPE_CHECKING:
    from engine import Flow, State

ROOT = Path(__file__).resolve().parent
MAIN_FLOW_ID = "back-spasm"
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000

PYODIDE_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
"""Everything Pyodide needs to start offline (the wheels and lockfile are added separately).
The site's python_stdlib.zip is the precompiled copy made by `compiled_runtime`."""

PURE_WHEELS = ("markdown-it-py", "mdurl")
"""The engine's runtime dependencies, shipped to the browser as pure-Python wheels (versions are
the ones installed in the build environment, which pyproject.toml pins)."""

# Placeholders MkDocs renders into each flow's shell step page; replaced per static step page.
# A random part, new for every build, means no flow text can contain them (flow text is written
# before the build starts), so the replacement can only ever hit what the build itself wrote.
PLACEHOLDER_NONCE = secrets.token_hex(8)
STEP_TITLE = f"XSTEPTITLE{PLACEHOLDER_NONCE}X"
STEP_BODY = f"XSTEPBODY{PLACEHOLDER_NONCE}X"
SHELL_DIR = f"_step-{PLACEHOLDER_NONCE}"
BUILD_INPUTS = (
    "build_site.py",
    "build_guard.py",
    "mkdocs.yml",
    "pyproject.toml",
    "README.md",
    "docs",
    "flows",
    "engine",
    "sitebuild",
    "web",
    "overrides",
    "tools",
    "reviews",
)
"""Everything a build reads from the project, besides node_modules and the .build cache."""

log = logging.getLogger("build_site")


class BuildError(Exception):
    """The build cannot go on; `lines` are what to print (e.g. `flows/x.yaml:12: ...`)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


# --- Flows ------------------------------------------------------------------------------------


LOADED_FLOWS: dict[tuple[str, str, str], Flow] = {}
"""Checked flows by (file, its hash, engine hash): `serve` re-checks only what changed."""


def load_flows(project: Path) -> list[Flow]:
    """Every flow in flows/, checked; raises BuildError with every problem line of every file.

    Loads each file once (the safety proof is the slow part), naming files the way the author
    knows them (`flows/x.yaml`), then checks that flow ids are unique across files.
    """
    import engine

    flows: list[Flow] = []
    problems: list[engine.Problem] = []
    engine_version = engine_digest(project)
    for path in sorted((project / "flows").glob("*.yaml")):
        key = (str(path), sha256_file(path), engine_version)
        try:
            if key not in LOADED_FLOWS:
                LOADED_FLOWS[key] = engine.load_flow_file(path, display_path=f"flows/{path.name}")
            flows.append(LOADED_FLOWS[key])
        except engine.FlowError as error:
            problems += error.problems
    first_file: dict[str, str] = {}
    for flow in flows:
        if flow.id in first_file:
            message = f'flow id "{flow.id}" is already used by {first_file[flow.id]}'
            problems.append(engine.Problem(flow.path, 1, message))
        first_file.setdefault(flow.id, flow.path)
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


def copy_sources(project: Path, into: Path) -> None:
    """Copy a project's build inputs into `into`: a scratch project for tests and benchmarks."""
    for part in BUILD_INPUTS:
        source = project / part
        if source.is_dir():
            shutil.copytree(source, into / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, into / part)


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
        return "../" * (self.depth + extra_depth)


def flow_pages(flows: list[Flow]) -> list[FlowPages]:
    """The main flow at /algorithm/, the others at /algorithm/<flow-id>/ (main flow first)."""
    ordered = sorted(flows, key=lambda flow: (flow.id != MAIN_FLOW_ID, flow.id))
    return [
        FlowPages(
            flow,
            "algorithm/" if flow.id == MAIN_FLOW_ID else f"algorithm/{flow.id}/",
            flow_steps(flow),
        )
        for flow in ordered
    ]


# --- Generated Markdown pages -----------------------------------------------------------------


JSON_ESCAPE = re.compile(r"\\\\|\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")
"""An escaped backslash, or a surrogate pair as json.dumps writes a character beyond U+FFFF."""


def yaml_value(value: Any) -> str:
    """`value` as YAML in one line: JSON (which is YAML), except that a character beyond U+FFFF
    (an emoji) is written `\\UXXXXXXXX`: YAML refuses JSON's surrogate pairs, and MkDocs then
    silently drops the whole front matter (template, CSP and walker included)."""

    def one(match: re.Match[str]) -> str:
        if match[1] is None:
            return match[0]
        high, low = int(match[1], 16), int(match[2], 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"

    return JSON_ESCAPE.sub(one, json.dumps(value))


def front_matter(**fields: Any) -> str:
    """YAML front matter, checked to read back as written (MkDocs ignores front matter it cannot
    read, without a word). A `title` must be `page_title(...)`: Material prints the title
    unescaped (in `<title>`, the header and the search index)."""
    import yaml

    lines = [f"{key}: {yaml_value(value)}" for key, value in fields.items()]
    text = "\n".join(lines)
    if yaml.safe_load(text) != fields:
        raise BuildError([f"build_site.py: front matter would not read back: {text[:200]!r}"])
    return "---\n" + text + "\n---\n\n"


def page_title(text: str) -> str:
    """A title from content for front matter: escaped, since Material prints it as HTML."""
    return html.escape(text)


def raw_html_block(markup: str) -> str:
    """HTML for a Markdown page: no blank lines, so Markdown never re-reads any of it."""
    return "\n".join(line for line in markup.splitlines() if line.strip()) + "\n"


def flow_json(flow: Flow) -> str:
    """The flow as the walker loads it (assets/flows/<id>.json), its texts rendered (issue 17)."""
    import engine

    return json.dumps(engine.flow_to_dict(flow, rendered=True), ensure_ascii=False, sort_keys=True)


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


def walker_root(flow: Flow, step: Step, site_root: str, step_html: str) -> str:
    """The element the walker enhances, holding the static step, and the walker's live region.

    The live region is in the page from the start: screen readers announce changes to a region
    they already know more reliably, and the walker's start adds nothing to the page.
    """
    return (
        f'<div class="walker" id="walker" data-state="static" data-flow="{html.escape(flow.id)}"'
        f' data-flow-rev="{flow_revision(flow)}" data-flow-version="{html.escape(flow.version)}"'
        f' data-token="{html.escape(step.token)}" data-site-root="{html.escape(site_root)}">\n'
        f"{step_html}\n</div>\n"
        '<div class="walker-live" role="status" aria-live="polite"></div>'
    )


def step_url_from(start_token: str, prefix: str) -> Callable[[str], str]:
    """Link builder for static answers: `prefix` leads from the linking page to the flow's base."""

    def step_url(token: str) -> str:
        return prefix + ("" if token == start_token else f"{token}/") or "./"

    return step_url


def flow_links(pages: FlowPages, here: str) -> str:
    """Links from one of a flow's pages (`here`, a folder path) to the flow's other views."""
    up = "../" * (here.count("/") - pages.base.count("/"))
    views = {
        "": "The algorithm, step by step",
        "outline/": "Text outline",
        "diagram/": "Diagram",
    }
    items = [
        f'<li><a href="{up + target or "./"}">{label}</a></li>'
        for target, label in views.items()
        if pages.base + target != here
    ]
    review = "../" * (here.count("/") - 1) + "review/"
    items.append(f'<li><a href="{review}">Every route, for review</a></li>')
    return (
        '<nav class="flow-links" aria-label="Other views of this flow">'
        f"<ul>{''.join(items)}</ul></nav>"
    )


def flow_summary(flow: Flow, site_root: str) -> str:
    """The flow's optional summary (author's Markdown, rendered by the engine: no raw HTML).

    Folded by default: on a phone the first question must show without scrolling.
    """
    from engine.render import markdown

    if not flow.summary:
        return ""
    return (
        '<details class="flow-summary"><summary>About this algorithm</summary>'
        f"{markdown(flow.summary, site_root)}</details>"
    )


ENTRY_WORDS = {
    MAIN_FLOW_ID: "New episode",
    "follow-up": "Follow-up (on treatment)",
    "imaging-findings": "Scan already done",
}
"""How the entry choice names each flow (a flow not listed here goes by its title)."""


def flow_entries(all_pages: list[FlowPages], here: FlowPages) -> str:
    """The entry-flow choice at the top of each start page, never folded away (review row 13):
    which flow fits the patient (new episode, follow-up, imaging already done)."""
    if len(all_pages) < 2:
        return ""
    items = []
    for pages in all_pages:
        label = html.escape(ENTRY_WORDS.get(pages.flow.id, pages.flow.title))
        if pages is here:
            items.append(f'<li><span aria-current="page">{label}</span></li>')
        else:
            href = "../" * here.depth + pages.base
            items.append(f'<li><a href="{html.escape(href)}">{label}</a></li>')
    return (
        '<nav class="flow-entries" aria-label="Which algorithm">'
        f"<span>Which patient?</span><ul>{''.join(items)}</ul></nav>"
    )


SEARCH_EXCLUDED_DOCS = ("authoring.md",)
"""Hand-written machinery pages kept out of search (the generated ones say so themselves), so a
drug name finds the reading pages first (review row 14)."""


def exclude_from_search(page: Path) -> None:
    """Add `search: {exclude: true}` to a staged page's front matter (Material's search plugin)."""
    text = page.read_text()
    if text.startswith("---\n"):
        text = "---\nsearch:\n  exclude: true\n" + text.removeprefix("---\n")
    else:
        text = "---\nsearch:\n  exclude: true\n---\n\n" + text
    page.write_text(text)


def start_page(pages: FlowPages, first: Step, all_pages: list[FlowPages] | None = None) -> str:
    """The flow's start page: title, the entry choice, then the first step (plain links)."""
    import engine

    flow = pages.flow
    site_root = pages.site_root(0)
    step_html = engine.render_step_html(
        flow,
        first.state,
        mode="static",
        site_root=site_root,
        step_url=step_url_from(first.token, ""),
    )
    return (
        front_matter(
            title=page_title(flow.title),
            template="algorithm.html",
            flow=flow.id,
        )
        + f"<h1>{html.escape(flow.title)}</h1>\n\n"
        + raw_html_block(flow_entries(all_pages or [pages], pages))
        + raw_html_block(flow_summary(flow, site_root))
        + raw_html_block(walker_root(flow, first, site_root, step_html))
        + "\n"
        + raw_html_block(flow_links(pages, pages.base))
    )


def shell_page(pages: FlowPages) -> str:
    """The page every static step page of a flow is cloned from (one folder below the start)."""
    flow = pages.flow
    return (
        front_matter(
            title=STEP_TITLE,
            template="algorithm.html",
            flow=flow.id,
            search={"exclude": True},
        )
        # Same heading as the start page: the walker looks alike on every step of a flow; the
        # step's own title goes in <title> (history, bookmarks) and the step's heading.
        + f"<h1>{html.escape(flow.title)}</h1>\n\n<p>{STEP_BODY}</p>\n\n"
        + raw_html_block(flow_links(pages, pages.base + SHELL_DIR + "/"))
    )


def outline_page(pages: FlowPages, start_token: str) -> str:
    """Every step and outcome as semantic HTML: the accessible equivalent of the diagram."""
    import engine

    flow = pages.flow
    outline = engine.render_outline_html(
        flow, site_root=pages.site_root(1), step_url=step_url_from(start_token, "../")
    )
    return (
        front_matter(title=page_title(f"{flow.title}: text outline"), search={"exclude": True})
        + f"<h1>{html.escape(flow.title)}: text outline</h1>\n\n"
        + raw_html_block(outline_contents(flow))
        + raw_html_block(outline)
        + "\n"
        + raw_html_block(flow_links(pages, pages.base + "outline/"))
    )


def outline_contents(flow: Flow) -> str:
    """A table of contents for the outline: every step and outcome, by kind (review row 15)."""
    groups: dict[str, list[str]] = {"Questions and checks": [], "Outcomes": []}
    for node in flow.nodes:
        group = "Outcomes" if node.kind == "outcome" else "Questions and checks"
        groups[group].append(
            f'<li><a href="#node-{html.escape(node.id)}">{html.escape(node.title)}</a></li>'
        )
    parts = ['<nav class="outline-toc" aria-label="Contents of the outline"><p>Contents</p>']
    for name, items in groups.items():
        if items:
            parts.append(f"<p>{name}</p><ol>{''.join(items)}</ol>")
    parts.append("</nav>")
    return "".join(parts)


DIAGRAM_LEGEND = (
    '<ul class="flow-diagram__legend" aria-label="Legend">'
    '<li><span class="swatch swatch--start"></span>Thick dark border: the first step</li>'
    '<li><span class="swatch swatch--step"></span>Grey: a question or check</li>'
    '<li><span class="swatch swatch--emergency"></span>Red: emergency outcome</li>'
    '<li><span class="swatch swatch--urgent"></span>Orange: urgent outcome</li>'
    '<li><span class="swatch swatch--routine"></span>Blue: routine outcome</li>'
    '<li><span class="swatch swatch--self-care"></span>Green: self-care outcome</li>'
    "</ul>"
)
"""What the diagram's colours mean (tools/dot_to_svg.mjs and engine/diagram.py draw them)."""


def advice_pages(pages: FlowPages) -> dict[str, str]:
    """One printable patient advice sheet page per outcome that has one, by staged path
    (`<base>advice/<outcome-id>.md`); the outcome's static and live pages link to it."""
    import engine

    result = {}
    for node in pages.flow.nodes:
        if node.kind != "outcome":
            continue
        sheet = engine.render_advice_html(pages.flow, node.id, site_root=pages.site_root(1))
        if sheet is None:
            continue
        result[f"{pages.base}advice/{node.id}.md"] = (
            front_matter(
                title=page_title(f"Patient advice: {node.title}"), search={"exclude": True}
            )
            + raw_html_block(sheet)
            + '\n<p class="advice-back"><a href="../../">Back to the algorithm</a></p>\n'
        )
    return result


def diagram_page(pages: FlowPages, svg: str) -> str:
    """The static SVG diagram, inline (so CSS can colour it for light and dark mode)."""
    flow = pages.flow
    return (
        front_matter(title=page_title(f"{flow.title}: diagram"), search={"exclude": True})
        + f"<h1>{html.escape(flow.title)}: diagram</h1>\n\n"
        + "<p>Each box opens that step. It starts at the box with the thick border; on a phone "
        + "scroll sideways. The same flow as text: "
        + '<a href="../outline/">text outline</a>.</p>\n\n'
        + raw_html_block(DIAGRAM_LEGEND)
        + raw_html_block(
            f'<figure class="flow-diagram"><div class="flow-diagram__scroll" tabindex="0"'
            f' data-start="{html.escape(pages.flow.start)}">'
            f"{svg}</div><figcaption>{html.escape(flow.title)}, version "
            f"{html.escape(flow.version)}</figcaption></figure>"
        )
        + "\n"
        + raw_html_block(flow_links(pages, pages.base + "diagram/"))
    )


def review_page(all_pages: list[FlowPages], project: Path = ROOT) -> str:
    """Every route of every flow in review tables (`python -m engine paths` prints the same),
    with each route's fingerprint and review state.

    Everything in them is flow text: the engine's Markdown table is rendered with raw HTML off
    (markdown-it, which also drops `javascript:` links), never by MkDocs' Python-Markdown, which
    passes raw HTML and `{: attr_list}` handlers through.
    """
    import engine
    from engine.io.govcli import with_review_columns
    from engine.io.records import flow_states

    parts = [
        front_matter(title="Route review", search={"exclude": True}),
        "# Route review\n\n",
        "Every route through each flowchart, from its first question to its outcome, with the "
        "facts it records and the recommendations it shows. Reviewers sign off flows here.\n\n",
    ]
    for pages in all_pages:
        flow = pages.flow
        states = flow_states(flow, project / "reviews")
        table = with_review_columns(engine.routes_markdown(flow), states, for_site=True)
        # The engine's table starts with the flow's `##` heading (replaced here) and its version.
        _, _, table = table.partition("\n")
        flow_page = pages.base.removeprefix("algorithm/") + "index.md"
        parts.append(
            f"## {markdown_text(flow.title)} (`{flow.id}`) {{#{flow.id}}}\n\n"
            f"[Open this flow]({flow_page})\n\n{raw_html_block(safe_markdown_html(table))}\n"
        )
    return "".join(parts)


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
"""What Python-Markdown (with the tables extension) lets a backslash escape."""


def markdown_text(text: str) -> str:
    """Plain text for a line of MkDocs Markdown: HTML escaped, Markdown syntax backslashed."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def safe_markdown_html(text: str) -> str:
    """Markdown (with tables) from content -> HTML with raw HTML shown as text, no unsafe links."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


def stub_page(title: str, source: str) -> str:
    """A clearly marked placeholder for a nav page nobody has written yet."""
    return (
        front_matter(title=title, stub=True)
        + f"# {title}\n\n"
        + '!!! warning "Page not written yet"\n\n'
        + f"    `docs/{source}` does not exist yet: build_site.py generated this placeholder.\n"
    )


# --- Diagrams ---------------------------------------------------------------------------------


def node_step_urls(steps: list[Step], prefix: str) -> dict[str, str]:
    """Each node's first static step page (the shortest way there), relative to the diagram."""
    urls: dict[str, str] = {}
    for index, step in enumerate(steps):
        urls.setdefault(step.node_id, prefix if index == 0 else f"{prefix}{step.token}/")
    return urls


def dots_to_svgs(project: Path, cache: Path, dots: list[str]) -> list[str]:
    """Render DOT texts to inline-ready SVG, in one Node process; Graphviz's output is cached."""
    keys = [sha256_text(dot) for dot in dots]
    missing = [dot for dot, key in zip(dots, keys, strict=True) if not (cache / key).exists()]
    if missing:
        result = subprocess.run(
            ["node", str(project / "tools" / "dot_to_svg.mjs")],
            input=json.dumps(missing),
            capture_output=True,
            text=True,
            cwd=project,
            check=False,
        )
        if result.returncode != 0:
            raise BuildError([f"diagram: {line}" for line in result.stderr.splitlines()])
        for dot, svg in zip(missing, json.loads(result.stdout), strict=True):
            write_atomic(cache / sha256_text(dot), svg.encode())
    return [clean_svg((cache / key).read_text()) for key in keys]


def clean_svg(svg: str) -> str:
    """Graphviz's SVG made fit to inline in HTML: no XML prolog, comments, fixed size or colours.

    Colours and fonts come from the site's CSS instead (theme variables), so the diagram follows
    light and dark mode. The natural size is kept (readable text); the box scrolls instead.
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r' (fill|stroke|font-family)="[^"]*"', "", svg)
    svg = svg.replace(' xml:space="preserve"', "")
    svg = svg.replace("<svg ", '<svg class="flow-diagram__svg" ', 1)
    return svg.strip()


# --- Wheels and the Pyodide lockfile ----------------------------------------------------------


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a concurrent build never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(temp, path)


def engine_digest(project: Path) -> str:
    """Hash of the engine's sources and packaging: names the cached wheel and loaded flows."""
    sources = [*sorted((project / "engine").rglob("*.py")), project / "pyproject.toml"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def engine_wheel(project: Path, cache: Path) -> Path:
    """The engine as a wheel, built with its PEP 517 backend; cached by the hash of its sources."""
    folder = cache / "engine-wheel" / engine_digest(project)
    wheels = list(folder.glob("*.whl"))
    if wheels:
        return wheels[0]
    import build
    from pyproject_hooks import quiet_subprocess_runner

    # Build from a private copy of the sources: concurrent builds must not share setuptools'
    # build/ folder in the project root.
    with tempfile.TemporaryDirectory(dir=cache, prefix="engine-src-") as temp:
        source = Path(temp) / "src"
        shutil.copytree(
            project / "engine", source / "engine", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copy2(project / "pyproject.toml", source / "pyproject.toml")
        readme = project / "README.md"
        if readme.exists():
            shutil.copy2(readme, source / "README.md")
        else:
            (source / "README.md").write_text("Back Spasm Guide engine\n")
        out = Path(temp) / "dist"
        builder = build.ProjectBuilder(source, runner=quiet_subprocess_runner)
        wheel = Path(builder.build("wheel", out))
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / wheel.name
        shutil.copy2(wheel, folder / f".{wheel.name}.part")
        os.replace(folder / f".{wheel.name}.part", target)
    return target


def pure_wheels(cache: Path) -> list[Path]:
    """The engine's runtime dependencies as pure wheels (from PyPI once, then from the cache)."""
    pins = [f"{name}=={installed_version(name)}" for name in PURE_WHEELS]
    folder = cache / "pure-wheels" / sha256_text(" ".join(pins))[:16]
    wheels = sorted(folder.glob("*.whl"))
    if len(wheels) == len(pins):
        return wheels
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", temp, *pins]
        if subprocess.run(command, check=False).returncode != 0:
            raise BuildError([f"could not download {' '.join(pins)} from PyPI (needed once)"])
        for wheel in Path(temp).glob("*.whl"):
            os.replace(wheel, folder / wheel.name)
    return sorted(folder.glob("*.whl"))


def compiled_runtime(
    project: Path, cache: Path, wheels: list[Path], flows: list[Path] | None = None
) -> Path:
    """Folder with the precompiled python_stdlib.zip and wheels (tools/compile_runtime.py).

    Made by the vendored Pyodide under Node (a few seconds), then cached by the hash of
    everything that goes in; the output is byte-for-byte reproducible.
    """
    pyodide_dir = project / "node_modules" / "pyodide"
    tools = [project / "tools" / name for name in COMPILE_TOOLS]
    flows = flows or []
    inputs = [*(pyodide_dir / name for name in PYODIDE_RUNTIME_FILES), *tools, *wheels, *flows]
    key = sha256_text("\n".join(f"{path.name} {sha256_file(path)}" for path in inputs))
    folder = cache / "compiled-runtime" / key[:16]
    if (folder / "modules.txt").exists():
        return folder
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        out = Path(temp) / "out"
        command = ["node", str(tools[0]), str(pyodide_dir), str(out), *map(str, wheels)]
        command += ["--", *map(str, flows)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BuildError(["compiling the runtime failed:", *result.stderr.splitlines()])
        for file in out.iterdir():
            file.chmod(0o644)  # Node's file system mount writes 0666
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(out, folder)
    return folder


COMPILE_TOOLS = ("compile_runtime.mjs", "compile_runtime.py", "site_fallback.py")


def site_lock(lock: dict[str, Any], compiled: Path) -> dict[str, Any]:
    """The lock file listing only what the site ships (issue 17: 120 KB -> 1 KB): our wheels,
    with the sha256 of the compiled copies that ship."""
    packages = {}
    for name, package in lock["packages"].items():
        shipped = compiled / package["file_name"]
        if shipped.exists():
            packages[name] = {**package, "sha256": sha256_file(shipped)}
    return {**lock, "packages": packages}


def pyodide_lockfile(project: Path, cache: Path, wheels: list[Path]) -> Path:
    """Pyodide's lockfile plus our wheels (sha256 included), via `pyodide lockfile add-wheels`."""
    upstream = project / "node_modules" / "pyodide" / "pyodide-lock.json"
    key = sha256_text("\n".join([sha256_file(upstream), *(sha256_file(w) for w in wheels)]))
    cached = cache / "lockfile" / f"{key[:16]}.json"
    if cached.exists():
        return cached
    with tempfile.TemporaryDirectory(dir=cache) as temp:
        for wheel in wheels:
            shutil.copy2(wheel, Path(temp) / wheel.name)
        output = Path(temp) / "pyodide-lock.json"
        pyodide_cli = Path(sys.executable).parent / "pyodide"
        command = [str(pyodide_cli), "lockfile", "add-wheels", "--input", str(upstream)]
        command += ["--output", str(output), *(str(Path(temp) / w.name) for w in wheels)]
        result = subprocess.run(command, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(["pyodide lockfile add-wheels failed:", *result.stderr.splitlines()])
        write_atomic(cached, output.read_bytes())
    return cached


# --- Post-processing of MkDocs' output --------------------------------------------------------

SEARCH_INDEX_TAGS = frozenset(
    {"p", "br", "code", "pre", "em", "strong", "b", "i", "sup", "sub", "ul", "ol", "li", "mark"}
)
"""Tags kept (without attributes) in the search index's HTML: enough for Material's snippets."""


class TextOnlyHTML(HTMLParser):
    """Re-writes HTML as escaped text plus a few bare tags; everything else (scripts, handlers,
    links, images) is dropped. Idempotent: clean HTML comes out as it went in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in SEARCH_INDEX_TAGS and not self.skipping:
            self.parts.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in SEARCH_INDEX_TAGS and not self.skipping:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(html.escape(data, quote=False))


def text_only_html(markup: str) -> str:
    parser = TextOnlyHTML()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def clean_search_index(out: Path) -> None:
    """Make the search index safe: Material shows its titles and texts as HTML in the results.

    MkDocs puts page titles in unescaped, and a section's text is the page's HTML, raw HTML from
    a docs page included; only escaped text and a few bare tags are kept.
    """
    index = out / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    for doc in data.get("docs", []):
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = text_only_html(doc[key])
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_step_pages(out: Path, pages: FlowPages) -> None:
    """Clone the flow's shell page once per reachable state (the start has its own page)."""
    import engine

    flow = pages.flow
    shell_dir = out / pages.base / SHELL_DIR
    shell = (shell_dir / "index.html").read_text()
    shell_url = f"{pages.base}{SHELL_DIR}/"
    body = f"<p>{STEP_BODY}</p>"
    if shell.count(body) != 1 or STEP_TITLE not in shell:  # a theme change broke the shell
        raise BuildError([f"overrides: the step shell page of {flow.id} lost its placeholders"])
    # The placeholders are replaced around the step, never inside it: no step text is rewritten.
    before, after = shell.split(body)
    site_root = pages.site_root(1)
    step_url = step_url_from(pages.steps[0].token, "../")
    for step in pages.steps[1:]:
        step_html = engine.render_step_html(
            flow,
            step.state,
            mode="static",
            site_root=site_root,
            step_url=step_url,
            advice_url=lambda outcome_id: f"../advice/{outcome_id}/",
        )

        def fill(part: str, step: Step = step) -> str:
            return part.replace(STEP_TITLE, html.escape(step.title)).replace(
                shell_url, f"{pages.base}{step.token}/"
            )

        page = fill(before) + walker_root(flow, step, site_root, step_html) + fill(after)
        target = out / pages.base / step.token / "index.html"
        if target.exists():
            raise BuildError([f"{flow.path}:1: step token {step.token!r} collides with a page"])
        target.parent.mkdir(parents=True)
        target.write_text(page)
    shutil.rmtree(shell_dir)


def drop_from_sitemap(out: Path, fragment: str) -> None:
    """Remove the shell pages from sitemap.xml (and its .gz twin), which MkDocs wrote."""
    import gzip

    sitemap = out / "sitemap.xml"
    if not sitemap.exists():
        return
    text = re.sub(
        r"\s*<url>\s*<loc>[^<]*" + re.escape(fragment) + r"[^<]*</loc>.*?</url>",
        "",
        sitemap.read_text(),
        flags=re.DOTALL,
    )
    sitemap.write_text(text)
    (out / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode(), mtime=0))


# --- The build --------------------------------------------------------------------------------


@contextmanager
def mkdocs_logging(quiet: bool) -> Iterator[None]:
    """Show MkDocs' warnings (strict mode turns them into a failure) while it runs."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.propagate = False
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def nav_with_flows(nav: list[Any], all_pages: list[FlowPages]) -> list[Any]:
    """mkdocs.yml's nav with its Algorithm entry expanded to one entry per flow."""
    if len(all_pages) < 2:
        return nav
    # Flow titles are long sentences; the nav gets the flow id in words ("Follow up").
    entries = [
        {pages.flow.id.replace("-", " ").capitalize(): pages.base + "index.md"}
        for pages in all_pages
    ]
    return [
        {"Algorithm": entries} if entry == {"Algorithm": "algorithm/index.md"} else entry
        for entry in nav
    ]


def nav_pages(nav: list[Any]) -> Iterator[tuple[str, str]]:
    """(title, docs path) of every page in a nav tree."""
    for entry in nav:
        for title, target in entry.items() if isinstance(entry, dict) else [(None, entry)]:
            if isinstance(target, list):
                yield from nav_pages(target)
            elif isinstance(target, str) and target.endswith(".md"):
                yield (title or target, target)


def grade_footnotes(stage: Path) -> None:
    """The reading pages' footnotes checked against the sources page's grading schemes, their
    `{grade: ...}` markers turned into grade tags (sitebuild.citations), in the staged copy.

    Raises BuildError with `docs/x.md:LINE: message` lines when a footnote to a graded source
    has no grade, a grade outside its scheme, or a sources anchor that does not exist.
    """
    from sitebuild.citations import grade_pages

    pages = {
        path.relative_to(stage).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(stage.rglob("*.md"))
    }
    graded, problems = grade_pages(pages, prefix="docs/")
    if problems:
        raise BuildError(problems)
    for name, text in graded.items():
        if text != pages[name]:
            (stage / name).write_text(text, encoding="utf-8")


def generated_pages(all_pages: list[FlowPages]) -> dict[str, str]:
    """Every Markdown page the build writes into the staged docs, with what it is."""
    result = {}
    for pages in all_pages:
        flow = pages.flow.id
        result[pages.base + "index.md"] = f'the start page of flow "{flow}"'
        result[pages.base + SHELL_DIR + "/index.md"] = f'the step pages of flow "{flow}"'
        result[pages.base + "outline.md"] = f'the text outline of flow "{flow}"'
        result[pages.base + "diagram.md"] = f'the diagram of flow "{flow}"'
        for node in pages.flow.nodes:
            if node.kind == "outcome" and node.patient is not None:
                path = f"{pages.base}advice/{node.id}.md"
                result[path] = f'the patient advice sheet of "{node.id}" in flow "{flow}"'
    if all_pages:
        result["algorithm/review.md"] = "the route review page"
    from engine.io import governance_site as gov

    result[gov.SAFETY_PAGE] = "the Clinical safety page"
    result[gov.CHANGES_PAGE] = "the What changed page"
    return result


def page_clashes(stage: Path, generated: dict[str, str]) -> list[str]:
    """A `docs/x.md:1: ...` line for each docs page a generated page would replace or hide.

    `a/b.md` and `a/b/index.md` are the same page (`a/b/`) to MkDocs, so both are looked for.
    """
    problems = []
    for path, what in generated.items():
        same_url = path.removesuffix("/index.md") + ".md" if path.endswith("/index.md") else ""
        if not same_url:
            same_url = path.removesuffix(".md") + "/index.md"
        for candidate in (path, same_url):
            if (stage / candidate).exists():
                problems.append(
                    f"docs/{candidate}:1: this page has the address of {what}, which the build "
                    "generates: rename or move the page"
                )
    return problems


def inside(stage: Path, path: str) -> bool:
    """Whether a nav path stays inside the (staged) docs folder."""
    return (stage / path).resolve().is_relative_to(stage.resolve())


def nav_line(project: Path, path: str) -> int:
    """The line of mkdocs.yml naming `path` (1 if not found)."""
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, start=1) if path in line), 1)


def stage_docs(project: Path, stage: Path, all_pages: list[FlowPages], nav: list[Any]) -> list[str]:
    """docs/ plus the generated pages, in `stage`; returns the nav pages that had to be stubbed."""
    shutil.copytree(project / "docs", stage)
    clashes = page_clashes(stage, generated_pages(all_pages))
    outside = [
        f"mkdocs.yml:{nav_line(project, path)}: nav entry {title!r} points to {path}, outside docs/"
        for title, path in nav_pages(nav)
        if not inside(stage, path)
    ]
    if clashes or outside:
        raise BuildError(clashes + outside)
    grade_footnotes(stage)  # hand-written pages only: before the generated ones are added
    for name in SEARCH_EXCLUDED_DOCS:
        if (stage / name).exists():
            exclude_from_search(stage / name)
    for pages in all_pages:
        steps = pages.steps
        folder = stage / pages.base
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(start_page(pages, steps[0], all_pages))
        (folder / SHELL_DIR).mkdir()
        (folder / SHELL_DIR / "index.md").write_text(shell_page(pages))
        (folder / "outline.md").write_text(outline_page(pages, steps[0].token))
        for path, text in advice_pages(pages).items():
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            (stage / path).write_text(text)
    if all_pages:
        (stage / "algorithm" / "review.md").write_text(review_page(all_pages, project))
    stubs = []
    for title, path in nav_pages(nav):
        if not (stage / path).exists():
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            (stage / path).write_text(stub_page(title, path))
            stubs.append(path)
    return stubs


def write_diagrams(project: Path, cache: Path, stage: Path, all_pages: list[FlowPages]) -> None:
    from engine.diagram import flow_to_dot

    dots = [flow_to_dot(pages.flow, node_step_urls(pages.steps, "../")) for pages in all_pages]
    for pages, svg in zip(all_pages, dots_to_svgs(project, cache / "svg", dots), strict=True):
        (stage / pages.base / "diagram.md").write_text(diagram_page(pages, svg))


def copy_runtime(project: Path, cache: Path, out: Path, all_pages: list[FlowPages]) -> None:
    """Flow JSON, the Pyodide runtime, wheels + lockfile, and the walker's JS/CSS."""

    flows_dir = out / "assets" / "flows"
    flows_dir.mkdir(parents=True)
    for pages in all_pages:
        (flows_dir / f"{pages.flow.id}.json").write_text(flow_json(pages.flow), encoding="utf-8")

    pyodide_dir = out / "assets" / "pyodide"
    pyodide_dir.mkdir(parents=True)
    wheels = [engine_wheel(project, cache), *pure_wheels(cache)]
    compiled = compiled_runtime(project, cache, wheels, sorted(flows_dir.glob("*.json")))
    for name in PYODIDE_RUNTIME_FILES:
        source = compiled if (compiled / name).exists() else project / "node_modules" / "pyodide"
        shutil.copy2(source / name, pyodide_dir / name)
    # The full archives, fetched only for a module the slim ones lack (tools/site_fallback.py).
    for archive in compiled.glob("*full.zip"):
        shutil.copy2(archive, pyodide_dir / archive.name)
    # The lock file is made from the source wheels (pyodide-lock reads their import names from
    # the .py files), then given the sha256 of the compiled wheels that ship: what Pyodide's own
    # `pyodide py-compile` does for its packages.
    lock = site_lock(json.loads(pyodide_lockfile(project, cache, wheels).read_text()), compiled)
    for package in lock["packages"].values():
        shutil.copy2(compiled / package["file_name"], pyodide_dir / package["file_name"])
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock))

    walker_dir = out / "assets" / "walker"
    if (project / "web").is_dir():
        shutil.copytree(project / "web", walker_dir, dirs_exist_ok=True)
    walker_dir.mkdir(parents=True, exist_ok=True)
    for name in ("walker.mjs", "walker.css"):
        if not (walker_dir / name).exists():
            log.warning("web/%s is missing: an empty placeholder was written", name)
            (walker_dir / name).write_text(f"/* placeholder: web/{name} does not exist yet */\n")
    write_runtime_sizes(out, pyodide_dir)


def write_runtime_sizes(out: Path, pyodide_dir: Path) -> None:
    """assets/walker/runtime-sizes.mjs: what a cold walker start downloads, file by file (bytes
    as the browser sees them, and gzipped as a host sends them), so its progress can say
    "1.8 of 4.2 MB" (web/worker.mjs, web/loading.mjs)."""
    import gzip

    names = [*PYODIDE_RUNTIME_FILES, "pyodide-lock.json"]
    names += sorted(p.name for p in pyodide_dir.glob("*.whl"))
    sizes = {}
    for name in names:
        data = (pyodide_dir / name).read_bytes()
        sizes[name] = [len(data), len(gzip.compress(data, compresslevel=6, mtime=0))]
    text = "// Written by build_site.py (write_runtime_sizes): [bytes, gzip bytes] per file.\n"
    text += f"export const RUNTIME_SIZES = {json.dumps(sizes, sort_keys=True)};\n"
    (out / "assets" / "walker" / "runtime-sizes.mjs").write_text(text)


def write_service_worker(project: Path, out: Path) -> None:
    """sw.js and friends from tools/build_sw.mjs (Workbox), over the finished site."""
    script = project / "tools" / "build_sw.mjs"
    if not script.exists():
        return
    result = subprocess.run(
        ["node", str(script), str(out)], cwd=project, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BuildError([f"service worker: {line}" for line in result.stderr.splitlines()])
    report_service_worker_warnings(result.stderr)


def report_service_worker_warnings(stderr: str) -> None:
    """Workbox's warnings, which used to be dropped. A file too big to precache fails the build:
    the offline copy would silently lack it (the search index: search stops working offline);
    any other warning is printed."""
    warnings = [line for line in stderr.splitlines() if "warning" in line.lower()]
    too_big = [line for line in warnings if "won't be precached" in line]
    if too_big:
        raise BuildError(
            [f"service worker: {line}" for line in too_big]
            + [
                "service worker: readers offline would miss these files (a search index this "
                "big breaks offline search); make the content smaller, or raise "
                "maximumFileSizeToCacheBytes in tools/build_sw.mjs"
            ]
        )
    for line in warnings:
        log.warning("service worker: %s", line)


NODE_MODULES_NEEDED = (
    "pyodide/pyodide.mjs",
    "pyodide/pyodide-lock.json",
    "@viz-js/viz/package.json",
    "workbox-build/package.json",
)
"""Files of node_modules/ the build reads (the runtime, the diagram renderer, the worker)."""


def check_node_modules(project: Path) -> None:
    """node_modules/ must be installed before anything is built: a clear line, not a traceback
    (warm cache) or a page of Node errors (cold diagram cache)."""
    missing = [
        name for name in NODE_MODULES_NEEDED if not (project / "node_modules" / name).exists()
    ]
    if missing or shutil.which("node") is None:
        what = (
            "node is not installed"
            if shutil.which("node") is None
            else (f"node_modules/{missing[0]} is missing")
        )
        raise BuildError(
            [f"build_site.py: {what}: run `make setup` (or `npm ci`) in {project} first"]
        )


def build(
    project: Path = ROOT,
    site_dir: Path | None = None,
    *,
    quiet: bool = False,
    service_worker: bool = True,
    live_preview: bool = False,
) -> Path:
    """Build the whole site into `site_dir` (default project/site); returns it.

    `service_worker=False` (used by `serve`) skips the offline service worker, so the live
    server never hands out a cached page from an older build, and removes the previous site in
    the background. `live_preview=True` (also `serve`) leaves the Content-Security-Policy off
    reading pages, so MkDocs' inline live-reload script can run there (overrides/main.html).

    Raises BuildError (and leaves `site_dir` as it was) when a flow has problems or MkDocs fails.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.monotonic()
    project = project.resolve()
    site_dir = (site_dir or project / "site").resolve()
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
    from engine import limits

    limits.current, errors = limits.from_environment(os.environ)
    if errors:
        raise BuildError([f"build_site.py: {error}" for error in errors])
    all_pages = flow_pages(load_flows(project))
    check_node_modules(project)
    phases = [("flows", time.monotonic())]

    cache = project / ".build" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-{os.getpid()}-")
        os.rmdir(probe)
    except OSError as error:
        raise BuildError(
            [f"build_site.py: cannot write the site in {site_dir.parent}: {error.strerror}"]
        ) from error
    with swap_lock(site_dir):  # first, what a killed build may have left
        recover(site_dir)
        remove_leftovers(project, site_dir)
    pid = os.getpid()
    out = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-{pid}-"))
    try:
        with tempfile.TemporaryDirectory(dir=project / ".build", prefix=f"stage-{pid}-") as temp:
            stage = Path(temp) / "docs"
            import yaml

            mkdocs_yml = yaml.safe_load((project / "mkdocs.yml").read_text())
            nav = nav_with_flows(mkdocs_yml["nav"], all_pages)
            from engine.io import governance_site as gov

            build_date = datetime.datetime.now(datetime.UTC).date().isoformat()
            reviewed = gov.flow_reviews(project, [(p.flow, p.base) for p in all_pages])
            stubs = stage_docs(project, stage, all_pages, nav)
            nav = gov.stage_pages(project, stage, reviewed, nav, build_date)
            for path in stubs:
                log.warning("docs/%s is missing: a placeholder page was generated", path)
            write_diagrams(project, cache, stage, all_pages)
            phases.append(("generated pages", time.monotonic()))
            overrides: dict[str, Any] = {
                "docs_dir": str(stage),
                "site_dir": str(out),
                "nav": nav,
                "strict": True,
            }
            overrides["extra"] = gov.review_extra(project, stage, reviewed, mkdocs_yml.get("extra"))
            if live_preview:
                overrides["extra"] = {**overrides["extra"], "live_preview": True}
            if os.environ.get("SITE_URL"):
                overrides["site_url"] = os.environ["SITE_URL"]
            if stubs:
                # Anchors into placeholder pages cannot exist yet: report them, do not fail.
                overrides["validation"] = {"links": {"anchors": "info"}}
            with mkdocs_logging(quiet):
                config = load_config(config_file=str(project / "mkdocs.yml"), **overrides)
                from mkdocs.commands.build import build as mkdocs_build

                try:
                    mkdocs_build(config)
                except (MkDocsException, SystemExit) as error:
                    raise BuildError([f"mkdocs: {error}"]) from error
            problems = off_site_problems(out, stage) + flow_link_problems(out, all_pages)
            if problems:
                raise BuildError(problems)

        phases.append(("MkDocs", time.monotonic()))
        for pages in all_pages:
            write_step_pages(out, pages)
        drop_from_sitemap(out, f"/{SHELL_DIR}/")
        gov.write_hazard_log(out, reviewed, build_date)
        clean_search_index(out)
        phases.append(("step pages", time.monotonic()))
        copy_runtime(project, cache, out, all_pages)
        phases.append(("runtime", time.monotonic()))
        if service_worker:
            write_service_worker(project, out)
            phases.append(("service worker", time.monotonic()))
        swap_in(out, site_dir, remove_old_in_background=not service_worker)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    if not quiet:
        times, previous = [], started
        for name, when in phases:
            times.append(f"{name} {when - previous:.1f}")
            previous = when
        print(f"Built {site_dir} in {time.monotonic() - started:.1f} s ({', '.join(times)})")
    return site_dir


# --- Serving ----------------------------------------------------------------------------------


def serve(project: Path = ROOT, host: str = SERVE_HOST, port: int = SERVE_PORT) -> None:
    """Build, then serve site/ with live reload; a failed rebuild keeps the last good site."""
    from mkdocs.livereload import LiveReloadServer

    site_dir = project / "site"

    engine_seen = [engine_digest(project)]

    def rebuild() -> None:
        if engine_digest(project) != engine_seen[0]:  # engine/ changed: import it afresh
            engine_seen[0] = engine_digest(project)
            for name in [name for name in sys.modules if name.split(".")[0] == "engine"]:
                del sys.modules[name]
            LOADED_FLOWS.clear()
        for name in [name for name in sys.modules if name.split(".")[0] == "sitebuild"]:
            del sys.modules[name]  # small and build-only: always read afresh
        try:
            build(project, site_dir, service_worker=False, live_preview=True)
        except BuildError as error:
            print("\n".join(error.lines), file=sys.stderr)
            print("Build failed: still serving the last good site.", file=sys.stderr)
        except Exception:  # a bug in code being edited: show it, keep serving
            traceback.print_exc()
            print("Build failed: still serving the last good site.", file=sys.stderr)

    rebuild()
    site_dir.mkdir(exist_ok=True)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site_dir))
    watched_paths = (
        "docs",
        "flows",
        "engine",
        "sitebuild",
        "web",
        "overrides",
        "mkdocs.yml",
        "reviews",
    )
    for watched in watched_paths:
        if (project / watched).exists():
            server.watch(str(project / watched))
    try:
        server.serve()  # type: ignore[no-untyped-call]  # MkDocs leaves it unannotated
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--site-dir", type=Path, default=None, help="build: default site/")
    parser.add_argument("--port", type=int, default=SERVE_PORT, help="serve: default 8000")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    if args.command == "serve":
        serve(port=args.port)
        return 0
    try:
        build(ROOT, args.site_dir)
    except BuildError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a name too long...: one line, not a traceback
        print(f"build_site.py: the build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
