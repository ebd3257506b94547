"""The engine's outside: files, YAML, git and the terminal, never loaded by the browser.

- `load_yaml`: YAML text -> plain data with lines (the only module that imports `yaml`);
- `records`: review records on disk (`reviews/*.yaml`) and the skeletons reviewers sign;
- `governance_site`: the site's governance pages (review status, "What changed", safety);
- `cli` and `govcli`: `python -m engine check|paths|walk|review|diff`.

The core of the engine (model ... render) imports nothing from here; `engine.pipeline` is the
entry that reads flow files through `load_yaml`.
"""
