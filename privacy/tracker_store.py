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
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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


def redact_event(event: Event) -> Event:
    """A copy of the event whose patient-provided fields are redacted."""
    data = event.as_dict()
    for field in PATIENT_FIELDS:
        if field in data:
            data[field] = redact_value(data[field])
    return Event.from_parameters(data)


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the forget-me action ran since the patient's latest message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ME_ACTION:
            return True
    return False


def _secure_delete(dbapi_connection: Any, _: Any) -> None:
    """SQLite keeps deleted rows in free pages unless told to overwrite them."""
    dbapi_connection.execute("PRAGMA secure_delete = ON")


def _resilient_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """Rasa's engine plus a liveness check of pooled connections (pool_pre_ping).

    Without it, after a database restart the first query on each stale pooled
    connection fails and Rasa silently goes on with an empty conversation.
    """
    engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _secure_delete)
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
        if schedule_purge:
            purge_expired(self)
            start_daily_purge(self)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn redacted, or erase the conversation if the patient asked."""
        if erasure_requested(tracker):
            self.erase(tracker.sender_id)
            return
        await super().save(tracker)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

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

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events not yet stored, redacted.

        A tracker this store loaded or saved knows how many of its events are stored,
        which spares Rasa's count query on every save (the lock store keeps other
        instances from writing to the conversation in between).
        """
        stored = getattr(tracker, STORED_EVENTS, None)
        new_events = (
            super()._additional_events(session, tracker)
            if stored is None
            else itertools.islice(tracker.events, stored, None)
        )
        return (redact_event(event) for event in new_events)

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        redacted = [redact_event(event) for event in new_events]
        await super()._stream_new_events(event_broker, redacted, sender_id)
