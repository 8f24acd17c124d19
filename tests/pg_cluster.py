"""A throwaway PostgreSQL server for tests: `deploy.postgres` in a temporary directory.

One implementation of "a local cluster from Debian's binaries" serves both the tests and
`python -m deploy` (see deploy/postgres.py): initdb in a temp dir, pg_ctl on a free loopback
port, trusted local connections, the directory removed by `destroy()`.
"""

from __future__ import annotations

from deploy.postgres import Cluster, find_bindir, free_port  # noqa: F401  (re-exported for the tests)
from deploy.postgres import temporary_cluster as start_cluster  # noqa: F401
