"""The real command line on a copy of the project (real files): a clean build is strict and
quiet; its 404 page works under a project subpath (as on GitHub Pages); a broken flow stops the
build with `flows/x.yaml:LINE: message` lines and leaves the previous site/ exactly as it was."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sitehelpers import SiteRequestHandler, serve_directory

from sitebuild.common import run_build_command, scratch_project

ROOT = Path(__file__).resolve().parents[2]
SUBPATH = "guide/"
"""The clean build is made for https://<host>/guide/, like a GitHub Pages project site."""


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def copy_project(copy: Path) -> Path:
    """A copy of the project's sources in `copy` (node_modules and the .build cache shared)."""
    return scratch_project(copy)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


def run_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITE_URL": f"https://example.github.io/{SUBPATH}"}
    return run_build_command(project, env=env)


def test_a_clean_build_is_strict_and_prints_no_warning(project: Path):
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr.replace("WARNING: Location 'file:", ""), result.stderr
    assert (project / "site" / "index.html").is_file()


def test_a_broken_flow_fails_with_problem_lines_and_keeps_the_old_site(project: Path):
    if not (project / "site").exists():
        assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    flow = sorted((project / "flows").glob("*.yaml"))[0]
    text = flow.read_text()
    # Point the flow's start at a node that does not exist.
    broken, count = re.subn(r"^start: *\S+", "start: no-such-node", text, count=1, flags=re.M)
    assert count == 1
    flow.write_text(broken)
    try:
        result = run_build(project)
    finally:
        flow.write_text(text)
    assert result.returncode == 1
    problem = re.compile(rf"^flows/{re.escape(flow.name)}:\d+: .*no-such-node", re.M)
    assert problem.search(result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "site") == before


class PagesLikeHandler(SiteRequestHandler):
    """Like GitHub Pages: a missing path gets the site's 404.html with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / SUBPATH / "404.html"
        if code != 404 or not not_found.exists():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_404_page_works_under_a_project_subpath(project: Path, browser: Browser):
    if not (project / "site").exists():
        assert run_build(project).returncode == 0
    host = project / "host"
    host.mkdir(exist_ok=True)
    if not (host / SUBPATH.strip("/")).exists():
        (host / SUBPATH.strip("/")).symlink_to(project / "site")
    server, url = serve_directory(host, handler=PagesLikeHandler)
    context = browser.new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        response = page.goto(f"{url}{SUBPATH}deep/missing/page/", wait_until="networkidle")
        assert response is not None and response.status == 404
        assert "Page not found" in page.content()
        # Every stylesheet loaded and applies (their URLs are absolute from site_url).
        assert page.evaluate(
            "[...document.querySelectorAll('link[rel=stylesheet]')]"
            ".every(link => link.sheet && link.sheet.cssRules.length > 0)"
        )
        assert failed == [f"{url}{SUBPATH}deep/missing/page/"]
        page.click("text=Go to the start page")
        page.wait_for_load_state()
        assert page.url == f"{url}{SUBPATH}"
    finally:
        context.close()
        server.shutdown()
        server.server_close()
