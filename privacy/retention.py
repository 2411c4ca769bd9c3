"""Retention: conversation events older than RETENTION_DAYS are deleted.

Runs when the Rasa server starts, then daily in a background thread, and on
demand with `make purge`. Every event is deleted once it is older than the
limit, so a conversation that ended RETENTION_DAYS ago is gone completely.
"""

from __future__ import annotations

import logging
import threading
import time

from rasa.core.tracker_store import SQLTrackerStore

from privacy.settings import retention_days

logger = logging.getLogger(__name__)
SECONDS_PER_DAY = 86_400.0


def purge_expired(
    store: SQLTrackerStore, days: float | None = None, now: float | None = None
) -> int:
    """Delete the events older than the retention period; return how many were deleted."""
    days = retention_days() if days is None else days
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    with store.session_scope() as session:
        deleted: int = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.timestamp < cutoff)
            .delete(synchronize_session=False)
        )
        session.commit()
    logger.info("Retention: deleted %d conversation events older than %s days.", deleted, days)
    return deleted


def start_daily_purge(
    store: SQLTrackerStore, interval_seconds: float = SECONDS_PER_DAY
) -> threading.Thread:
    """Purge every interval in a daemon thread (it ends with the server process)."""

    def run() -> None:
        while True:
            time.sleep(interval_seconds)
            try:
                purge_expired(store)
            except Exception:  # a failing purge must not stop the next one
                logger.exception("Retention purge failed; retrying at the next interval.")

    thread = threading.Thread(target=run, name="retention-purge", daemon=True)
    thread.start()
    return thread
