"""The tracker store the Rasa server uses (endpoints.yml): the fast SQL store
(stores/sql.py) with the privacy controls of privacy/ plugged in.

Every event is redacted before it is written (or published to an event
broker): user text, parse data, entities and slot values; metadata and message
ids are dropped (privacy.events). The assistant still answers from the
unredacted message, because only the copy that is stored is changed. A
conversation is filed under a keyed hash of its id (channel and sender,
stores/keys.py), never the phone number or account id itself. The store also
erases a conversation when the patient asks for it (the ``action_forget_me``
action ran in the turn) and purges old conversations (privacy.retention).

The database is TRACKER_STORE_URL (any SQLAlchemy URL, e.g. PostgreSQL) or,
by default, the SQLite file TRACKER_DB.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.events import erasure_requested, redact_event, redacted_dict
from privacy.log_redaction import install_log_redaction
from privacy.retention import purge_expired, start_daily_purge
from privacy.settings import sender_id_secret, tracker_store_url
from stores.keys import stored_sender_id
from stores.sql import FastSQLTrackerStore

logger = logging.getLogger(__name__)


class RedactingTrackerStore(FastSQLTrackerStore):
    """SQL tracker store that never stores personal data and honours erasure and retention."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        schedule_purge: bool = True,
        **kwargs: Any,
    ) -> None:
        install_log_redaction()
        # Read (or created) at start-up: a missing or bad secret stops the server here.
        self.secret = sender_id_secret()
        url = tracker_store_url() if host is None or "://" not in host else host
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if schedule_purge:
            purge_expired(self)
            start_daily_purge(self)

    def event_data(self, event: Event) -> dict[str, Any]:
        """Only the redacted copy of the event is stored."""
        return redacted_dict(event)

    def stored_key(self, sender_id: str) -> str:
        """A keyed hash of the conversation id: no phone number or account id at rest."""
        return stored_sender_id(sender_id, self.secret)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn redacted, or erase the conversation if the patient asked."""
        if erasure_requested(tracker):
            await asyncio.to_thread(self.erase, tracker.sender_id)
            return
        await super().save(tracker)

    def erase(self, sender_id: str) -> int:
        """Delete every event of a conversation (all sessions); return how many."""
        with self.database.lock, self.session_scope() as session:
            deleted: int = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == self.stored_key(sender_id))
                .delete(synchronize_session=False)
            )
            session.commit()
        logger.info("Erased a conversation on the patient's request (%d events).", deleted)
        return deleted

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """Publish the redacted events under the stored key, as they are stored."""
        redacted = await asyncio.to_thread(lambda: [redact_event(event) for event in new_events])
        await super()._stream_new_events(event_broker, redacted, self.stored_key(sender_id))
