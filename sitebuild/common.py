"""What every part of the site build shares: the project root, the error a build stops with,
content hashes (the caches' keys), atomic writes, and the list of files a build reads (for the
scratch copies that tests and benchmarks build from)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project: the folder holding build_site.py, docs/, flows/ and engine/."""

BUILD_INPUTS = (
    "build_site.py",
    "build_guard.py",
    "mkdocs.yml",
    "pyproject.toml",
    "README.md",
    "docs",
    "flows",
    "engine",
    "sitebuild",
    "web",
    "overrides",
    "tools",
    "reviews",
)
"""Everything a build reads from the project, besides node_modules and the .build cache."""


class BuildError(Exception):
    """The build cannot go on; `lines` are what to print (e.g. `flows/x.yaml:12: ...`)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def copy_sources(project: Path, into: Path) -> None:
    """Copy a project's build inputs into `into`: a scratch project for tests and benchmarks."""
    for part in BUILD_INPUTS:
        source = project / part
        if source.is_dir():
            shutil.copytree(source, into / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, into / part)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a concurrent build never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(temp, path)


def scratch_project(into: Path, cache: Path | None = None) -> Path:
    """A copy of the project's sources in `into`, sharing node_modules and a .build cache
    (default the project's own: its entries are content-addressed, so sharing is safe); what
    tests and benchmarks build from."""
    copy_sources(ROOT, into)
    (into / "node_modules").symlink_to(ROOT / "node_modules")
    if cache is None:
        cache = ROOT / ".build"
        cache.mkdir(exist_ok=True)
    (into / ".build").symlink_to(cache)
    return into


def run_build_command(
    project: Path,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = False,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python build_site.py build ARGS` in `project`, as a reader of the README runs it."""
    return subprocess.run(
        [sys.executable, "build_site.py", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
        env=env,
    )
