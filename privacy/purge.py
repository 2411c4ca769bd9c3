"""`make purge`: delete conversations older than RETENTION_DAYS from the tracker store now."""

from __future__ import annotations

import sys

from privacy.retention import purge_expired
from privacy.settings import retention_days
from stores.tracker_store import RedactingTrackerStore


def main() -> int:
    store = RedactingTrackerStore(schedule_purge=False)
    deleted = purge_expired(store)
    url = store.engine.url.render_as_string(hide_password=True)
    print(f"Deleted {deleted} events older than {retention_days():g} days from {url}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
