"""Pyodide's start-up imports the walker never uses are deferred, and still work once used.

tools/site_fallback.py (installed by the slim zip's sitecustomize before Pyodide's bootstrap)
hands Pyodide's start-up stand-ins for asyncio, pyodide.webloop and pyodide._package_loader, so
neither they nor what they import (about 150 files) ship in the slim zip or run at start. This
starts the site's runtime in real Pyodide in Chromium, in a module Web Worker as the walker's
(tests/runtime/test_site_fallback.py has the harness), imports the engine as the walker does,
and checks that nothing deferred ran; then it uses each deferred module, from JavaScript as
Pyodide itself would (an awaited Promise needs the event loop) and from Python, and each works
through the site fallback.
"""

from __future__ import annotations

import json

from playwright.sync_api import Browser

from .site_runtime import START_SITE_RUNTIME

WORKER = (
    """
async ([base, before, after]) => {
  const code = `
"""
    + START_SITE_RUNTIME
    + """    py.pyimport("_site_fallback").install("${base}assets/pyodide/");
    py.pyimport("engine.bridge");
    try {
      const result = JSON.parse(py.runPython(${JSON.stringify(before)}));
      // Pyodide's own use of asyncio: awaiting a JavaScript Promise from Python code.
      result.awaited = await py.runPythonAsync("import js\\\\nawait js.Promise.resolve(7)");
      Object.assign(result, JSON.parse(py.runPython(${JSON.stringify(after)})));
      postMessage(JSON.stringify(result));
    } catch (error) {
      postMessage(JSON.stringify({ error: String(error) }));
    }
  `;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  return await new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve(JSON.stringify({ error: String(event.message) }));
  });
}
"""
)

BEFORE = """
import json, os, sys
import _site_fallback
result = {
    "state": dict(_site_fallback.state),
    "not_run": [n for n in ["asyncio.events", "zipfile", "shutil", "pathlib", "tempfile",
                            "subprocess", "logging"] if n not in sys.modules],
}
# Pyodide calls init_loaded_packages() at start; with a package in site-packages (the site
# installs none there) the stand-in runs the real one, which records it.
folder = "/lib/python3.14/site-packages/example_pkg-1.0.dist-info"
os.makedirs(folder)
with open(folder + "/METADATA", "w") as file:
    file.write("Name: example-pkg\\n")
import pyodide._package_loader as package_loader
package_loader.init_loaded_packages()
import pyodide_js
result["recorded"] = getattr(pyodide_js.loadedPackages, "example-pkg", None)
json.dumps(result)
"""

AFTER = """
import json, sys, time
import _site_fallback
import asyncio
import pyodide.webloop
from pyodide.code import run_js
import pyodide._package_loader as package_loader
import zipfile, pathlib
time.sleep(0)
finder = next(f for f in sys.meta_path if isinstance(f, _site_fallback.SiteFallback))
result = {
    "loop": type(asyncio.get_event_loop()).__name__,
    "policy_sleep": time.sleep is pyodide.webloop._sleep,
    "run_js": run_js("1 + 2"),
    # Its stand-in holds only what the bootstrap reads (path-like); a use runs the real one.
    "stand_in_path": str(package_loader.SITE_PACKAGES),
    "unpack_buffer": callable(package_loader.unpack_buffer),
    "site_packages": isinstance(package_loader.SITE_PACKAGES, pathlib.Path)
    and str(package_loader.SITE_PACKAGES),
    "zipfile": zipfile.ZipFile.__name__,
    "asyncio_is_one_module": sys.modules["asyncio"] is asyncio
    and asyncio.tasks is sys.modules["asyncio.tasks"],
    "fetched": finder.fetched,
}
result["state_after"] = dict(_site_fallback.state)  # after the uses above
json.dumps(result)
"""


def test_start_up_imports_are_deferred_and_work_when_used(browser: Browser, site_url: str) -> None:
    page = browser.new_page()
    try:
        # A page of the site without a Content-Security-Policy, for the test's own worker.
        page.goto(site_url + "assets/flows/back-spasm.json")
        raw = page.evaluate(WORKER, [site_url, BEFORE, AFTER])
        result = json.loads(raw) if raw.startswith("{") else {"raw": raw}
    finally:
        page.close()
    assert "error" not in result, result
    deferred = ["asyncio", "pyodide.webloop", "pyodide._package_loader"]
    # After the walker's start (engine imported): imported as stand-ins, none of them ran.
    assert result["state"] == dict.fromkeys(deferred, "deferred")
    assert result["not_run"] == [
        "asyncio.events",
        "zipfile",
        "shutil",
        "pathlib",
        "tempfile",
        "subprocess",
        "logging",
    ]
    assert result["recorded"] == "Unknown"  # the real init_loaded_packages ran
    # Used: each ran, from the full standard library (fetched once), with Pyodide's event loop.
    assert result["awaited"] == 7
    assert result["state_after"] == dict.fromkeys(deferred, "ran")
    assert result["loop"] == "WebLoop"
    assert result["policy_sleep"] is True
    assert result["run_js"] == 3
    assert result["unpack_buffer"] is True
    assert result["site_packages"] == result["stand_in_path"] == "/lib/python3.14/site-packages"
    assert result["zipfile"] == "ZipFile"
    assert result["asyncio_is_one_module"] is True
    assert result["fetched"] == ["python_stdlib_full.zip"]
