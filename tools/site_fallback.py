"""Finds a module the slim runtime does not ship: fetched once, on demand, from the site.

Shipped inside the site's slim `python_stdlib.zip` as `sitecustomize` (tools/compile_runtime.py
puts it there, as bytecode), so Python's `site` imports it as Python starts, before Pyodide's
bootstrap; it is then also `_site_fallback`, the name the walker and the tests use. Installed
by web/worker.mjs right after Pyodide has started.

Why: the site ships, as bytecode, only the standard-library and engine modules a walker start
and a walk import (tools/compile_runtime.py records them), which cuts the download by about
2.7 MB. A module outside that set (a rarely taken code path, a future import) must still be
found: this finder, last on `sys.meta_path`, looks the name up in the index of what the full
archives hold (`_site_fallback.txt`, beside it in the zip) and, only for a name that is there,
fetches that full archive from the site once (a synchronous request: imports are synchronous,
and a Web Worker may make one), mounts it and imports the module from it. A name in no archive
(an optional C accelerator tried in `try: import _x`) costs nothing: it fails as before.

It also defers the modules Pyodide's start-up imports but a walker never uses (`DEFERRED`,
`defer_start_up_imports`, run as this module is imported as `sitecustomize`), and gives
dataclasses the code of its methods compiled at build time (`use_dataclass_code`).
"""

from __future__ import annotations

import sys
import zipimport
from importlib.abc import Loader
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Literal, SupportsIndex

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


# --- Dataclass methods compiled at build time -----------------------------------------------
#
# Why: `@dataclass` writes the source of each class's methods (__init__, __repr__, __eq__ ...)
# and compiles it as the class is made: the engine's 46 dataclasses spent about half of
# `import engine.bridge` in the browser in `compile()` (issue 17). The build records, in the
# interpreter that runs in the browser, each source dataclasses writes while the walker's
# modules are imported, and ships it with its code object (DATACLASS_CODE, beside this module
# in the slim zip). `use_dataclass_code` makes dataclasses run a recorded source's code as it is;
# any other source (a class the recording did not see) is compiled as before.

DATACLASS_CODE = "_dataclass_code.marshal"
"""In the slim zip: marshal of {method source dataclasses wrote: its code object}."""

dataclass_code_used = {"recorded": 0, "compiled": 0}
"""How many dataclass method sources ran from the build's code, and how many were compiled
here (for the tests and the console)."""


def record_dataclass_code() -> dict[str, Any]:
    """From now on, every method source dataclasses writes is compiled here too and kept in the
    returned dict (the build's recording, tools/compile_runtime.mjs)."""
    import dataclasses

    recorded: dict[str, Any] = {}

    def exec_recording(source: Any, *namespaces: Any) -> None:
        if isinstance(source, str):
            # As exec() compiles it for dataclasses (no __future__ flags there).
            recorded[source] = compile(source, "<string>", "exec", dont_inherit=True)
        exec(source, *namespaces)

    dataclasses.exec = exec_recording  # type: ignore[attr-defined]
    return recorded


def use_dataclass_code() -> None:
    """Dataclasses run the build's code for each source it recorded (see above)."""
    import dataclasses
    import marshal

    zip_dir = __file__.rpartition("/")[0]
    code = marshal.loads(__loader__.get_data(f"{zip_dir}/{DATACLASS_CODE}"))  # type: ignore[name-defined]

    def exec_recorded(source: Any, *namespaces: Any) -> None:
        recorded = code.get(source) if isinstance(source, str) else None
        dataclass_code_used["recorded" if recorded is not None else "compiled"] += 1
        exec(source if recorded is None else recorded, *namespaces)

    dataclasses.exec = exec_recorded  # type: ignore[attr-defined]


def install(base_url: str) -> SiteFallback:
    """Put the finder last on sys.meta_path (once); returns it."""
    for finder in sys.meta_path:
        if isinstance(finder, SiteFallback):
            return finder
    finder = SiteFallback(base_url)
    sys.meta_path.append(finder)
    return finder


# --- Deferred start-up imports -------------------------------------------------------------
#
# Why: Pyodide's start-up (checked against Pyodide 314.0.7, `finalizeBootstrap` in
# pyodide.asm.mjs and its Python packages) imports modules a walker never runs, and each would
# have to ship in the slim zip and run at every start: `_pyodide_core` (C) imports `asyncio`
# and keeps it for later; `pyodide/__init__.py` imports `pyodide.webloop` (asyncio, inspect,
# traceback ...) and calls its `_initialize_event_loop()`; the bootstrap imports
# `pyodide._package_loader` (shutil, pathlib, tempfile, zipfile, bz2, lzma ...) and reads only
# its SITE_PACKAGES and DSO_DIR at start, then calls `init_loaded_packages()`. With what they
# import: 66 modules, 400 KB of the slim zip.
#
# How: `defer_start_up_imports` (run when Python's `site` imports this module as `sitecustomize`,
# before Pyodide's bootstrap) puts a finder first on sys.meta_path. An import of a name
# in DEFERRED then gets a stand-in module: a module object holding only the attributes listed
# there. The first access to any other attribute runs the real module's code in that very object
# (as importlib.util.LazyLoader does, but a probe of `__spec__` or `__name__` does not count as
# use), found by the finders after this one: the slim zip or, as it does not ship it, the site
# fallback above. Whoever imported the stand-in (the C code, too) then holds the real module.
# Pyodide's event loop is installed as soon as asyncio or pyodide.webloop really runs, before
# anyone gets an attribute of it; `time.sleep` stays Pyodide's (it wakes the event loop first).
#
# tools/compile_runtime.py checks this against the pinned Pyodide at every build: each deferred
# name must still be imported at start and never used by a start or a walk, and the stand-ins
# must equal the real values; otherwise the build fails naming the module.

_DEFER_PACKAGE_LOADER = "pyodide._package_loader"
_WEBLOOP = "pyodide.webloop"


class _PathStandIn:
    """For the real module's `Path`s: Pyodide's start-up calls only `__str__` on them (from JS,
    so a `str` would not do: it arrives as a JS string)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __str__(self) -> str:
        return self.path

    def __fspath__(self) -> str:
        return self.path


def _site_packages() -> str:
    import site

    return site.getsitepackages()[0]


def _init_loaded_packages() -> None:
    """Stand-in for `_package_loader.init_loaded_packages`: it only records the packages whose
    `.dist-info` is in site-packages, and the site installs none there (its modules are in the
    slim zip); with one there, the real function runs."""
    import os

    try:
        names = os.listdir(_site_packages())
    except FileNotFoundError:
        names = []
    if any(name.endswith(".dist-info") for name in names):
        module = sys.modules[_DEFER_PACKAGE_LOADER]
        _run(module)  # the stand-in's attributes are then the real module's
        module.init_loaded_packages()


def _initialize_event_loop_later() -> None:
    """Stand-in for `webloop._initialize_event_loop` (called by pyodide/__init__.py): the event
    loop is installed when asyncio or the webloop first really runs (`_after_run`). Until then
    time.sleep is `_sleep`, which installs it first: Pyodide's own time.sleep comes with it."""
    import time

    _loop["pending"] = True
    _loop["sleep"] = time.sleep
    time.sleep = _sleep


def _sleep(seconds: float | SupportsIndex) -> None:
    import time

    _run(sys.modules[_WEBLOOP])
    time.sleep(seconds)


def _restore_sleep() -> None:
    """The real time.sleep again, before the webloop runs: it keeps the one it finds."""
    import time

    if _loop.get("sleep") is not None:
        time.sleep = _loop.pop("sleep")


_loop: dict[str, Any] = {"pending": False}

DEFERRED: dict[str, dict[str, Any]] = {
    "asyncio": {},
    _WEBLOOP: {"_initialize_event_loop": _initialize_event_loop_later},
    _DEFER_PACKAGE_LOADER: {
        "SITE_PACKAGES": None,  # _site_packages(), at import (site has run by then)
        "DSO_DIR": _PathStandIn("/usr/lib"),
        "init_loaded_packages": _init_loaded_packages,
    },
}
"""Module name -> its stand-in's attributes: what Pyodide's start-up reads of it."""

PACKAGES = {"asyncio"}
"""The names in DEFERRED that are packages: a stand-in's `__path__` (asked for by any import of
a submodule) is a use for these only."""

State = Literal["deferred", "running", "ran"]
state: dict[str, State] = {}
"""Each deferred module imported so far, and whether its real code has run (for the build's
check and the tests)."""


class DeferredModule(ModuleType):
    """A stand-in: the first access to an attribute it does not hold runs the real module."""

    def __getattr__(self, name: str) -> Any:
        if state.get(self.__name__) != "deferred" or (
            name == "__path__" and self.__name__ not in PACKAGES
        ):
            # Still being imported, or `from module import x` asking whether it is a package:
            # probes of the import system, which are no use.
            raise AttributeError(name)
        _run(self)
        return getattr(self, name)


class _DeferLoader(Loader):
    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = DeferredModule(spec.name)
        for attribute, value in DEFERRED[spec.name].items():
            setattr(module, attribute, _PathStandIn(_site_packages()) if value is None else value)
        return module

    def exec_module(self, module: ModuleType) -> None:
        state[module.__name__] = "deferred"


class DeferFinder:
    """First on sys.meta_path: stand-ins for the names in DEFERRED, once each."""

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in DEFERRED or fullname in state:
            return None
        return ModuleSpec(fullname, _DeferLoader())  # no origin: the import system probes less


def _real_spec(name: str) -> ModuleSpec:
    parent = name.rpartition(".")[0]
    path = sys.modules[parent].__path__ if parent else None
    for finder in sys.meta_path:
        if isinstance(finder, DeferFinder) or not hasattr(finder, "find_spec"):
            continue
        spec = finder.find_spec(name, path)
        if spec is not None:
            return spec
    raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _run(module: ModuleType) -> None:
    """Run the real code of a stand-in, in the stand-in itself (once)."""
    name = module.__name__
    if state.get(name) != "deferred":
        return
    stand_in = dict(module.__dict__)
    for attribute in DEFERRED[name]:
        del module.__dict__[attribute]
    state[name] = "running"
    if name == _WEBLOOP:
        _restore_sleep()
    module.__class__ = ModuleType
    try:
        spec = _real_spec(name)
        # What the import system sets on a module before running it (override=True).
        module.__spec__ = spec
        module.__loader__ = spec.loader
        module.__package__ = spec.parent
        if spec.submodule_search_locations is not None:
            module.__path__ = spec.submodule_search_locations
        if spec.has_location:
            module.__file__ = spec.origin
            if spec.cached is not None:
                module.__dict__["__cached__"] = spec.cached
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except BaseException:
        # Not run after all (for example offline): a stand-in again, the next use tries again.
        module.__class__ = DeferredModule
        module.__dict__.clear()
        module.__dict__.update(stand_in)
        state[name] = "deferred"
        raise
    state[name] = "ran"
    _after_run(name)


def _after_run(name: str) -> None:
    """Pyodide's event loop, once both asyncio and the webloop have run (pyodide/__init__.py
    installs it at start: here, at first use)."""
    if not _loop["pending"] or name not in ("asyncio", _WEBLOOP):
        return
    if state.get("asyncio") == "ran" and state.get(_WEBLOOP) == "deferred":
        _run(sys.modules[_WEBLOOP])  # its end calls this again
    elif state.get("asyncio") == "ran" and state.get(_WEBLOOP) == "ran":
        _loop["pending"] = False
        sys.modules[_WEBLOOP]._initialize_event_loop()


def defer_start_up_imports() -> None:
    """Install the stand-ins' finder (once), first on sys.meta_path."""
    if not any(isinstance(finder, DeferFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, DeferFinder())


if __name__ == "sitecustomize":
    # Imported by Python's `site` as Python starts (the slim zip's sitecustomize).
    sys.modules.setdefault("_site_fallback", sys.modules[__name__])
    defer_start_up_imports()
