"""`python -m engine check|paths|walk` (see engine/cli.py)."""

import sys

from engine.cli import main

sys.exit(main())
