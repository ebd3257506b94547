"""The flow diagrams: each flow's DOT (engine/diagram.py) rendered to SVG at build time by
Graphviz under Node (tools/dot_to_svg.mjs, one process for all, output cached by the DOT's
hash), cleaned to inline in a page that the site's CSS colours, and the diagram pages."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from sitebuild.common import BuildError, sha256_text, write_atomic
from sitebuild.flows import FlowPages, Step
from sitebuild.pages import diagram_page
from sitebuild.staging import view_source
from sitebuild.urls import step_path


def node_step_urls(steps: list[Step], prefix: str) -> dict[str, str]:
    """Each node's first static step page (the shortest way there), relative to the diagram."""
    urls: dict[str, str] = {}
    for index, step in enumerate(steps):
        urls.setdefault(step.node_id, prefix if index == 0 else prefix + step_path(step.token))
    return urls


def dots_to_svgs(project: Path, cache: Path, dots: list[str]) -> list[str]:
    """Render DOT texts to inline-ready SVG, in one Node process; Graphviz's output is cached."""
    keys = [sha256_text(dot) for dot in dots]
    missing = [dot for dot, key in zip(dots, keys, strict=True) if not (cache / key).exists()]
    if missing:
        result = subprocess.run(
            ["node", str(project / "tools" / "dot_to_svg.mjs")],
            input=json.dumps(missing),
            capture_output=True,
            text=True,
            cwd=project,
            check=False,
        )
        if result.returncode != 0:
            raise BuildError([f"diagram: {line}" for line in result.stderr.splitlines()])
        for dot, svg in zip(missing, json.loads(result.stdout), strict=True):
            write_atomic(cache / sha256_text(dot), svg.encode())
    return [clean_svg((cache / key).read_text()) for key in keys]


def clean_svg(svg: str) -> str:
    """Graphviz's SVG made fit to inline in HTML: no XML prolog, comments, fixed size or colours.

    Colours and fonts come from the site's CSS instead (theme variables), so the diagram follows
    light and dark mode. The natural size is kept (readable text); the box scrolls instead.
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r' (fill|stroke|font-family)="[^"]*"', "", svg)
    svg = svg.replace(' xml:space="preserve"', "")
    svg = svg.replace("<svg ", '<svg class="flow-diagram__svg" ', 1)
    return svg.strip()


def write_diagrams(project: Path, cache: Path, stage: Path, all_pages: list[FlowPages]) -> None:
    """Each flow's diagram page, with its SVG made at build time (no diagram code ships)."""
    from engine.diagram import flow_to_dot

    dots = [flow_to_dot(pages.flow, node_step_urls(pages.steps, "../")) for pages in all_pages]
    for pages, svg in zip(all_pages, dots_to_svgs(project, cache / "svg", dots), strict=True):
        (stage / view_source(pages.base, "diagram")).write_text(diagram_page(pages, svg))
