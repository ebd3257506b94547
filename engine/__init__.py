"""Back Spasm Guide flowchart engine."""
