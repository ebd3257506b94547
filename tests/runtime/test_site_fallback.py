"""The slim runtime in real Pyodide in Chromium: a module the site does not ship is still found.

The site's python_stdlib.zip.gz holds only the modules a walk imports (tools/compile_runtime.py);
tools/site_fallback.py fetches the full archive from the site for any other. This imports, in a
module Web Worker like the walker's, modules outside the shipped set: a standard-library package,
a submodule of a shipped package, and an engine module, and a name no archive has.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser

from .site_runtime import START_SITE_RUNTIME

WORKER = (
    """
async ([base, python]) => {
  const code = `
"""
    + START_SITE_RUNTIME
    + """    py.globals.set("BASE", "${base}assets/pyodide/");
    onmessage = (event) => {
      try { postMessage(py.runPython(event.data)); }
      catch (error) { postMessage(JSON.stringify({ error: String(error) })); }
    };
    postMessage("started");
  `;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  return await new Promise((resolve) => {
    worker.onmessage = (event) => {
      if (event.data === "started") worker.postMessage(python);
      else resolve(event.data);
    };
    worker.onerror = (event) => resolve(JSON.stringify({ error: String(event.message) }));
  });
}
"""
)


def run_in_site_runtime(browser: Browser, site_url: str, python: str) -> dict[str, Any]:
    """The JSON `python` returns, run in the site's runtime in a test worker (WORKER)."""
    page = browser.new_page()
    try:
        # A page of the site without a Content-Security-Policy, for the test's own worker.
        page.goto(site_url + "assets/flows/back-spasm.json")
        raw = page.evaluate(WORKER, [site_url, python])
    finally:
        page.close()
    result: dict[str, Any] = json.loads(raw) if raw.startswith("{") else {"raw": raw}
    return result


PYTHON = """
import importlib.util, json, sys
names = ["xml.dom.minidom", "json.tool", "engine.diff"]
result = {}
import json as _json  # shipped: its submodules are found in the slim zip or not at all
result["shipped_before"] = {n: importlib.util.find_spec(n) is not None for n in
                            ["xml", "json.tool", "engine.diff"]}
import _site_fallback
finder = _site_fallback.install(BASE)
import xml.dom.minidom, json.tool
result["minidom"] = xml.dom.minidom.parseString("<a><b/></a>").documentElement.tagName
result["json_tool"] = json.tool.__name__
import engine.diff
result["engine_diff"] = engine.diff.__name__
# A module whose name is no identifier, imported by name (pytest and hypothesis call this).
import sysconfig
result["platstdlib"] = sysconfig.get_path("platstdlib")
try:
    import no_such_module_anywhere
    result["missing"] = "imported"
except ModuleNotFoundError:
    result["missing"] = "not found"
result["fetched"] = finder.fetched
json.dumps(result)
"""


def test_a_module_outside_the_shipped_set_is_fetched_from_the_site(
    browser: Browser, site_url: str
) -> None:
    result = run_in_site_runtime(browser, site_url, PYTHON)
    assert "error" not in result, result
    assert result.get("shipped_before") == {"xml": False, "json.tool": False, "engine.diff": False}
    assert result["minidom"] == "a"
    assert result["json_tool"] == "json.tool"
    assert result["engine_diff"] == "engine.diff"
    assert result["platstdlib"].endswith("/lib/python3.14")  # Pyodide's prefix is "/"
    assert result["missing"] == "not found"
    assert result["fetched"] == [
        "python_stdlib_full.zip",
        "back_spasm_engine-1.0.0-py3-none-any.whl.full.zip",
    ]
