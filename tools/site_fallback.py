"""Finds a module the slim runtime does not ship: fetched once, on demand, from the site.

Shipped inside the site's slim `python_stdlib.zip` as `_site_fallback` (tools/compile_runtime.py
puts it there, as bytecode) and installed by web/worker.mjs right after Pyodide has started.

Why: the site ships, as bytecode, only the standard-library and engine modules a walker start
and a walk import (tools/compile_runtime.py records them), which cuts the download by about
2.7 MB. A module outside that set (a rarely taken code path, a future import) must still be
found: this finder, last on `sys.meta_path`, looks the name up in the index of what the full
archives hold (`_site_fallback.txt`, beside it in the zip) and, only for a name that is there,
fetches that full archive from the site once (a synchronous request: imports are synchronous,
and a Web Worker may make one), mounts it and imports the module from it. A name in no archive
(an optional C accelerator tried in `try: import _x`) costs nothing: it fails as before.
"""

from __future__ import annotations

import sys
import zipimport
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

_ARCHIVE_DIR = "/tmp/site-fallback"


def _read_index() -> dict[str, str]:
    """Module name -> archive file name (in the site's assets/pyodide/ folder)."""
    # Read with the zip's own loader (pkgutil is not in the slim zip).
    data = __loader__.get_data(__file__.rpartition("/")[0] + "/_site_fallback.txt")  # type: ignore[name-defined]
    index = {}
    archive = ""
    for line in data.decode().splitlines():
        if line.startswith("@"):
            archive = line[1:]
        elif line:
            index[line] = archive
    return index


def _fetch(url: str) -> bytes:
    """The bytes at `url`, by a synchronous request (allowed in a worker, and imports wait)."""
    import js  # type: ignore[import-not-found]  # Pyodide only

    request = js.XMLHttpRequest.new()
    request.open("GET", url, False)
    request.responseType = "arraybuffer"
    request.send()
    if request.status != 200:
        raise ImportError(f"{url}: HTTP {request.status}")
    return bytes(js.Uint8Array.new(request.response).to_py())


class SiteFallback:
    """A meta path finder for the modules of the full archives (see the module's docstring)."""

    def __init__(self, base_url: str, fetch: Any = _fetch) -> None:
        self.base_url = base_url
        self.fetch = fetch
        self.index = _read_index()
        self.mounted: dict[str, str] = {}
        self.fetched: list[str] = []  # archives fetched, in order (for tests and the console)

    def _archive_path(self, archive: str) -> str:
        if archive not in self.mounted:
            import os

            os.makedirs(_ARCHIVE_DIR, exist_ok=True)
            path = f"{_ARCHIVE_DIR}/{archive}"
            with open(path, "wb") as file:
                file.write(self.fetch(self.base_url + archive))
            self.mounted[archive] = path
            self.fetched.append(archive)
            print(f"site fallback: fetched {archive} for a module the site does not ship")
        return self.mounted[archive]

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        archive = self.index.get(fullname)
        if archive is None:
            return None
        root = self._archive_path(archive)
        parent, _, _ = fullname.rpartition(".")
        location = f"{root}/{parent.replace('.', '/')}" if parent else root
        spec = zipimport.zipimporter(location).find_spec(fullname)
        if parent and parent in sys.modules:
            # Later submodules of the (slim) parent package: look in the full archive as well.
            search = getattr(sys.modules[parent], "__path__", None)
            if search is not None and location not in list(search):
                search.append(location)
        return spec


def install(base_url: str) -> SiteFallback:
    """Put the finder last on sys.meta_path (once); returns it."""
    for finder in sys.meta_path:
        if isinstance(finder, SiteFallback):
            return finder
    finder = SiteFallback(base_url)
    sys.meta_path.append(finder)
    return finder
