"""The staged copy of docs/ MkDocs builds from: docs/ copied, its footnotes graded
(sitebuild/citations.py), the generated pages added (sitebuild/pages.py) with a check that none
takes the address of a hand-written page, machinery pages kept out of search, the nav expanded
to one entry per flow, and placeholders for nav pages nobody has written yet."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sitebuild.common import BuildError
from sitebuild.flows import FlowPages
from sitebuild.pages import (
    SHELL_DIR,
    advice_pages,
    advice_source,
    outline_page,
    review_page,
    shell_page,
    start_page,
    stub_page,
)
from sitebuild.urls import ALGORITHM, FLOW_VIEWS, REVIEW

REVIEW_SOURCE = REVIEW.removesuffix("/") + ".md"
"""The staged Markdown of the route review page."""


def view_source(base: str, view: str) -> str:
    """The staged Markdown of one of a flow's views (`<base>outline.md` for `<base>outline/`)."""
    return base + FLOW_VIEWS[view].removesuffix("/") + ".md"


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
        {"Algorithm": entries} if entry == {"Algorithm": ALGORITHM + "index.md"} else entry
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
        result[view_source(pages.base, "outline")] = f'the text outline of flow "{flow}"'
        result[view_source(pages.base, "diagram")] = f'the diagram of flow "{flow}"'
        for node in pages.flow.nodes:
            if node.kind == "outcome" and node.patient is not None:
                path = advice_source(pages.base, node.id)
                result[path] = f'the patient advice sheet of "{node.id}" in flow "{flow}"'
    if all_pages:
        result[REVIEW_SOURCE] = "the route review page"
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
        (stage / view_source(pages.base, "outline")).write_text(outline_page(pages, steps[0].token))
        for path, text in advice_pages(pages).items():
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            (stage / path).write_text(text)
    if all_pages:
        (stage / REVIEW_SOURCE).write_text(review_page(all_pages, project))
    stubs = []
    for title, path in nav_pages(nav):
        if not (stage / path).exists():
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            (stage / path).write_text(stub_page(title, path))
            stubs.append(path)
    return stubs
