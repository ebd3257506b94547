"""What the build ships as the browser's runtime (issue 17), checked on a real build.

Replaces, for the slim runtime, tests/build's checks of the wheels and of the stdlib zip: no
wheel ships; one slim zip holds the walker's modules as bytecode of exactly their sources; the
full archives ship beside it for the fallback; the lock file lists only what the site ships.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

import build_site


def source_hash_of_pyc(pyc: bytes) -> bytes:
    """The source hash an unchecked-hash .pyc (PEP 552) was made for; fails for any other kind."""
    assert int.from_bytes(pyc[4:8], "little") == 0b01, "not an unchecked-hash pyc"
    return pyc[8:16]


def source_hash(pyc: bytes, source: bytes) -> bytes:
    import _imp

    return _imp.source_hash(int.from_bytes(pyc[:4], "little"), source)  # type: ignore[no-any-return]


def test_the_lock_file_lists_only_what_the_site_ships(built_site: Path) -> None:
    pyodide_dir = built_site / "assets" / "pyodide"
    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text())
    assert set(lock) >= {"info", "packages"}
    for entry in lock["packages"].values():
        shipped = pyodide_dir / entry["file_name"]
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == entry["sha256"]
    assert not list(pyodide_dir.glob("*.whl"))  # the engine is in the slim zip, not a wheel
    assert len((pyodide_dir / "pyodide-lock.json").read_bytes()) < 2000


def test_the_slim_zip_holds_bytecode_of_exactly_the_shipped_sources(built_site: Path) -> None:
    pyodide_dir = built_site / "assets" / "pyodide"
    stock_path = build_site.ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
    assert (pyodide_dir / "python_stdlib_full.zip").read_bytes() == stock_path.read_bytes()
    with zipfile.ZipFile(stock_path) as stock:
        sources = {name: stock.read(name) for name in stock.namelist()}
    for path in (build_site.ROOT / "engine").rglob("*.py"):
        sources[path.relative_to(build_site.ROOT).as_posix()] = path.read_bytes()
    # tools/site_fallback.py ships as sitecustomize (Python's `site` imports it as Python starts).
    sources["sitecustomize.py"] = (build_site.ROOT / "tools" / "site_fallback.py").read_bytes()
    packed = (pyodide_dir / "python_stdlib.zip.gz").read_bytes()
    with zipfile.ZipFile(io.BytesIO(gzip.decompress(packed))) as slim:
        shipped = {name: slim.read(name) for name in slim.namelist()}
        # Stored entries: the gzip of the whole file compresses across them.
        assert {info.compress_type for info in slim.infolist()} == {zipfile.ZIP_STORED}
    compiled = {name[:-1]: pyc for name, pyc in shipped.items() if name.endswith(".pyc")}
    assert not [name for name in shipped if name.endswith(".py")]  # bytecode only
    # What every walker start imports: Pyodide's own start, the bridge, the engine's render.
    assert {
        "json/__init__.py",
        "_pyodide/_base.py",
        "engine/bridge.py",
        "engine/render/step.py",
        "sitecustomize.py",
    } <= set(compiled)
    assert "engine/cli.py" not in compiled  # the build's command line is not the walker's
    # Imported by Pyodide's start-up but deferred (tools/site_fallback.py): not shipped.
    assert not {"asyncio/__init__.py", "pyodide/webloop.py", "zipfile/__init__.py"} & set(compiled)
    for name, pyc in compiled.items():
        if name.startswith(("markdown_it/", "mdurl/")):
            continue  # from the pinned wheels, checked by their sha256 in pip's download
        assert source_hash_of_pyc(pyc) == source_hash(pyc, sources[name]), name
    assert len(packed) < 0.5 * len(stock_path.read_bytes())
