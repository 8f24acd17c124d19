"""Imported first by a process that forks upload workers (`analysis.sandbox`): the upload
forkserver (first in its `PRELOAD`) and the command line (`analysis/__main__.py`).

A process that forks should have one thread. The numeric libraries start helper threads when
they are imported — OpenBLAS a pool, Arrow (imported by pandas) jemalloc's background thread —
so before they are imported, their environment switches those off (the computations here are
small and single-threaded anyway). The Streamlit server does not import this: it never forks,
it asks the forkserver.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")
