"""The conversation lock store, chosen from the environment.

Rasa's ticket lock makes the messages of one conversation wait for each other.
With several Rasa instances (or several Sanic workers) the lock must live in
Redis, otherwise two instances can process two messages of one conversation at
the same time and interleave their events. One small instance with one worker
can keep the locks in memory. Rasa's YAML cannot express "Redis if REDIS_URL is
set", so endpoints.yml names this class and the choice is made here.

A conversation id is "<channel>:<sender>", and senders are phone numbers or account
ids: the lock is kept under the same keyed hash the tracker store files the
conversation under (stores/keys.py), so Redis never holds a phone number either.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.keys import stored_sender_id
from stores.workers import LockStoreConfigurationError, check_lock_configuration

logger = logging.getLogger(__name__)


def redis_lock_store(url: str) -> RedisLockStore:
    """A RedisLockStore from a redis:// or rediss:// URL (the path is the db number)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise LockStoreConfigurationError(f"REDIS_URL must look like redis://host:port/db: {url!r}")
    return RedisLockStore(
        host=parts.hostname,
        port=parts.port or 6379,
        db=int(parts.path.strip("/") or 1),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
    )


def lock_store_from_env(env: dict[str, str]) -> LockStore:
    """Redis when REDIS_URL is set, else in memory (only safe for one worker)."""
    check_lock_configuration(env)
    if env.get("REDIS_URL"):
        return redis_lock_store(env["REDIS_URL"])
    return InMemoryLockStore()


class EnvLockStore(LockStore):
    """Delegates to the lock store the environment selects (see module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        self.inner = lock_store_from_env(dict(os.environ))
        logger.info("Conversation locks are kept in %s.", type(self.inner).__name__)
        super().__init__()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock, filed under the conversation's keyed hash."""
        stored = stored_sender_id(conversation_id)
        async with super().lock(stored, lock_lifetime, wait_time_in_seconds) as ticket:
            yield ticket

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self.inner.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.inner.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.inner.save_lock(lock)
