"""Build (and serve) the Back Spasm Guide site: `python build_site.py build|serve`.

The entry point over the build package `sitebuild/` (one module a concern, each saying what it
owns). All generation lives there, not in MkDocs hooks, so a later move to another generator
stays cheap:

1. Check every flow in flows/ with the engine (sitebuild/flows.py). Any problem: print
   `flows/x.yaml:LINE: message` lines, exit 1, and leave the previous site/ untouched.
2. Stage a copy of docs/, check its footnotes' grades against the sources page and turn their
   `{grade: ...}` markers into grade tags (sitebuild/citations.py; any problem: print
   `docs/x.md:LINE: message` lines, exit 1, previous site/ untouched), add generated Markdown
   pages (one algorithm page, text outline and diagram per flow, the route review:
   sitebuild/staging.py, pages.py, diagrams.py) and run MkDocs (strict) on the staged copy.
3. Make one static page per reachable state of each flow by cloning a "shell" page that MkDocs
   rendered at the same folder depth (so every relative URL in it stays right), then fill in the
   step. Hundreds of step pages cost milliseconds instead of a MkDocs page each
   (sitebuild/postprocess.py).
4. Add the browser's runtime: flow JSON, the vendored Pyodide runtime, the engine wheel and the
   wheels it needs, registered in a site-local pyodide-lock.json, and the walker from web/. The
   standard library modules the walker imports and the wheels are precompiled to bytecode by
   Pyodide itself (tools/compile_runtime.mjs): readers' phones skip compiling them at start-up
   (sitebuild/artefacts.py, wheels.py).
5. Swap the finished folder in for site/ in one step (build_guard.swap_in; sitebuild/build.py
   runs the phases, sitebuild/serve.py the live server).

Slow, rarely changing outputs (wheels, bytecode, lockfile, SVG diagrams) are cached in
.build/cache by the hash of their inputs. The names below are re-exported for the tests and
benchmarks that import `build_site`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sitebuild.build import build
from sitebuild.common import ROOT, BuildError, copy_sources, sha256_text
from sitebuild.diagrams import dots_to_svgs, node_step_urls
from sitebuild.flows import FlowPages, flow_json, flow_pages, flow_revision, flow_steps, load_flows
from sitebuild.serve import SERVE_PORT, serve
from sitebuild.urls import MAIN_FLOW_ID

__all__ = [
    "MAIN_FLOW_ID",
    "ROOT",
    "BuildError",
    "FlowPages",
    "build",
    "copy_sources",
    "dots_to_svgs",
    "flow_json",
    "flow_pages",
    "flow_revision",
    "flow_steps",
    "load_flows",
    "main",
    "node_step_urls",
    "sha256_text",
]


def main(argv: list[str] | None = None) -> int:
    """`build` or `serve`; the exit status (1, with the problem lines, for a failed build)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--site-dir", type=Path, default=None, help="build: default site/")
    parser.add_argument("--port", type=int, default=SERVE_PORT, help="serve: default 8000")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    if args.command == "serve":
        serve(port=args.port)
        return 0
    try:
        build(ROOT, args.site_dir)
    except BuildError as error:
        print("\n".join(error.lines), file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a name too long...: one line, not a traceback
        print(f"build_site.py: the build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
