"""Fixtures for the governance tests: a scratch project (flows/, reviews/) holding a small flow.

Real files and the real command line (`engine.io.cli.main`); nothing is mocked. Not under
tests/engine on purpose: these tests read and write files and run git, which Pyodide cannot.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MINI = HERE / "flows" / "mini.yaml"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with flows/mini.yaml and an empty reviews/ folder."""
    (tmp_path / "flows").mkdir()
    (tmp_path / "reviews").mkdir()
    shutil.copy(MINI, tmp_path / "flows" / "mini.yaml")
    return tmp_path
