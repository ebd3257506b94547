"""axe-core (vendored from npm, never a CDN) on the pages a clinician uses, light and dark.

A reading page, the algorithm page (live walker at its first step), a later checklist step and an
outcome: the whole page must be clean, the walker and the theme around it alike.
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


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe on the whole page; each violation with the CSS targets of its nodes.

    Axe checks colours as they are painted: first let running transitions end (Material's
    header fades its title in and out as the page scrolls), or it sees a half-faded colour.
    """
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
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


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per offending node: rule, where, and axe's own explanation."""
    return [
        f"{v['id']} at {node['target']}{' (walker)' if node['inWalker'] else ''}: {node['summary']}"
        for v in violations
        for node in v["nodes"]
    ]


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
    assert AXE.exists(), "make setup installs axe-core (package.json)"
    flow = flows[MAIN_FLOW]
    # bypass_csp only lets the test inject axe; the walker pages' CSP is tested elsewhere.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    found: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        page.goto(site_url + "red-flags/")
        expected_scheme = "slate" if scheme == "dark" else "default"
        assert page.get_attribute("body", "data-md-color-scheme") == expected_scheme
        found["reading page"] = describe(axe_violations(page))

        page.goto(site_url + flow_path(MAIN_FLOW))
        wait_ready(page)
        found["algorithm page"] = describe(axe_violations(page))

        route, index = route_to(flow, "checklist", not_start=True)
        walk_live(page, flow, route.steps[:index])
        wait_step(page, route.steps[index].node)
        found["checklist step"] = describe(axe_violations(page))

        restart_live(page, flow)
        emergencies = [
            r for r in enumerate_routes(flow) if flow.node(r.outcome).urgency == "emergency"
        ]
        emergency = min(emergencies, key=lambda r: len(r.steps))  # age, then red flags
        walk_live(page, flow, emergency.steps)
        wait_step(page, emergency.outcome)
        found["outcome"] = describe(axe_violations(page))
    finally:
        context.close()

    problems = [f"{where}: {line}" for where, lines in found.items() for line in lines]
    assert not problems, "\n".join(problems)
