"""Fixtures of the build tests: project copies, and one clean build of a copy shared by the tests
that start from a last good site (a full build costs seconds to minutes on a busy 2-core
machine)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from buildcli import build, copy_project
from sitehelpers import build_once


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield copy_project(tmp_path / "project")


def clean_build(folder: Path) -> Path:
    project = copy_project(folder / "project")
    assert build(project).returncode == 0
    return project / "site"


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site/ of one clean command-line build of a project copy, made once per test run."""
    return build_once(tmp_path_factory, "good-build", clean_build)


@pytest.fixture
def built_project(project: Path, good_build: Path) -> Path:
    """A project copy whose site/ is that good build's, as if it had just built it."""
    shutil.copytree(good_build, project / "site")
    return project
