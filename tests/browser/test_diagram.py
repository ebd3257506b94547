"""The flow diagrams as a reader sees them (review row 15): no label runs into another, and every
box's text stays inside its box, in the fonts this browser has (Graphviz laid the SVG out with
its own estimate of Helvetica's widths; a wider fallback font used to make labels collide)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import FLOW_FILES, flow_path

if TYPE_CHECKING:
    from playwright.sync_api import Page

FLOW_IDS = [path.stem for path in FLOW_FILES]

COLLISIONS_JS = """() => {
  const texts = [...document.querySelectorAll('.flow-diagram__svg text')];
  const boxes = texts.map((text) => [text.textContent, text.getBoundingClientRect()]);
  const found = [];
  boxes.forEach(([one, a], i) => {
    for (const [other, b] of boxes.slice(i + 1)) {
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) found.push(`${one} / ${other}`);
    }
  });
  for (const node of document.querySelectorAll('.flow-diagram__svg g.node')) {
    const shape = node.querySelector('path, polygon');
    if (shape === null) continue;
    const edge = shape.getBoundingClientRect();
    for (const text of node.querySelectorAll('text')) {
      const box = text.getBoundingClientRect();
      if (box.left < edge.left - 0.5 || box.right > edge.right + 0.5) {
        found.push(`${text.textContent} sticks out of its box`);
      }
    }
  }
  return [texts.length, found];
}"""


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_diagram_labels_do_not_collide(page: Page, site_url: str, flow_id: str) -> None:
    page.goto(f"{site_url}{flow_path(flow_id)}diagram/")
    count, found = page.evaluate(COLLISIONS_JS)
    assert count > 10, f"{flow_id}: the diagram has {count} texts"
    assert not found, f"{flow_id}: {len(found)} collisions: {found[:8]}"
