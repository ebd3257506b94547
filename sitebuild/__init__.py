"""Build-time helpers for the reading pages (docs/*.md), kept apart from the engine.

The engine runs in the browser too and must stay small; what only the site build needs, such as
checking and rendering the grades on the pages' footnotes, lives here.
"""
