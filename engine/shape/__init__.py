"""Shape checks: plain data (from YAML or JSON) -> a Flow, or every problem found.

One builder serves both doors in: the YAML loader hands over `LineDict`/`LineList` values that
remember their source lines, `flow_from_dict` hands over plain dicts (problems then carry line 0).

- `parts`: the one table of the format (every part's keys, types, patterns, required keys);
- `context`: reading one part (`At`) and its values by the table (`Reader`);
- `references`: the id tables and the reference checks; `conditions`, `cites`, `hazard`,
  `common`, `nodes`: the readers of each kind of part; `build`: the builder and its three
  phases (collect ids, check parts and references, report the references' problems);
- `schema`: `flows/schema.json`, made from the table (`python -m engine.shape.schema`);
- `lines`, `words`: values with lines, and how problems word what they found.

Graph checks (reachability, cycles, ...) need a whole flow and run afterwards (engine.checks).
"""

from __future__ import annotations

from engine.grammar import PAGE
from engine.shape.build import Builder, build_flow
from engine.shape.lines import LineDict, LineList
from engine.shape.parts import DATE, FACT_NAME, FACT_VALUE, PARTS, SLUG, Key, Part
from engine.shape.words import closest, hint_for, suggest, type_name

__all__ = [
    "DATE",
    "FACT_NAME",
    "FACT_VALUE",
    "PAGE",
    "PARTS",
    "SLUG",
    "Builder",
    "Key",
    "LineDict",
    "LineList",
    "Part",
    "build_flow",
    "closest",
    "hint_for",
    "suggest",
    "type_name",
]
