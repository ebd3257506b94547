"""`build_site.py serve`: build, then serve site/ with live reload on every change to the
project's inputs. Each rebuild reads the build package (and, when engine/ changed, the engine)
afresh from disk, so an edit to the build code takes effect without a restart; checked flows are
kept between rebuilds in a cache this module owns. A failed rebuild prints its problem lines and
keeps serving the last good site.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from sitebuild.common import ROOT
from sitebuild.flows import engine_digest

if TYPE_CHECKING:
    from engine import Flow

SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000

WATCHED = ("docs", "flows", "engine", "sitebuild", "web", "overrides", "mkdocs.yml", "reviews")
"""What `serve` rebuilds on (the build's other inputs change rarely: restart it for those)."""


def forget_modules(package: str) -> None:
    """Drop `package` and its submodules from sys.modules: the next import reads them afresh."""
    for name in [name for name in sys.modules if name.split(".")[0] == package]:
        del sys.modules[name]


def serve(project: Path = ROOT, host: str = SERVE_HOST, port: int = SERVE_PORT) -> None:
    """Build, then serve site/ with live reload; a failed rebuild keeps the last good site."""
    from mkdocs.livereload import LiveReloadServer

    site_dir = project / "site"
    engine_seen = [engine_digest(project)]
    flow_cache: dict[tuple[str, str, str], Flow] = {}

    def rebuild() -> None:
        if engine_digest(project) != engine_seen[0]:  # engine/ changed: import it afresh
            engine_seen[0] = engine_digest(project)
            forget_modules("engine")
            flow_cache.clear()
        forget_modules("sitebuild")  # small and build-only: always read afresh
        fresh = importlib.import_module("sitebuild.build")
        try:
            fresh.build(
                project,
                site_dir,
                service_worker=False,
                live_preview=True,
                flow_cache=flow_cache,
            )
        except fresh.BuildError as error:
            print("\n".join(error.lines), file=sys.stderr)
            print("Build failed: still serving the last good site.", file=sys.stderr)
        except Exception:  # a bug in code being edited: show it, keep serving
            traceback.print_exc()
            print("Build failed: still serving the last good site.", file=sys.stderr)

    rebuild()
    site_dir.mkdir(exist_ok=True)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site_dir))
    for watched in WATCHED:
        if (project / watched).exists():
            server.watch(str(project / watched))
    try:
        server.serve()  # type: ignore[no-untyped-call]  # MkDocs leaves it unannotated
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.shutdown()
