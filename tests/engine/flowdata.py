"""Where the engine tests' sample flows live, and the demo flow as plain data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if (ROOT / "engine").is_dir() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FLOWS = HERE / "flows"
INVALID = HERE.parent / "flows" / "invalid"


def demo_dict() -> dict[str, Any]:
    """The flow of docs/authoring.md (its JSON form: needs no PyYAML)."""
    data: dict[str, Any] = json.loads((FLOWS / "demo.json").read_text(encoding="utf-8"))
    return data
