"""Markdown of a flow -> safe HTML or plain text: the one place that knows Markdown.

Everything goes through markdown-it-py with raw HTML off and images off (an image would be a
request to a third party); link targets are checked by markdown-it-py (no `javascript:` and the
like) and links to `page.md` become site URLs. `esc` escapes any other text for HTML.

Each text is rendered once: the result is kept, split where the site root goes, so one rendering
serves pages at every depth. The build renders every text a step can show and ships the results
with the flow (`prerender`); the walker loads them (`preload`) and so needs no Markdown library
in the browser (issue 17): markdown-it-py is imported only when a text is not known yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

from engine.grammar import PAGE

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict


class Prerendered(TypedDict):
    """Texts rendered at build time: block Markdown -> its HTML split at the site root, and
    inline Markdown -> its HTML. Plain JSON, carried in the flow's artefact."""

    block: dict[str, list[str]]
    inline: dict[str, str]


ROOT = "\x00"
"""Stands for the site root while a text is rendered: markdown-it turns every NUL of a text
into U+FFFD, so in its output only a link's site root can hold one."""

_blocks: dict[str, tuple[str, ...]] = {}
"""Block Markdown -> its HTML split at ROOT (rendered here, or preloaded from the build)."""
_inlines: dict[str, str] = {}
"""Inline Markdown -> its HTML (rendered here, or preloaded from the build)."""


def page_url(site_root: str, page: str) -> str:
    """`treatment.md#x` -> `{site_root}treatment/#x` (the site uses directory URLs)."""
    path, _, anchor = page.partition("#")
    stem = path[: -len(".md")]
    if stem == "index":
        stem = ""
    elif stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return site_root + stem + (f"#{anchor}" if anchor else "")


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Site pages written as `page.md#anchor` become site URLs relative to the current page."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if PAGE.match(href):
        token.attrSet("href", page_url(ROOT, href))
    return self.renderToken(tokens, idx, options, env)


@cache
def _parsers() -> tuple[MarkdownIt, MarkdownIt]:
    """The block and the inline parser, made on first use (the walker never needs them)."""
    from markdown_it import MarkdownIt

    block = MarkdownIt("commonmark", {"html": False}).disable(["image"])
    block.add_render_rule("link_open", _link_open)
    # For text inside a link or button (answers, items, labels): emphasis yes, links no.
    inline_ = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])
    return block, inline_


def _block_parts(text: str) -> tuple[str, ...]:
    parts = _blocks.get(text)
    if parts is None:
        parts = _blocks[text] = tuple(str(_parsers()[0].render(text)).strip().split(ROOT))
    return parts


def markdown(text: str, site_root: str) -> str:
    """Block Markdown -> safe HTML, its site links relative to `site_root`."""
    return _attribute(site_root).join(_block_parts(text))


def inline(text: str) -> str:
    """Inline Markdown without links -> safe HTML (fit inside `<a>`, `<button>`, `<label>`)."""
    html = _inlines.get(text)
    if html is None:
        html = _inlines[text] = str(_parsers()[1].renderInline(text.strip()))
    return html


def prerender(blocks: Iterable[str], inlines: Iterable[str]) -> Prerendered:
    """These texts rendered, as the flow's artefact carries them (sorted: the same bytes)."""
    return {
        "block": {text: list(_block_parts(text)) for text in sorted(set(blocks))},
        "inline": {text: inline(text) for text in sorted(set(inlines))},
    }


def preload(table: Prerendered) -> None:
    """Texts the build rendered (`prerender`), from an artefact the build checked."""
    _blocks.update((text, tuple(parts)) for text, parts in table["block"].items())
    _inlines.update(table["inline"])


def _attribute(text: str) -> str:
    """Escaped as markdown-it escapes an attribute (the site root is part of an `href`)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc(text: object) -> str:
    """Any text -> HTML text or attribute value, as `html.escape(text, quote=True)` (written
    out: the `html` package would bring its 2,000 named entities to the browser)."""
    return _attribute(str(text)).replace("'", "&#x27;")


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`|~~|^#+\s*|^>\s*)", re.MULTILINE)


def plain(text: str) -> str:
    """Markdown -> plain text on one line: `**x**` -> `x`, `[x](y)` -> `x`."""
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", text)).split())
