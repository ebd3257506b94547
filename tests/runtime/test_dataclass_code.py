"""The engine's dataclasses get their methods from the build's code, not from `compile()`.

tools/compile_runtime.mjs records each method source `@dataclass` writes while the walker's
modules are imported (in the Pyodide the browser runs) and ships it compiled in the slim zip;
tools/site_fallback.py's `use_dataclass_code` makes dataclasses run that code. This starts the
site's runtime in real Pyodide in Chromium, as the walker's worker does, imports the engine and
checks that no dataclass method was compiled there, that the classes behave as dataclasses, and
that a class the build never saw is still compiled and works.
"""

from __future__ import annotations

from playwright.sync_api import Browser

from .test_site_fallback import run_in_site_runtime

PYTHON = """
import dataclasses, json
import _site_fallback
_site_fallback.use_dataclass_code()
import engine.bridge
from engine.model import Source
after_import = dict(_site_fallback.dataclass_code_used)
fields = [f.name for f in dataclasses.fields(Source)]
one = Source(**{name: None for name in fields})
two = Source(**{name: None for name in fields})
try:
    one.id = "x"
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True

@dataclasses.dataclass(frozen=True)
class NeverSeen:
    size: int = 3

json.dumps({
    "after_import": after_import,
    "equal": one == two and hash(one) == hash(two),
    "repr": repr(one).startswith("Source("),
    "frozen": frozen,
    "new_class": [repr(NeverSeen()), NeverSeen(4) == NeverSeen(4)],
    "after_new_class": dict(_site_fallback.dataclass_code_used),
})
"""


def test_the_engines_dataclasses_run_the_builds_code(browser: Browser, site_url: str) -> None:
    result = run_in_site_runtime(browser, site_url, PYTHON)
    assert "error" not in result, result
    assert result["after_import"]["compiled"] == 0
    assert result["after_import"]["recorded"] >= 40  # engine.model alone has 21
    assert result["equal"] and result["repr"] and result["frozen"]
    assert result["new_class"] == ["NeverSeen(size=3)", True]
    assert result["after_new_class"]["compiled"] == 1
