"""Redaction, retention, purge and forget-me against the real SQLite tracker store."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import FORGET_ME_ACTION
from privacy.retention import SECONDS_PER_DAY, purge_expired
from project import PROJECT_ROOT
from stores.tracker_store import RedactingTrackerStore

PII_TEXT = "I'm Margaret Thornbury, MRN 77120455, call 555-867-5309 about my L4-L5 MRI"
RAW_VALUES = [b"Margaret", b"Thornbury", b"77120455", b"867-5309"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def store(db_path: Path) -> RedactingTrackerStore:
    return RedactingTrackerStore(host=f"sqlite:///{db_path}", schedule_purge=False)


def tracker_with(
    sender: str, *events: object, timestamp: float | None = None
) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=[])
    for event in events:
        if timestamp is not None:
            event.timestamp = timestamp  # type: ignore[attr-defined]
        tracker.update(event)  # type: ignore[arg-type]
    return tracker


def user_turn(text: str) -> UserUttered:
    entities = [{"entity": "name", "value": "Margaret Thornbury", "start": 4, "end": 22}]
    return UserUttered(
        text,
        intent={"name": "greet", "confidence": 0.9},
        entities=entities,
        parse_data={"text": text, "intent": {"name": "greet"}, "entities": entities},
        metadata={"note": text},
    )


def stored_senders(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id").fetchall()
    return dict(rows)


def test_text_entities_metadata_and_slots_are_stored_redacted(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    tracker = tracker_with("p1", user_turn(PII_TEXT), SlotSet("note", "jane.doe@example.org"))
    asyncio.run(store.save(tracker))
    raw = db_path.read_bytes()
    for value in [*RAW_VALUES, b"jane.doe@example.org"]:
        assert value not in raw
    assert b"[NAME]" in raw and b"[MRN]" in raw and b"[PHONE]" in raw and b"[EMAIL]" in raw
    assert b"L4-L5 MRI" in raw
    # The live tracker the assistant answers from is untouched.
    assert tracker.latest_message.text == PII_TEXT


def test_turns_of_a_loaded_conversation_are_stored_once_without_a_count_query(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    asyncio.run(store.save(tracker_with("p1", ActionExecuted("action_listen"))))
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for turn in range(3):
        tracker = asyncio.run(store.retrieve("p1"))
        assert tracker is not None and len(tracker.events) == 1 + 2 * turn
        tracker.update(user_turn(f"turn {turn}"))
        tracker.update(ActionExecuted("action_listen"))
        asyncio.run(store.save(tracker))
        asyncio.run(store.save(tracker))  # saving again adds nothing
    assert stored_senders(db_path) == {"p1": 7}
    assert not [statement for statement in statements if "count(" in statement.lower()]
    reloaded = asyncio.run(store.retrieve("p1"))
    assert reloaded is not None
    assert [event.text for event in reloaded.events if isinstance(event, UserUttered)] == [
        "turn 0",
        "turn 1",
        "turn 2",
    ]


def test_an_sqlite_file_is_opened_once_not_per_turn(store: RedactingTrackerStore) -> None:
    connections: list[object] = []
    sa.event.listen(store.engine, "connect", lambda connection, _: connections.append(connection))
    asyncio.run(store.save(tracker_with("p1", ActionExecuted("action_listen"))))
    for turn in range(5):
        tracker = asyncio.run(store.retrieve("p1"))
        assert tracker is not None
        tracker.update(user_turn(f"turn {turn}"))
        asyncio.run(store.save(tracker))
    assert len(connections) == 1
    with store.engine.connect() as connection:  # and it keeps the privacy settings
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "truncate"


def test_a_tracker_the_store_did_not_load_is_stored_after_what_is_already_there(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    asyncio.run(store.save(tracker_with("p1", ActionExecuted("action_listen"))))
    # e.g. a tracker rebuilt by Rasa: the store asks the database what is stored.
    rebuilt = tracker_with("p1", ActionExecuted("action_listen"), user_turn("hello"))
    asyncio.run(store.save(rebuilt))
    assert stored_senders(db_path) == {"p1": 2}


def test_forget_me_erases_every_session_of_the_conversation(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    asyncio.run(store.save(tracker_with("p1", user_turn("hello"))))
    asyncio.run(store.save(tracker_with("p2", user_turn("hello"))))
    tracker = asyncio.run(store.retrieve_full_tracker("p1"))
    assert tracker is not None
    tracker.update(user_turn("forget me"))
    tracker.update(ActionExecuted(FORGET_ME_ACTION))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert stored_senders(db_path) == {"p2": 1}
    assert b"p1" not in db_path.read_bytes()  # secure_delete overwrote the freed pages


def test_a_later_turn_does_not_count_as_a_forget_me_request(store: RedactingTrackerStore) -> None:
    tracker = tracker_with("p1", ActionExecuted(FORGET_ME_ACTION), user_turn("hello again"))
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("p1")) is not None


def test_retention_deletes_events_older_than_the_limit_only(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    now = time.time()
    asyncio.run(
        store.save(tracker_with("old", user_turn("hi"), timestamp=now - 31 * SECONDS_PER_DAY))
    )
    asyncio.run(
        store.save(tracker_with("recent", user_turn("hi"), timestamp=now - 29 * SECONDS_PER_DAY))
    )
    assert purge_expired(store, days=30, now=now) == 1
    assert stored_senders(db_path) == {"recent": 1}


def test_retention_runs_when_the_store_starts(db_path: Path) -> None:
    first = RedactingTrackerStore(host=f"sqlite:///{db_path}", schedule_purge=False)
    old = time.time() - 40 * SECONDS_PER_DAY
    asyncio.run(first.save(tracker_with("old", user_turn("hi"), timestamp=old)))
    RedactingTrackerStore(host=f"sqlite:///{db_path}")  # what the Rasa server does at start-up
    assert stored_senders(db_path) == {}


def test_make_purge_command_deletes_expired_conversations(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    old = time.time() - 3 * SECONDS_PER_DAY
    asyncio.run(store.save(tracker_with("old", user_turn("hi"), timestamp=old)))
    asyncio.run(store.save(tracker_with("new", user_turn("hi"))))
    env = {**os.environ, "TRACKER_DB": str(db_path), "RETENTION_DAYS": "2"}
    env.pop("TRACKER_STORE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "privacy.purge"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Deleted 1 events older than 2 days" in result.stdout
    assert stored_senders(db_path) == {"new": 1}


def test_tracker_store_url_takes_precedence_over_tracker_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "ignored.db"))
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'chosen.db'}")
    store = RedactingTrackerStore(schedule_purge=False)
    assert store.engine.url.database == str(tmp_path / "chosen.db")
    monkeypatch.delenv("TRACKER_STORE_URL")
    assert RedactingTrackerStore(schedule_purge=False).engine.url.database == str(
        tmp_path / "ignored.db"
    )
