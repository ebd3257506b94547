"""engine/diagram.py: every flow becomes DOT that Graphviz (WebAssembly, under Node) renders to an
SVG in which every box links to its step page and no colour is fixed (the CSS sets them)."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from sitehelpers import ROOT

import build_site
from engine.diagram import flow_to_dot, quote, wrap


@pytest.fixture(scope="module")
def flows() -> list:  # type: ignore[type-arg]
    return build_site.load_flows(ROOT)


def test_every_box_links_to_its_first_step_page(flows, tmp_path: Path):  # type: ignore[no-untyped-def]
    for pages in build_site.flow_pages(flows):
        urls = build_site.node_step_urls(pages.steps, "../")
        [svg] = build_site.dots_to_svgs(ROOT, tmp_path, [flow_to_dot(pages.flow, urls)])
        svg = html.unescape(svg)
        linked = set(re.findall(r'<g id="step-([^"]+)" class="node', svg))
        assert linked == {node.id for node in pages.flow.nodes}
        for url in urls.values():
            assert f'xlink:href="{url}"' in svg
        assert not re.search(r' (fill|stroke)="(black|white)"', svg)
        assert svg.startswith("<svg") and "<!--" not in svg


def test_quotes_and_backslashes_in_titles_cannot_break_the_dot(flows, tmp_path: Path):  # type: ignore[no-untyped-def]
    flow = flows[0]
    first = flow.nodes[0]
    tricky = dataclasses.replace(first, title='Say "yes" \\ or no; } digraph x {')
    flow = dataclasses.replace(flow, nodes=(tricky, *flow.nodes[1:]))
    [svg] = build_site.dots_to_svgs(ROOT, tmp_path, [flow_to_dot(flow, {})])
    assert 'Say "yes" \\ or no; } digraph x {' in html.unescape(svg).replace("\n", " ")


def test_labels_wrap_and_quote_helpers():
    assert wrap("a b c", 3) == "a b\\nc"
    assert quote('x"y\\z') == '"x\\"y\\\\z"'
