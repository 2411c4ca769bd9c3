"""Rasa's SQL tracker store, rewritten for speed; what it stores is unchanged.

Rasa's ``SQLTrackerStore`` builds its queries with the ORM for every message, saves
through the ORM's unit of work, opens a new SQLite connection for every use and
re-reads the conversation to find which events are new. This store builds its queries
once in SQLAlchemy Core, pools connections, checks a database server's pooled
connections are alive and remembers how many events of a conversation are stored.
docs/performance.md and reports/bench-profile.md have the measurements. The rows and
the schema are Rasa's own, so Rasa's store can read them.

A save runs in a worker thread, off the server's event loop: what is stored of an
event (:meth:`FastSQLTrackerStore.event_data`, redacted in the project's store) and
the database's own time must not hold up every other patient's turn meanwhile.

The store talks to its database from one thread at a time (:class:`SerialDatabase`).
Several worker threads writing to one SQLite file at once, and the event loop reading
it meanwhile, only made them wait for each other's locks: SQLite's busy handler sleeps
1 ms or more per try, and a reader on the event loop held up every patient's turn for
that long. So the turns that are ready are written together, in one transaction, by
whichever worker gets the database first (the others' rows go with it), and a turn's
conversation is read on the event loop while no write is going on (a read takes a
fraction of a millisecond), otherwise in a worker thread once the write is done.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# Set on a tracker by this store: how many of its events are already in the database.
STORED_EVENTS = "_stored_event_count"
Result = TypeVar("Result")


def _sqlite_settings(dbapi_connection: Any, _: Any) -> None:
    """Overwrite deleted rows (SQLite keeps them in free pages otherwise), and empty the
    rollback journal after each commit instead of deleting the file: less time per
    retrieve and save, with the same durability (not WAL, which would keep erased rows
    in its log)."""
    dbapi_connection.execute("PRAGMA secure_delete = ON")
    dbapi_connection.execute("PRAGMA journal_mode = TRUNCATE")


def _engine_options(url: sa.engine.URL) -> dict[str, Any]:
    """Rasa's engine options, and for an SQLite file a pool of open connections.

    SQLAlchemy 1.4 opens (and sets up) a new SQLite connection for every use of a file
    database. A pooled connection is used by one thread at a time, so SQLite's
    same-thread check can be lifted.
    """
    options = create_engine_kwargs(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        connect_args = {**options.get("connect_args", {}), "check_same_thread": False}
        options = {**options, "poolclass": sa.pool.QueuePool, "connect_args": connect_args}
    return options


def _resilient_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """Rasa's engine plus a liveness check of pooled connections (pool_pre_ping).

    Without it, after a database restart the first query on each stale pooled
    connection fails and Rasa silently goes on with an empty conversation.
    """
    options = _engine_options(url)
    # A file database does not go away under its pool like a server's connections do.
    pre_ping = url.get_backend_name() != "sqlite"
    engine = sa.create_engine(url, pool_pre_ping=pre_ping, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_settings)
    return engine


@dataclass(eq=False)
class _Write:
    """The rows of one save, and what became of them."""

    rows: list[dict[str, Any]]
    done: bool = False
    error: BaseException | None = None


@dataclass(eq=False)
class SerialDatabase:
    """One thread at a time talks to the store's database; writes ready together go in
    one transaction (group commit).

    ``lock`` is held by whoever uses the database: a worker thread writing, a reader, an
    erasure. A writer queues its rows, then takes the lock; the first to get it writes
    every queued row in one transaction, so the others find theirs written (or the
    error that stopped it) when they get the lock in turn. Rows keep the order in which
    they were queued, and a save still returns only once its rows are committed.
    """

    engine: sa.engine.Engine
    table: sa.Table
    lock: threading.Lock = field(default_factory=threading.Lock)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock)
    _queued: list[_Write] = field(default_factory=list)

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Store the rows (in the calling worker thread), committed when this returns."""
        if not rows:
            return
        write = _Write(rows)
        with self._queue_lock:
            self._queued.append(write)
        with self.lock:
            if not write.done:
                self._write_queued()
        if write.error is not None:
            raise write.error

    def _write_queued(self) -> None:
        """Write every queued save in one transaction (the caller holds the lock)."""
        with self._queue_lock:
            batch, self._queued = self._queued, []
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert(), [row for w in batch for row in w.rows])
        except BaseException as error:
            for write in batch:
                write.error = error
        finally:
            for write in batch:
                write.done = True

    def run(self, function: Callable[[], Result]) -> Result:
        """function() while no one else uses the database (in the calling thread)."""
        with self.lock:
            return function()

    async def run_soon(self, function: Callable[[], Result]) -> Result:
        """function() on the event loop when the database is free (it is quick), else in a
        worker thread once it is: the event loop never waits for a lock."""
        if self.lock.acquire(blocking=False):
            try:
                return function()
            finally:
                self.lock.release()
        return await asyncio.to_thread(self.run, function)


class FastSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with queries built once, pooled connections and incremental saves.

    Subclasses choose what of an event is stored by overriding :meth:`event_data`, and
    the key a conversation is filed under by overriding :meth:`stored_key`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine.dispose()
        self.engine = _resilient_engine(self.engine.url)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._latest_session, self._all_sessions = self._event_queries()
        self.database = SerialDatabase(self.engine, self.SQLEvent.__table__)

    def event_data(self, event: Event) -> dict[str, Any]:
        """The dictionary stored for the event (Rasa's: all of it)."""
        return event.as_dict()

    def stored_key(self, sender_id: str) -> str:
        """The ``sender_id`` column of a conversation's rows (Rasa's: the sender id)."""
        return sender_id

    def event_row(self, key: str, event: Event) -> dict[str, Any]:
        """The event as a row of Rasa's ``events`` table (same columns as Rasa's)."""
        data = self.event_data(event)
        return {
            "sender_id": key,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _event_queries(self) -> tuple[sa.sql.Select, sa.sql.Select]:
        """Rasa's queries for a conversation's events (latest session, all sessions), built
        once in SQLAlchemy Core: building them with the ORM for every message, and the ORM's
        unit of work for every save, were about half of the store's time."""
        table = self.SQLEvent.__table__
        of_sender = table.c.sender_id == sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(of_sender, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        all_sessions = sa.select(table.c.data).where(of_sender).order_by(table.c.id)
        latest_session = all_sessions.where(
            sa.or_(table.c.timestamp >= session_start, session_start.is_(None))
        )
        return latest_session, all_sessions

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """The conversation (its latest session, or all), as Rasa's store returns it."""
        query = self._all_sessions if fetch_events_from_all_sessions else self._latest_session
        key = self.stored_key(sender_id)
        rows = await self.database.run_soon(lambda: self._fetch(query, key))
        if not rows:
            return None
        events = [json.loads(row) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _fetch(self, query: sa.sql.Select, key: str) -> Sequence[str]:
        """The stored events (JSON) the query selects for the conversation's key."""
        with self.engine.connect() as connection:
            rows: Sequence[str] = connection.execute(query, {"sender_id": key}).scalars().all()
        return rows

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publish the turn's new events and store them, in one transaction.

        Rasa's conversation lock keeps the tracker unchanged until the save returns.
        """
        await self.stream_events(tracker)
        await asyncio.to_thread(self._store_new_events, tracker)

    def _store_new_events(self, tracker: DialogueStateTracker) -> None:
        """Store the events the database does not hold yet (in a worker thread)."""
        key = self.stored_key(tracker.sender_id)
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None and tracker.events:
            stored = self.database.run(lambda: self._stored_count(key))
        new_events = itertools.islice(tracker.events, stored or 0, None)
        self.database.write([self.event_row(key, event) for event in new_events])
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _stored_count(self, key: str) -> int:
        """How many events of the conversation's latest session the database holds."""
        count = sa.select(sa.func.count()).select_from(self._latest_session.subquery())
        with self.engine.connect() as connection:
            stored: int = connection.execute(count, {"sender_id": key}).scalar_one()
        return stored
