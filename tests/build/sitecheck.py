"""Reading a built site: every HTML page parsed once, its ids, links and fetched resources.

Shared by the build tests. Plain html.parser: the checks must not depend on a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# What a browser fetches on page load: the build's own list, so build and tests agree.
from build_guard import FETCHING_ATTRIBUTES, FETCHING_LINK_RELS

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")
JS_IMPORT = re.compile(
    r"""(?:\bimport\s*\(?\s*|\bfrom\s*|\bimportScripts\s*\(\s*|\bnew\s+Worker\s*\(\s*)"""
    r"""['"`]((?:https?:)?//[^'"`]+)"""
)
"""Static and dynamic imports, importScripts and workers with a literal off-site URL."""


@dataclass
class Page:
    """What the checks need from one built HTML file."""

    path: Path
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    """Every href a reader can follow (a, area)."""
    fetches: list[str] = field(default_factory=list)
    """Every URL the browser fetches while loading the page."""
    inline_css: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.page.ids.add(values[name])
        if tag in ("a", "area") and "href" in values:
            self.page.links.append(values["href"])
        if tag == "link" and FETCHING_LINK_RELS & set(values.get("rel", "").split()):
            self.page.fetches.append(values.get("href", ""))
        for attribute, value in values.items():
            if (tag, attribute) in FETCHING_ATTRIBUTES:
                if attribute == "srcset":
                    self.page.fetches += [part.split()[0] for part in value.split(",") if part]
                else:
                    self.page.fetches.append(value)
        if "style" in values:
            self.page.inline_css.append(values["style"])
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.page.inline_css.append(data)


def parse_page(path: Path) -> Page:
    page = Page(path)
    parser = PageParser(page)
    parser.feed(path.read_text())
    parser.close()
    return page


def css_fetches(css: str) -> list[str]:
    return CSS_URL.findall(css) + CSS_IMPORT.findall(css)


def js_fetches(script: str) -> list[str]:
    return JS_IMPORT.findall(script)


def resolve(site: Path, page: Path, href: str) -> tuple[Path | None, str]:
    """The built file an internal href points to (None when it does not exist), and its anchor."""
    parts = urlsplit(href)
    if parts.path.startswith("/"):
        target = site / unquote(parts.path).lstrip("/")
    elif parts.path:
        target = page.parent / unquote(parts.path)
    else:
        target = page
    if target.is_dir():
        target = target / "index.html"
    target = Path(*[p for p in target.parts]).resolve()
    return (target if target.is_file() else None), unquote(parts.fragment)


def is_stub(page: Path) -> bool:
    """A placeholder build_site.py generated for a nav page nobody has written yet."""
    return "build_site.py generated this placeholder" in page.read_text()
