"""`python -m scorecards`: the same command as `scorecards`."""

import sys

from scorecards.cli import main

sys.exit(main())
