"""The lock store the environment selects, the refusal of racing configurations, and
the keys it keeps the locks under.

That Redis really holds the locks of a running cluster is checked in
test_cluster.py; here the choice and the refusal, which need no server, and what a
real Redis (started here) holds while a conversation is locked.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from ops.processes import free_port
from project import PROJECT_ROOT
from stores.keys import stored_sender_id
from stores.lock_store import EnvLockStore, lock_store_from_env
from stores.workers import LockStoreConfigurationError

PHONE_CONVERSATION = "whatsapp:+15557654321"


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


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real Redis of its own, on a free port, without persistence."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/1"
    server.terminate()
    server.wait(timeout=10)


def test_redis_holds_a_locked_conversation_only_under_its_keyed_hash(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    store = EnvLockStore()

    async def keys_while_locked() -> list[bytes]:
        async with store.lock(PHONE_CONVERSATION):
            return store.inner.red.keys("*")

    keys = asyncio.run(keys_while_locked())
    assert keys == [f"{store.inner.key_prefix}{stored_sender_id(PHONE_CONVERSATION)}".encode()]
    assert store.inner.red.keys("*") == []  # released after the turn


def test_one_conversation_still_waits_for_its_own_lock() -> None:
    store = EnvLockStore()
    order: list[str] = []

    async def turn(name: str, hold: float) -> None:
        async with store.lock(PHONE_CONVERSATION, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def two_turns() -> None:
        await asyncio.gather(turn("first", 0.2), turn("second", 0))

    asyncio.run(two_turns())
    assert order == ["first in", "first out", "second in", "second out"]
