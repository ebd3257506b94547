"""axe-core (vendored from npm, never a CDN) on the pages a clinician uses, light and dark.

A reading page, the algorithm page (live walker at its first step), a later checklist step and an
outcome. Everything inside the walker must be clean. Problems the axe run finds outside the
walker belong to the site's theme (Material's palette, search dialog, site.css) and are reported
as an expected failure naming them, so that this test turns green by itself once they are fixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from engine import Flow, enumerate_routes

from .conftest import MAIN_FLOW, ROOT, flow_path, wait_ready
from .walking import restart_live, wait_step, walk_live

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

OWNED_ELSEWHERE = {
    # rule id inside the walker -> whose markup it is (fix it there, then delete the line)
    "landmark-unique": "engine/render.py: an outcome's <section> and its step's share one label",
}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe on the whole page; each violation with the CSS targets of its nodes."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id,
                help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "),
                    inWalker: Boolean(document.querySelector(n.target[0])?.closest("#walker")),
                    summary: n.failureSummary,
                })),
            }));
        }"""
    )
    assert isinstance(result, list)
    return result


def split(violations: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(problems in the walker, one line per node; problems elsewhere, one line per rule)."""
    walker, elsewhere = [], []
    for violation in violations:
        others = []
        for node in violation["nodes"]:
            if node["inWalker"] and violation["id"] not in OWNED_ELSEWHERE:
                walker.append(f"{violation['id']} at {node['target']}: {node['summary']}")
            else:
                others.append(node["target"])
        if others:
            where = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if others[3:] else "")
            elsewhere.append(f"{violation['id']} ({violation['help']}) at {where}")
    return walker, elsewhere


def route_to(flow: Flow, node_kind: str, *, not_start: bool = False) -> Any:
    """The shortest route passing a node of this kind (not the start, if asked)."""
    for route in sorted(enumerate_routes(flow), key=lambda r: len(r.steps)):
        for index, step in enumerate(route.steps):
            if flow.node(step.node).kind == node_kind and (index or not not_start):
                return route, index
    raise AssertionError(f"no route passes a {node_kind}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_reading_algorithm_checklist_and_outcome(
    browser: Browser, site_url: str, flows: dict[str, Flow], scheme: str
) -> None:
    assert AXE.exists(), "npm ci installs axe-core (package.json)"
    flow = flows[MAIN_FLOW]
    # bypass_csp only lets the test inject axe; the walker pages' CSP is tested elsewhere.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    found: dict[str, tuple[list[str], list[str]]] = {}
    try:
        page = context.new_page()
        page.goto(site_url + "red-flags/")
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected_scheme
        found["reading page"] = split(axe_violations(page))

        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        found["algorithm page"] = split(axe_violations(page))

        route, index = route_to(flow, "checklist", not_start=True)
        walk_live(page, flow, route.steps[:index])
        wait_step(page, route.steps[index].node)
        found["checklist step"] = split(axe_violations(page))

        restart_live(page, flow)
        emergency = next(r for r in enumerate_routes(flow) if len(r.steps) == 1)
        walk_live(page, flow, emergency.steps)
        wait_step(page, emergency.outcome)
        found["outcome"] = split(axe_violations(page))
    finally:
        context.close()

    walker_problems = [f"{page}: {line}" for page, (mine, _) in found.items() for line in mine]
    assert not walker_problems, "\n".join(walker_problems)
    elsewhere = [f"{page}: {line}" for page, (_, theirs) in found.items() for line in theirs]
    if elsewhere:
        pytest.xfail("outside the walker (theme, engine markup):\n" + "\n".join(elsewhere))
