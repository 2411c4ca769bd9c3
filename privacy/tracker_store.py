"""The tracker store the Rasa server uses (endpoints.yml): Rasa's SQL store, redacted.

Every event is redacted before it is written (or published to an event
broker): user text, parse data, entities, metadata and slot values. The
assistant still answers from the unredacted message, because only the copy
that is stored is changed. The store also erases a conversation when the
patient asks for it (the ``action_forget_me`` action ran in the turn) and
purges old conversations (privacy.retention).

The database is TRACKER_STORE_URL (any SQLAlchemy URL, e.g. PostgreSQL) or,
by default, the SQLite file TRACKER_DB.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from privacy import FORGET_ME_ACTION
from privacy.log_redaction import install_log_redaction
from privacy.redaction import redact_value
from privacy.retention import purge_expired, start_daily_purge
from privacy.settings import tracker_store_url

logger = logging.getLogger(__name__)

# Fields of an event's dictionary that can carry what the patient typed.
PATIENT_FIELDS = ("text", "parse_data", "metadata", "value", "entities")

# Set on a tracker by this store: how many of its events are already in the database.
STORED_EVENTS = "_stored_event_count"


def redacted_dict(event: Event) -> dict[str, Any]:
    """The event's dictionary with its patient-provided fields redacted."""
    data = event.as_dict()
    for field in PATIENT_FIELDS:
        if field in data:
            data[field] = redact_value(data[field])
    return data


def redact_event(event: Event) -> Event:
    """A copy of the event whose patient-provided fields are redacted."""
    return Event.from_parameters(redacted_dict(event))


def event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """The event as a row of Rasa's ``events`` table, redacted (same columns as Rasa's)."""
    data = redacted_dict(event)
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the forget-me action ran since the patient's latest message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ME_ACTION:
            return True
    return False


def _sqlite_settings(dbapi_connection: Any, _: Any) -> None:
    """Overwrite deleted rows (SQLite keeps them in free pages otherwise), and empty the
    rollback journal after each commit instead of deleting the file: about a fifth less
    time per retrieve and save, with the same durability (not WAL, which would keep
    erased rows in its log)."""
    dbapi_connection.execute("PRAGMA secure_delete = ON")
    dbapi_connection.execute("PRAGMA journal_mode = TRUNCATE")


def _engine_options(url: sa.engine.URL) -> dict[str, Any]:
    """Rasa's engine options, and for an SQLite file a pool of open connections.

    SQLAlchemy 1.4 opens (and sets up) a new SQLite connection for every use of a file
    database; two per message were about 4 % of the server's CPU. A pooled connection is
    used by one thread at a time, so SQLite's same-thread check can be lifted.
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
    engine = sa.create_engine(url, pool_pre_ping=True, **_engine_options(url))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_settings)
    return engine


class RedactingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that never stores personal data and honours erasure and retention."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        schedule_purge: bool = True,
        **kwargs: Any,
    ) -> None:
        install_log_redaction()
        url = tracker_store_url() if host is None or "://" not in host else host
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        self.engine.dispose()
        self.engine = _resilient_engine(self.engine.url)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._latest_session, self._all_sessions = self._event_queries()
        if schedule_purge:
            purge_expired(self)
            start_daily_purge(self)

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
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"sender_id": sender_id}).scalars().all()
        if not rows:
            return None
        events = [json.loads(row) for row in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn redacted, or erase the conversation if the patient asked."""
        if erasure_requested(tracker):
            self.erase(tracker.sender_id)
            return
        await self.stream_events(tracker)
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None and tracker.events:
            stored = self._stored_count(tracker.sender_id)
        new_events = itertools.islice(tracker.events, stored or 0, None)
        rows = [event_row(tracker.sender_id, event) for event in new_events]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _stored_count(self, sender_id: str) -> int:
        """How many events of the conversation's latest session the database holds."""
        count = sa.select(sa.func.count()).select_from(self._latest_session.subquery())
        with self.engine.connect() as connection:
            return connection.execute(count, {"sender_id": sender_id}).scalar_one()

    def erase(self, sender_id: str) -> int:
        """Delete every event of a conversation (all sessions); return how many."""
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("Erased a conversation on the patient's request (%d events).", deleted)
        return deleted

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        redacted = [redact_event(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)
