"""The engine's edges: only the YAML loader reads YAML; only the bridge may talk to JavaScript."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import engine

SOURCES = sorted(Path(engine.__file__).parent.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_loader_imports_yaml() -> None:
    assert [p.name for p in SOURCES if "yaml" in imported_modules(p)] == ["load_yaml.py"]


def test_nothing_but_the_bridge_imports_js_or_pyodide() -> None:
    talking = [p.name for p in SOURCES if imported_modules(p) & {"js", "pyodide"}]
    assert set(talking) <= {"bridge.py"}


def test_the_engine_needs_only_the_standard_library_and_markdown_it() -> None:
    allowed = {"engine", "markdown_it", "yaml", "js", "pyodide", "__future__"}
    for path in SOURCES:
        foreign = {m for m in imported_modules(path) - allowed if m not in sys.stdlib_module_names}
        assert not foreign, f"{path.name} imports {foreign}"
