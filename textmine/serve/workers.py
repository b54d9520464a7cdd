"""Start-up of the workbench's background processes (retrain, topics, publishing): they yield
the CPU to the pages.

On a 2-core laptop a background retrain at full priority, with BLAS on both cores, pushed the
queue page's p95 from under 60 ms to 130-150 ms (scripts/bench_serve.py, README "Workbench").
"""

from __future__ import annotations

import os


def lower_priority() -> None:
    """Run this process at a lower priority (nice 10): the pages come first."""
    try:
        os.nice(10)
    except (AttributeError, OSError):  # Windows, or not permitted: the work runs all the same
        pass


def one_thread() -> None:
    """BLAS and OpenMP on one thread, leaving the other core to the server. Libraries loaded later
    (scikit-learn's, on the first retrain) read the variables when they load; threadpoolctl caps
    those already loaded. Not for topics or publishing: their results must equal the CLI's to the
    last bit, and BLAS's thread count changes the last bits of a matrix product."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def quiet_retrain_worker() -> None:
    """The retrain worker's initializer."""
    lower_priority()
    one_thread()
