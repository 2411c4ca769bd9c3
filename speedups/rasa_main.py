"""The `rasa` command with the project's runtime speed-ups installed (speedups/patches.py).

ops.processes starts the Rasa server as ``python -m speedups.rasa_main run ...``. The
speed-ups are installed at import, so Sanic worker processes, which import this
module again, get them too. ``RASA_SPEEDUPS=off`` leaves the server as plain ``rasa``
would run it (to tell whether a problem comes from them); on library versions the
patches were not tested for (speedups/versions.py), none of them is installed.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Mapping, MutableMapping

from speedups import versions

SWITCH = "RASA_SPEEDUPS"
SWITCH_VALUES = {"on": True, "off": False}
# Rasa's own log line format (rasa.utils.io.configure_colored_logging), without colours.
LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s  - %(message)s"
logger = logging.getLogger("speedups")


def speedups_enabled(environ: Mapping[str, str]) -> bool:
    """RASA_SPEEDUPS: on (the default, also when empty) or off, in any case.

    Anything else stops start-up: a mistyped "off" must not leave the patches on.
    """
    value = environ.get(SWITCH, "").strip().lower() or "on"
    if value not in SWITCH_VALUES:
        raise SystemExit(f"{SWITCH} must be on or off, not {environ[SWITCH]!r}")
    return SWITCH_VALUES[value]


def announce(level: int, message: str) -> None:
    """Log a start-up decision before Rasa has configured logging.

    This runs at import, and Rasa configures logging only in its main(): until then
    Python drops info lines and prints warnings bare. So, while the root logger has no
    handler, the line gets one of its own in Rasa's format (at Rasa's LOG_LEVEL);
    otherwise it goes through the handlers already set up.
    """
    if logging.getLogger().handlers:
        logger.log(level, message)
        return
    threshold = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())
    if isinstance(threshold, int) and level < threshold:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.handle(logger.makeRecord(logger.name, level, __file__, 0, message, (), None))


def one_blas_thread(environ: MutableMapping[str, str]) -> None:
    """One BLAS/OpenMP thread per server process, unless the environment sets them.

    Must run before numpy, spaCy and TensorFlow load: a message's matrices are tiny, so
    extra threads only hand work back and forth and spin on the core the action server
    needs. Concurrency comes from processes and the event loop.
    """
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        environ.setdefault(variable, "1")


def install_patches() -> bool:
    """Install every patch, or none on library versions they were not tested for.

    The versions are checked before speedups.patches is imported, since importing it
    already reads internals that another version may not have.
    """
    untested = versions.untested_version()
    if untested is not None:
        announce(logging.WARNING, f"Speed-up patches not installed: {untested}.")
        return False
    from speedups import patches

    patches.install()
    return True


def start(environ: MutableMapping[str, str]) -> None:
    """Everything this command changes about Rasa's server, or nothing when switched off."""
    if not speedups_enabled(environ):
        announce(logging.INFO, f"Speed-ups off ({SWITCH}=off): Rasa runs as it ships.")
        return
    one_blas_thread(environ)
    install_patches()
    os.register_at_fork(before=freeze_heap)


def freeze_heap() -> None:
    """Move every object the process holds out of the garbage collector's reach.

    Sanic forks its workers (SANIC_WORKERS > 1) from this process once Rasa, TensorFlow
    and spaCy are imported. The workers share those pages until they write to them,
    and a collection writes to every object it visits; frozen objects are never visited.
    docs/performance.md has what it keeps shared.
    """
    gc.collect()
    gc.freeze()


start(os.environ)

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.exit(main())
