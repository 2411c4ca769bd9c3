"""The `rasa` command with the project's runtime speed-ups installed (speedups/patches.py).

ops.processes starts the Rasa server as ``python -m speedups.rasa_main run ...``. The
speed-ups are installed at import, so Sanic worker processes, which import this
module again, get them too.
"""

from __future__ import annotations

import gc
import os
import sys

# One BLAS/OpenMP thread per server process (before numpy, spaCy and TensorFlow load):
# a message's matrices are tiny, so extra threads only hand work back and forth and spin
# on the core the action server needs. Concurrency comes from processes and the event loop.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from speedups import patches  # noqa: E402 - after the thread settings above


def freeze_heap() -> None:
    """Move every object the process holds out of the garbage collector's reach.

    Sanic forks its workers (SANIC_WORKERS > 1) from this process once Rasa, TensorFlow
    and spaCy are imported. The workers share those pages until they write to them,
    and a collection writes to every object it visits; frozen objects are never visited.
    docs/performance.md has what it keeps shared.
    """
    gc.collect()
    gc.freeze()


patches.install()
os.register_at_fork(before=freeze_heap)

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.exit(main())
