"""No markup from content runs anywhere (review 2026-12, #2, #14c, #17).

A copy of the project gets a flow (payloads/evil.yaml) and a docs page (payloads/evil.md) whose
every text tries to run script: `<script>`, `<img onerror>`, `javascript:` links, `{: onclick}`
attribute lists, and the build's own placeholders. The site built from it is opened in real
Chromium: on every kind of page (reading page, algorithm start page with the live walker, a
static step page, outline, diagram, route review, search results) no dialog opens and no
payload's console marker appears, even when every element's inline handlers are fired and every
`javascript:` link is clicked.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sitehelpers import ROOT, search_ready, serving

import build_site
from sitebuild.common import scratch_project

PAYLOADS = Path(__file__).parent / "payloads"
READY = "#walker[data-state=ready]"


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = scratch_project(tmp_path_factory.mktemp("evil-project"))
    shutil.copy2(PAYLOADS / "evil.yaml", project / "flows" / "evil.yaml")
    shutil.copy2(PAYLOADS / "evil.md", project / "docs" / "evil.md")
    with (project / "docs" / "sources.md").open("a", encoding="utf-8") as sources:
        # The build checks that every flow source has an entry here (security review row 14a).
        sources.write("\n### Source A <b>payload</b> { #src-a }\n\n- **Grading:** study\n")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return build_site.build(project, project / "site", quiet=True)


@pytest.fixture(scope="module")
def evil_url(evil_site: Path) -> Iterator[str]:
    with serving(evil_site) as url:
        yield url


def step_page(site: Path) -> str:
    """A static step page of the evil flow (not its start page)."""
    flow_dir = site / "algorithm" / "evil"
    tokens = sorted(
        path.name
        for path in flow_dir.iterdir()
        if path.is_dir() and path.name not in ("outline", "diagram")
    )
    return f"algorithm/evil/{tokens[0]}/"


FIRE_EVERYTHING = """() => {
  let fired = 0;
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of [...element.attributes]) {
      if (!attribute.name.startsWith("on")) continue;
      element.dispatchEvent(new Event(attribute.name.slice(2), { bubbles: true }));
      fired += 1;
    }
  }
  for (const link of document.querySelectorAll("a[href]")) {
    if (link.protocol === "javascript:") {
      link.click();
      fired += 1;
    }
  }
  return fired;
}"""
"""Fire every inline handler on the page and click every javascript: link (returns how many)."""


class Watch:
    """Every dialog and console message of a page: a payload that ran shows up here."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self.on_dialog)
        page.on("console", lambda message: self.console.append(message.text))

    def on_dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def ran(self) -> list[str]:
        markers = [text for text in self.console if "XSS-" in text]
        return self.dialogs + markers


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(service_workers="block")
    yield context.new_page()
    context.close()


PAGES = {
    "reading page": "evil/",
    "algorithm start page": "algorithm/evil/",
    "outline": "algorithm/evil/outline/",
    "diagram": "algorithm/evil/diagram/",
    "route review": "algorithm/review/",
    "home page": "",
}


@pytest.mark.parametrize("kind", [*PAGES, "step page"])
def test_no_payload_runs_on_any_kind_of_page(
    page: Page, evil_site: Path, evil_url: str, kind: str
) -> None:
    watch = Watch(page)
    path = step_page(evil_site) if kind == "step page" else PAGES[kind]
    page.goto(evil_url + path)
    if kind in ("algorithm start page", "step page"):
        page.wait_for_selector(READY, timeout=90_000)  # the live walker's HTML too
    assert page.evaluate(FIRE_EVERYTHING) >= (1 if kind == "reading page" else 0)
    page.wait_for_load_state("load")
    assert watch.ran() == []


def test_no_payload_runs_in_search_results(page: Page, evil_url: str) -> None:
    watch = Watch(page)
    page.goto(evil_url)
    search_ready(page)
    # Typed key by key: Material searches on key events, which `fill` does not send.
    page.locator(".md-search__input").press_sequentially("Evil")
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=30_000)
    assert results.count() >= 3  # the docs page, the flow's pages, the review section
    assert page.locator(".md-search-result img, .md-search-result script").count() == 0
    page.evaluate(FIRE_EVERYTHING)
    assert watch.ran() == []


def test_the_flow_title_is_text_in_titles_headers_and_the_search_index(evil_site: Path) -> None:
    title = re.escape("Evil &lt;script&gt;")
    for path in ("algorithm/evil/", "algorithm/evil/outline/", step_page(evil_site)):
        text = (evil_site / path / "index.html").read_text()
        assert "<script>alert" not in text
        assert re.search(r"<title>" + title, text) or path == step_page(evil_site)
        topic = r'md-header__topic" data-md-component="header-topic">(.*?)</div>'
        header = re.search(topic, text, re.S)
        assert header and "<img" not in header[1] and "<script" not in header[1]
    index = json.loads((evil_site / "search" / "search_index.json").read_text())
    for doc in index["docs"]:
        for key in ("title", "text"):
            # Only bare tags (Material shows these fields as HTML): no element with attributes.
            assert not re.search(r"<(script|img|svg|iframe|a)\b|<[a-z]+\s[^>]*=", doc[key]), doc


def test_the_route_review_shows_flow_text_as_text(evil_site: Path) -> None:
    text = (evil_site / "algorithm" / "review" / "index.html").read_text()
    article = text[text.index("<article") : text.index("</article>")]
    assert not re.search(r"<(script|img|svg|iframe)\b", article)
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", article)
    assert "javascript:" not in re.findall(r'href="([^"]*)"', article).__str__()
    assert "Keep moving &lt;script&gt;alert" in article  # shown, as text
    assert "alert(&#x27;SR1&#x27;)" in article or "alert('SR1')" in article


def test_every_page_has_a_csp_and_no_inline_script(evil_site: Path) -> None:
    for path in evil_site.rglob("*.html"):
        text = path.read_text()
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
        assert policy, f"{path}: no Content-Security-Policy"
        script_src = re.search(r"script-src ([^;]*)", policy[1])
        assert script_src and script_src[1].split() == ["'self'", "'wasm-unsafe-eval'"]
        if path.relative_to(evil_site).as_posix() == "evil/index.html":
            continue  # the docs page's own payload script (blocked: see the browser tests)
        for match in re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", text, re.S):
            assert "application/json" in match[1] or not match[2], f"{path}: {match[0][:80]}"


def test_placeholders_in_flow_text_are_never_replaced(evil_site: Path) -> None:
    """Review #17: the step shell's placeholders are filled around the step, never inside."""
    for folder in (evil_site / "algorithm" / "evil").iterdir():
        if not folder.is_dir() or folder.name in ("outline", "diagram"):
            continue
        text = (folder / "index.html").read_text()
        heading = re.search(r"<h1>(.*?)</h1>", text, re.S)
        assert heading and "XSTEPTITLEX algorithm/_step/ XSTEPBODYX" in heading[1]
        if "How old?" in text:
            assert "How old? algorithm/_step/ XSTEPBODYX" in text
    assert not [p for p in evil_site.rglob("*") if "_step" in p.relative_to(evil_site).as_posix()]
