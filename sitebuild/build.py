"""One build of the site, phase by phase (the steps are listed in build_site.py's docstring):
check the flows, stage the docs with the generated pages, run MkDocs (strict) on them, check
the rendered site, post-process it, add the runtime and the service worker, then swap the
finished folder in for site/ (build_guard.swap_in). Prints the time of each phase.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_guard import (
    flow_link_problems,
    off_site_problems,
    recover,
    remove_leftovers,
    swap_in,
    swap_lock,
)
from sitebuild.artefacts import (
    check_node_modules,
    copy_runtime,
    walker_preloads,
    write_service_worker,
)
from sitebuild.common import ROOT, BuildError
from sitebuild.diagrams import write_diagrams
from sitebuild.flows import flow_pages, load_flows
from sitebuild.manifest import write_manifest
from sitebuild.pages import SHELL_DIR
from sitebuild.postprocess import clean_search_index, drop_from_sitemap, write_step_pages
from sitebuild.staging import nav_with_flows, stage_docs

if TYPE_CHECKING:
    from engine import Flow

__all__ = ["BuildError", "build"]

log = logging.getLogger("build_site")


@contextmanager
def mkdocs_logging(quiet: bool) -> Iterator[None]:
    """Show MkDocs' warnings (strict mode turns them into a failure) while it runs."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.propagate = False
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def build(
    project: Path = ROOT,
    site_dir: Path | None = None,
    *,
    quiet: bool = False,
    service_worker: bool = True,
    live_preview: bool = False,
    flow_cache: dict[tuple[str, str, str], Flow] | None = None,
) -> Path:
    """Build the whole site into `site_dir` (default project/site); returns it.

    `service_worker=False` (used by `serve`) skips the offline service worker, so the live
    server never hands out a cached page from an older build, and removes the previous site in
    the background. `live_preview=True` (also `serve`) leaves the Content-Security-Policy off
    reading pages, so MkDocs' inline live-reload script can run there (overrides/main.html).
    `flow_cache`: checked flows kept between builds (sitebuild.flows.load_flows).

    Raises BuildError (and leaves `site_dir` as it was) when a flow has problems or MkDocs fails.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.monotonic()
    project = project.resolve()
    site_dir = (site_dir or project / "site").resolve()
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
    from engine import limits

    limits.current, errors = limits.from_environment(os.environ)
    if errors:
        raise BuildError([f"build_site.py: {error}" for error in errors])
    all_pages = flow_pages(load_flows(project, flow_cache))
    check_node_modules(project)
    phases = [("flows", time.monotonic())]

    cache = project / ".build" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-{os.getpid()}-")
        os.rmdir(probe)
    except OSError as error:
        raise BuildError(
            [f"build_site.py: cannot write the site in {site_dir.parent}: {error.strerror}"]
        ) from error
    with swap_lock(site_dir):  # first, what a killed build may have left
        recover(site_dir)
        remove_leftovers(project, site_dir)
    pid = os.getpid()
    out = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{site_dir.name}-new-{pid}-"))
    try:
        with tempfile.TemporaryDirectory(dir=project / ".build", prefix=f"stage-{pid}-") as temp:
            stage = Path(temp) / "docs"
            import yaml

            mkdocs_yml = yaml.safe_load((project / "mkdocs.yml").read_text())
            nav = nav_with_flows(mkdocs_yml["nav"], all_pages)
            from engine.io import governance_site as gov

            build_date = datetime.datetime.now(datetime.UTC).date().isoformat()
            reviewed = gov.flow_reviews(project, [(p.flow, p.base) for p in all_pages])
            stubs = stage_docs(project, stage, all_pages, nav)
            nav = gov.stage_pages(project, stage, reviewed, nav, build_date)
            for path in stubs:
                log.warning("docs/%s is missing: a placeholder page was generated", path)
            write_diagrams(project, cache, stage, all_pages)
            phases.append(("generated pages", time.monotonic()))
            overrides: dict[str, Any] = {
                "docs_dir": str(stage),
                "site_dir": str(out),
                "nav": nav,
                "strict": True,
            }
            overrides["extra"] = gov.review_extra(project, stage, reviewed, mkdocs_yml.get("extra"))
            overrides["extra"] = {**overrides["extra"], "walker_preload": walker_preloads(project)}
            if live_preview:
                overrides["extra"] = {**overrides["extra"], "live_preview": True}
            if os.environ.get("SITE_URL"):
                overrides["site_url"] = os.environ["SITE_URL"]
            if stubs:
                # Anchors into placeholder pages cannot exist yet: report them, do not fail.
                overrides["validation"] = {"links": {"anchors": "info"}}
            with mkdocs_logging(quiet):
                config = load_config(config_file=str(project / "mkdocs.yml"), **overrides)
                from mkdocs.commands.build import build as mkdocs_build

                try:
                    mkdocs_build(config)
                except (MkDocsException, SystemExit) as error:
                    raise BuildError([f"mkdocs: {error}"]) from error
            problems = off_site_problems(out, stage) + flow_link_problems(out, all_pages)
            if problems:
                raise BuildError(problems)

        phases.append(("MkDocs", time.monotonic()))
        for pages in all_pages:
            write_step_pages(out, pages)
        drop_from_sitemap(out, f"/{SHELL_DIR}/")
        gov.write_hazard_log(out, reviewed, build_date)
        clean_search_index(out)
        phases.append(("step pages", time.monotonic()))
        copy_runtime(project, cache, out, all_pages)
        write_manifest(out, all_pages)
        phases.append(("runtime", time.monotonic()))
        if service_worker:
            write_service_worker(project, out)
            phases.append(("service worker", time.monotonic()))
        swap_in(out, site_dir, remove_old_in_background=not service_worker)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    if not quiet:
        times, previous = [], started
        for name, when in phases:
            times.append(f"{name} {when - previous:.1f}")
            previous = when
        print(f"Built {site_dir} in {time.monotonic() - started:.1f} s ({', '.join(times)})")
    return site_dir


# --- Serving ----------------------------------------------------------------------------------
