"""What the build does to MkDocs' output: clones each flow's shell page into one static page
per reachable step (placeholders replaced around the step, never inside it), drops the shell
pages from the sitemap, and rewrites the search index as escaped text (Material shows it as
HTML)."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from sitebuild.common import BuildError
from sitebuild.flows import FlowPages, Step
from sitebuild.pages import SHELL_DIR, STEP_BODY, STEP_TITLE, walker_root
from sitebuild.urls import advice_path, step_path, step_url_from

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
    """`markup` as escaped text plus the few bare tags of SEARCH_INDEX_TAGS."""
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
            advice_url=lambda outcome_id: "../" + advice_path(outcome_id),
        )

        def fill(part: str, step: Step = step) -> str:
            return part.replace(STEP_TITLE, html.escape(step.title)).replace(
                shell_url, pages.base + step_path(step.token)
            )

        page = fill(before) + walker_root(flow, step, site_root, step_html) + fill(after)
        target = out / pages.base / step_path(step.token) / "index.html"
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
