"""A small graded site, built for real: a copy of the project whose only flow is the tests'
graded flow (tests/engine/flows/graded.json, one source per grading scheme) and whose docs are two
small pages of this module's own (the other nav pages become placeholders). The build and browser
tests of grades use it, so they do not move when the real flows and pages are edited.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import build_site

ROOT = Path(__file__).resolve().parents[1]
GRADED = ROOT / "tests" / "engine" / "flows" / "graded.json"

INDEX = """\
---
title: Back Spasm Guide
last_reviewed: 2026-12-01
---

# Back Spasm Guide

Stay active.[^acp-r1] Not paracetamol alone.[^nice] Imaging is rarely needed.[^seed]

[^acp-r1]: [ACP 2017, Recommendation 1](sources.md#acp-2017) {grade: strong/moderate}
[^nice]: [NICE NG59 [2016]](sources.md#nice-ng59) {grade: do not offer}
[^seed]: [Dr.Oracle AI answer](sources.md#seed-treatment)
"""


def sources_page(flow: dict[str, Any]) -> str:
    """A sources page with an entry per source of the flow, in the real page's format."""
    entries = [
        f"### {source['label']} {{ #{source_id} }}\n\n"
        f"- **Kind:** {source['kind']}\n"
        f"- **Grading:** {source['grading']}\n"
        + (f"- **Design:** {source['design']}\n" if "design" in source else "")
        + f"- **Citation:** {source['citation']}\n"
        for source_id, source in flow["sources"].items()
    ]
    head = "---\ntitle: Sources\nlast_reviewed: 2026-12-01\n---\n\n# Sources\n\n"
    return head + "\n".join(entries)


def build_graded_site(project: Path) -> Path:
    """Build the graded site in `project` (an empty folder); returns its site/ folder."""
    build_site.copy_sources(ROOT, project)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build").mkdir(exist_ok=True)
    (project / ".build").symlink_to(ROOT / ".build")  # content-addressed cache: safe to share
    shutil.rmtree(project / "flows")
    (project / "flows").mkdir()
    flow = json.loads(GRADED.read_text(encoding="utf-8"))
    flow["id"] = build_site.MAIN_FLOW_ID  # served at /algorithm/, where the pages link
    # The build refuses a question that changes nothing ([useless-question]): "No" ends apart.
    flow["nodes"]["q"]["answers"][1]["next"] = "end-no"
    end = flow["nodes"]["end"]
    recommendations = [{**rec, "id": rec["id"] + "-no"} for rec in end["recommendations"]]
    flow["nodes"]["end-no"] = {**end, "title": "Not so", "recommendations": recommendations}
    # JSON is YAML: the real loader reads it as the author's file.
    (project / "flows" / "graded.yaml").write_text(json.dumps(flow, indent=2))
    shutil.rmtree(project / "docs")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(INDEX)
    (project / "docs" / "sources.md").write_text(sources_page(flow))
    return build_site.build(project, project / "site", quiet=True)
