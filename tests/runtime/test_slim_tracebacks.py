"""Tracebacks in the browser from the slim runtime: every frame named, at its function's `def` line.

tools/compile_runtime.py ships bytecode whose line tables hold `def` lines only (a sixth of the
slim zip's bytes). This raises, in real Pyodide in Chromium with the site's runtime, an error
deep in a shipped module and formats it as Pyodide does (`traceback`, which an empty line table
would break): each frame keeps its file and function, and its line is the `def` line.
"""

from __future__ import annotations

from playwright.sync_api import Browser

from .test_site_fallback import run_in_site_runtime

PYTHON = """
import json, traceback
import json.decoder
try:
    json.loads("{")
except ValueError as error:
    frames = traceback.extract_tb(error.__traceback__)
    text = "".join(traceback.format_exception(error))
json.dumps({
    "frames": [[frame.filename, frame.name, frame.lineno] for frame in frames[1:]],
    "def_lines": [json.loads.__code__.co_firstlineno,
                  json.decoder.JSONDecoder.decode.__code__.co_firstlineno,
                  json.decoder.JSONDecoder.raw_decode.__code__.co_firstlineno],
    "text": text,
})
"""


def test_a_traceback_names_each_frame_at_its_def_line(browser: Browser, site_url: str) -> None:
    result = run_in_site_runtime(browser, site_url, PYTHON)
    assert "error" not in result, result
    loads, decode, raw_decode = result["def_lines"]
    assert result["frames"] == [
        ["json/__init__.py", "loads", loads],
        ["json/decoder.py", "decode", decode],
        ["json/decoder.py", "raw_decode", raw_decode],
    ]
    assert f'File "json/decoder.py", line {raw_decode}, in raw_decode' in result["text"]
    assert result["text"].endswith("line 1 column 2 (char 1)\n")
