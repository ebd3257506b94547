"""package.json and package-lock.json (security review 2026-12, row 18).

- `make setup` must leave a fresh clone clean: `npm install` rewrote the lock file, adding the
  optional per-platform packages of rollup that it lacked (`npm ci` refuses such a lock). Every
  optional dependency a locked package names must therefore be locked too.
- What ships to readers (the Pyodide runtime, the Workbox modules inlined into sw.js) is a
  production dependency, so `npm audit --omit=dev` audits it.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (
    "pyodide",
    "workbox-cacheable-response",
    "workbox-core",
    "workbox-precaching",
    "workbox-routing",
    "workbox-strategies",
    "zstddec",
)


def lock() -> dict[str, dict[str, object]]:
    packages: dict[str, dict[str, object]] = json.loads(
        (ROOT / "package-lock.json").read_text(encoding="utf-8")
    )["packages"]
    return packages


def test_every_optional_dependency_is_in_the_lock_file() -> None:
    packages = lock()
    missing = []
    for name, entry in packages.items():
        optional = entry.get("optionalDependencies", {})
        assert isinstance(optional, dict)
        missing += [f"{name} -> {dep}" for dep in optional if f"node_modules/{dep}" not in packages]
    assert missing == []


def test_what_ships_to_readers_is_a_production_dependency() -> None:
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    packages = lock()
    assert sorted(manifest.get("dependencies", {})) == sorted(SHIPPED)
    assert not set(SHIPPED) & set(manifest.get("devDependencies", {}))
    assert [name for name in SHIPPED if packages[f"node_modules/{name}"].get("dev")] == []
    assert packages[""].get("dependencies") == manifest["dependencies"]


def test_setup_installs_with_npm_ci() -> None:
    """`npm ci` installs the lock as it is and never writes it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\tnpm ci " in makefile
    assert "\tnpm install" not in makefile
