"""Fixtures for the engine's tests. Self-contained: the same files also run inside Pyodide.

`demo` is the flow of docs/authoring.md, read from its JSON form so the tests that do not test
the YAML loader need no PyYAML (Pyodide has none); a loader test keeps the JSON and YAML equal.
"""

from __future__ import annotations

import pytest
from flowdata import demo_dict

from engine import Flow, flow_from_dict


@pytest.fixture(scope="session")
def demo() -> Flow:
    return flow_from_dict(demo_dict())
