"""The token grammar of the flow format that more than one layer reads.

The shape checks (engine.shape) accept a link only if it matches; the renderer (engine.render)
turns exactly those links into site URLs. One definition, below both, so the renderer needs
nothing of the validator.
"""

from __future__ import annotations

import re

PAGE = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.md(?:#[a-z0-9][a-z0-9_-]*)?$")
"""A page of this site, as an author links it: `treatment.md`, `care/index.md#rest`."""
