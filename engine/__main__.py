"""`python -m engine check|paths|walk` (see engine/io/cli.py)."""

import sys

from engine.io.cli import main

sys.exit(main())
