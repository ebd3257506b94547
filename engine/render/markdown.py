"""Markdown of a flow -> safe HTML or plain text: the one place that knows Markdown.

Everything goes through markdown-it-py with raw HTML off and images off (an image would be a
request to a third party); link targets are checked by markdown-it-py (no `javascript:` and the
like) and links to `page.md` become site URLs. `esc` escapes any other text for HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from engine.grammar import PAGE


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
        token.attrSet("href", page_url(str(env.get("site_root", "")), href))
    return self.renderToken(tokens, idx, options, env)


_BLOCK = MarkdownIt("commonmark", {"html": False}).disable(["image"])
_BLOCK.add_render_rule("link_open", _link_open)
_INLINE = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])
"""For text inside a link or button (answers, items, labels): emphasis yes, links no."""


def markdown(text: str, site_root: str) -> str:
    """Block Markdown -> safe HTML."""
    return str(_BLOCK.render(text, {"site_root": site_root})).strip()


def inline(text: str) -> str:
    """Inline Markdown without links -> safe HTML (fit inside `<a>`, `<button>`, `<label>`)."""
    return str(_INLINE.renderInline(text.strip()))


def esc(text: object) -> str:
    """Any text -> HTML text or attribute value (quotes escaped too)."""
    return html.escape(str(text), quote=True)


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`|~~|^#+\s*|^>\s*)", re.MULTILINE)


def plain(text: str) -> str:
    """Markdown -> plain text on one line: `**x**` -> `x`, `[x](y)` -> `x`."""
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", text)).split())
