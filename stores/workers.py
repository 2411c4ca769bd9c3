"""Whether the environment lets several processes share conversations safely.

Kept free of Rasa imports, so ops/processes.py can refuse a racing
configuration before it starts anything.
"""

from __future__ import annotations

from collections.abc import Mapping


class LockStoreConfigurationError(RuntimeError):
    """Raised when the environment would let conversations race."""


def sanic_workers(env: Mapping[str, str]) -> int:
    """The number of Sanic workers Rasa will start (SANIC_WORKERS, default 1)."""
    return int(env.get("SANIC_WORKERS") or 1)


def check_lock_configuration(env: Mapping[str, str]) -> None:
    """Refuse in-memory locks when more than one worker would share conversations."""
    if sanic_workers(env) > 1 and not env.get("REDIS_URL"):
        raise LockStoreConfigurationError(
            f"SANIC_WORKERS={env['SANIC_WORKERS']} needs REDIS_URL: the in-memory lock store "
            "is per process, so two workers could process one conversation at once. "
            "Set REDIS_URL (e.g. redis://127.0.0.1:6379/1) or SANIC_WORKERS=1."
        )
