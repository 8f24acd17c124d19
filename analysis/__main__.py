"""`python -m analysis` — a shim that runs the command line (`cli/`, one module per command).

The one import of an upper layer from `analysis/`: declared as such in .importlinter.
"""

import sys

import analysis.fork_safe  # noqa: F401 - first: keeps this process single-threaded, so it may fork upload workers

from cli.main import main

sys.exit(main())
