"""`python -m analysis` — see analysis/cli.py."""

import sys

import analysis.fork_safe  # noqa: F401 - first: keeps this process single-threaded, so it may fork upload workers

from analysis.cli import main

sys.exit(main())
