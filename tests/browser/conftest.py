"""Helpers for the walker's browser tests: one built site, one Chromium, real Pyodide.

Starting Pyodide costs seconds, so tests that only walk share one page that stays on the
algorithm (`walker_page`) and restart between walks instead of reloading.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine import Flow, load_flow_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
FLOW_FILES = sorted((ROOT / "flows").glob("*.yaml"))
MAIN_FLOW = "back-spasm"
READY = "#walker[data-state=ready]"
"""Selector that matches once the engine has taken over the page."""
ENGINE_START_MS = 90_000
"""Generous: a loaded 2-core CI machine may take many times the usual 3 s to start Pyodide."""


def flow_path(flow_id: str) -> str:
    """Site-relative URL of a flow's start page (BASE in the URL scheme)."""
    return "algorithm/" if flow_id == MAIN_FLOW else f"algorithm/{flow_id}/"


@pytest.fixture(scope="session")
def flows() -> dict[str, Flow]:
    """Every real flow, loaded in CPython: the reference the UI is checked against."""
    loaded = [load_flow_file(path, display_path=f"flows/{path.name}") for path in FLOW_FILES]
    return {flow.id: flow for flow in loaded}


def wait_ready(page: Page) -> None:
    page.wait_for_selector(READY, timeout=ENGINE_START_MS)


@pytest.fixture(scope="module")
def walker_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """One page with the walker ready on the main flow, shared by a module's walking tests."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + flow_path(MAIN_FLOW))
    wait_ready(page)
    yield page
    context.close()
