"""The build's command line on copies of the project, for the tests of hostile input and of the
site swap: copy the project, run `build_site.py build` (or start it to kill it), and compare
sites."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import build_site
from sitebuild.common import run_build_command

ROOT = Path(__file__).resolve().parents[2]
HANG = 600
"""Seconds after which a build is taken to hang (a build takes 5-20 s)."""


def copy_project(copy: Path, node_modules: bool = True) -> Path:
    """The project's sources in `copy`; node_modules and the content-addressed cache shared."""
    copy.mkdir()
    build_site.copy_sources(ROOT, copy)
    shutil.copy2(ROOT / "Makefile", copy / "Makefile")
    if node_modules:
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".build" / "cache").mkdir(parents=True, exist_ok=True)
    (copy / ".build").mkdir()
    (copy / ".build" / "cache").symlink_to(ROOT / ".build" / "cache", target_is_directory=True)
    return copy


def build(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_build_command(project, *args, env={**os.environ, **(env or {})}, timeout=HANG)


def start_build(project: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "build_site.py", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        start_new_session=True,
    )


def wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + HANG
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the build never reached {path.name}"
        time.sleep(0.1)


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def leftovers(project: Path) -> list[str]:
    names = [p.name for p in project.iterdir() if p.name.startswith((".site-", ".site."))]
    names += [p.name for p in (project / ".build").iterdir() if p.name.startswith("stage-")]
    return sorted(names)


def failed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.stderr.splitlines()
