"""`python -m compiler …` runs the same command line as `reportc`."""

import sys

from .cli import main

sys.exit(main())
