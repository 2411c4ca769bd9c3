"""The lock store the environment selects, and the refusal of racing configurations.

That Redis really holds the locks of a running cluster is checked in
test_cluster.py; here only the choice and the refusal, which need no server.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from project import PROJECT_ROOT
from stores.lock_store import lock_store_from_env
from stores.workers import LockStoreConfigurationError


def test_one_worker_without_redis_keeps_locks_in_memory() -> None:
    assert isinstance(lock_store_from_env({}), InMemoryLockStore)


def test_redis_url_selects_redis_with_its_parts() -> None:
    store = lock_store_from_env({"REDIS_URL": "redis://:s%40cret@10.0.0.7:6390/3"})
    assert isinstance(store, RedisLockStore)
    connection = store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("10.0.0.7", 6390, 3)
    assert connection["password"] == "s@cret"


def test_several_workers_without_redis_are_refused() -> None:
    with pytest.raises(LockStoreConfigurationError, match="SANIC_WORKERS=2 needs REDIS_URL"):
        lock_store_from_env({"SANIC_WORKERS": "2"})


def test_a_container_refuses_to_start_with_a_clear_message() -> None:
    env = {**os.environ, "SANIC_WORKERS": "4", "REDIS_URL": "", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "ops.serve", "rasa"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SANIC_WORKERS=4 needs REDIS_URL" in result.stderr
