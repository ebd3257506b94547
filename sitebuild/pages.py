"""The Markdown pages the build adds to the staged docs, one function a page: each flow's start
page (the entry choice, the summary, the first step inside the walker's root), the shell every
static step page is cloned from, the text outline, the diagram page, the patient advice sheets,
the route review and placeholders for unwritten nav pages. Flow text reaches them only escaped,
or rendered by the engine's Markdown with raw HTML off; front matter is checked to read back.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitebuild.common import ROOT, BuildError
from sitebuild.flows import FlowPages, Step, flow_revision
from sitebuild.urls import (
    ALGORITHM,
    FLOW_VIEWS,
    MAIN_FLOW_ID,
    REVIEW,
    advice_path,
    step_url_from,
    up,
)

if TYPE_CHECKING:
    from engine import Flow

# Placeholders MkDocs renders into each flow's shell step page; replaced per static step page.
# A random part, new for every build, means no flow text can contain them (flow text is written
# before the build starts), so the replacement can only ever hit what the build itself wrote.
PLACEHOLDER_NONCE = secrets.token_hex(8)
STEP_TITLE = f"XSTEPTITLE{PLACEHOLDER_NONCE}X"
STEP_BODY = f"XSTEPBODY{PLACEHOLDER_NONCE}X"
SHELL_DIR = f"_step-{PLACEHOLDER_NONCE}"
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


def flow_links(pages: FlowPages, here: str) -> str:
    """Links from one of a flow's pages (`here`, a folder path) to the flow's other views."""
    to_base = up(here.count("/") - pages.base.count("/"))
    views = {
        "": "The algorithm, step by step",
        FLOW_VIEWS["outline"]: "Text outline",
        FLOW_VIEWS["diagram"]: "Diagram",
    }
    items = [
        f'<li><a href="{to_base + target or "./"}">{label}</a></li>'
        for target, label in views.items()
        if pages.base + target != here
    ]
    review = up(here.count("/") - ALGORITHM.count("/")) + REVIEW.removeprefix(ALGORITHM)
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
            href = up(here.depth) + pages.base
            items.append(f'<li><a href="{html.escape(href)}">{label}</a></li>')
    return (
        '<nav class="flow-entries" aria-label="Which algorithm">'
        f"<span>Which patient?</span><ul>{''.join(items)}</ul></nav>"
    )


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
        + raw_html_block(flow_links(pages, pages.base + FLOW_VIEWS["outline"]))
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
        result[advice_source(pages.base, node.id)] = (
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
        + raw_html_block(flow_links(pages, pages.base + FLOW_VIEWS["diagram"]))
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
        flow_page = pages.base.removeprefix(ALGORITHM) + "index.md"
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


def advice_source(base: str, outcome_id: str) -> str:
    """The staged Markdown file of an outcome's advice sheet (`<base>advice/<outcome-id>.md`)."""
    return base + advice_path(outcome_id).removesuffix("/") + ".md"
