"""Redaction, keyed sender ids, retention, purge and forget-me against the real SQLite
tracker store."""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import FORGET_ME_ACTION
from privacy.retention import SECONDS_PER_DAY, purge_expired
from project import PROJECT_ROOT
from stores.keys import stored_sender_id
from stores.tracker_store import RedactingTrackerStore

PII_TEXT = "I'm Margaret Thornbury, MRN 77120455, call 555-867-5309 about my L4-L5 MRI"
RAW_VALUES = [b"Margaret", b"Thornbury", b"77120455", b"867-5309"]
SECRET = "test-secret-" + "0123456789abcdef" * 4


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SENDER_ID_SECRET", SECRET)
    return SECRET


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def store(db_path: Path) -> RedactingTrackerStore:
    return RedactingTrackerStore(host=f"sqlite:///{db_path}", schedule_purge=False)


def key(sender: str) -> str:
    """The stored sender id of a conversation (what the database holds instead)."""
    return stored_sender_id(sender, SECRET.encode())


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


def test_sender_ids_are_stored_only_as_keyed_hashes(
    store: RedactingTrackerStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = "twilio:whatsapp:+15550100123"
    asyncio.run(store.save(tracker_with(conversation, user_turn("hello"))))
    raw = db_path.read_bytes()
    assert b"5550100123" not in raw and b"whatsapp" not in raw
    assert stored_senders(db_path) == {key(conversation): 1}
    assert len(key(conversation)) == 64 and key(conversation) != key("rest:whatsapp:+15550100123")
    # The conversation is found (and erased) by the id the channel knows.
    tracker = asyncio.run(store.retrieve(conversation))
    assert tracker is not None and tracker.sender_id == conversation
    # Without the secret, the rows cannot be matched to the number.
    monkeypatch.setenv("SENDER_ID_SECRET", "another-secret-" + "f" * 32)
    other = RedactingTrackerStore(host=f"sqlite:///{db_path}", schedule_purge=False)
    assert asyncio.run(other.retrieve(conversation)) is None
    assert store.erase(conversation) == 1


def test_metadata_message_ids_and_keys_from_the_patient_are_not_stored(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    client_metadata = {"jane.doe@example.org": "Thornbury", "note": {"phone": "5558675309"}}
    entity = {"entity": "region", "value": {"jane.doe@example.org": "call 555-867-5309"}}
    turn = UserUttered(
        "hello",
        intent={"name": "greet", "confidence": 0.9},
        entities=[entity],
        parse_data={
            "text": "hello",
            "intent": {"name": "greet"},
            "entities": [entity],
            "message_id": "msg-77120455",
            "metadata": client_metadata,
        },
        message_id="msg-77120455",
        metadata={**client_metadata, "model_id": "model-1", "assistant_id": "assistant-1"},
    )
    session_slot = SlotSet(SESSION_START_METADATA_SLOT, client_metadata)
    # The assistant's own metadata (which reply, which topic) is kept: feedback reads it.
    answer = BotUttered("An MRI …", metadata={"reply": "answer", "topic": "what_is_spine_mri"})
    asyncio.run(store.save(tracker_with("p1", turn, session_slot, answer)))
    raw = db_path.read_bytes()
    for value in [b"jane.doe", b"Thornbury", b"867-5309", b"5558675309", b"77120455"]:
        assert value not in raw, value
    (user, slot, bot) = asyncio.run(store.retrieve("p1")).events  # type: ignore[union-attr]
    assert isinstance(user, UserUttered) and isinstance(slot, SlotSet)
    assert user.metadata == {"model_id": "model-1", "assistant_id": "assistant-1"}
    assert user.entities == [{"entity": "region", "value": {"[EMAIL]": "call [PHONE]"}}]
    assert slot.value is None
    assert bot.metadata == {"reply": "answer", "topic": "what_is_spine_mri"}


def test_a_slow_save_does_not_hold_up_the_event_loop(
    store: RedactingTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redaction runs in a worker thread: other patients' turns go on meanwhile."""
    workers: set[int] = set()

    def slow_event_data(event: Event) -> dict:
        workers.add(threading.get_ident())
        time.sleep(0.5)  # a slow redaction
        return event.as_dict()

    monkeypatch.setattr(store, "event_data", slow_event_data)

    async def save_while_ticking() -> list[float]:
        ticks: list[float] = []
        saving = asyncio.create_task(store.save(tracker_with("p1", user_turn("hello"))))
        while not saving.done():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)
        await saving
        return ticks

    ticks = asyncio.run(save_while_ticking())
    assert threading.get_ident() not in workers
    assert len(ticks) > 10 and max(b - a for a, b in itertools.pairwise(ticks)) < 0.2


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
    assert stored_senders(db_path) == {key("p1"): 7}
    assert not [statement for statement in statements if "count(" in statement.lower()]
    reloaded = asyncio.run(store.retrieve("p1"))
    assert reloaded is not None
    assert [event.text for event in reloaded.events if isinstance(event, UserUttered)] == [
        "turn 0",
        "turn 1",
        "turn 2",
    ]


def test_turns_ready_together_are_written_in_one_transaction(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    """Saves that wait for the database are written together when it is free (group
    commit), each conversation's events in order, and every save returns only then."""
    transactions: list[object] = []
    sa.event.listen(store.engine, "commit", lambda connection: transactions.append(connection))
    senders = [f"p{number}" for number in range(5)]
    trackers = []
    for sender in senders:  # conversations the store loaded, as Rasa's turns are
        asyncio.run(store.save(tracker_with(sender, ActionExecuted("action_listen"))))
        tracker = asyncio.run(store.retrieve(sender))
        assert tracker is not None
        tracker.update(user_turn(f"hello {sender}"))
        tracker.update(ActionExecuted("action_answer"))
        trackers.append(tracker)
    transactions.clear()

    async def save_all_while_busy() -> None:
        store.database.lock.acquire()  # e.g. another turn being written
        saving = asyncio.gather(*(store.save(tracker) for tracker in trackers))
        await asyncio.sleep(0.3)
        assert not saving.done()  # committed only once the database is free
        store.database.lock.release()
        await saving

    asyncio.run(save_all_while_busy())
    assert len(transactions) == 1
    assert stored_senders(db_path) == {key(sender): 3 for sender in senders}
    for sender in senders:
        tracker = asyncio.run(store.retrieve(sender))
        assert tracker is not None
        assert [event.type_name for event in tracker.events] == ["action", "user", "action"]
        assert tracker.events[1].text == f"hello {sender}"


def test_a_read_waits_for_a_write_off_the_event_loop(store: RedactingTrackerStore) -> None:
    """While another thread writes, a turn's read does not block the event loop (SQLite's
    busy wait did), and it sees what that write committed."""
    asyncio.run(store.save(tracker_with("p1", ActionExecuted("action_listen"))))

    async def read_while_busy() -> tuple[list[float], DialogueStateTracker | None]:
        store.database.lock.acquire()
        loop = asyncio.get_running_loop()
        loop.call_later(0.5, store.database.lock.release)
        reading = asyncio.create_task(store.retrieve("p1"))
        ticks: list[float] = []
        while not reading.done():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)
        return ticks, await reading

    ticks, tracker = asyncio.run(read_while_busy())
    assert tracker is not None and len(tracker.events) == 1
    assert len(ticks) > 10 and max(b - a for a, b in itertools.pairwise(ticks)) < 0.2


def test_a_failed_write_fails_every_save_written_with_it(
    store: RedactingTrackerStore, db_path: Path
) -> None:
    def refuse(connection: object, cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("disk I/O error")

    sa.event.listen(store.engine, "before_cursor_execute", refuse)

    async def save_together() -> list[object]:
        store.database.lock.acquire()
        saving = asyncio.gather(
            *(store.save(tracker_with(s, user_turn("hi"))) for s in ("p1", "p2")),
            return_exceptions=True,
        )
        await asyncio.sleep(0.3)
        store.database.lock.release()
        return await saving

    results = asyncio.run(save_together())
    assert [str(result) for result in results] == ["disk I/O error"] * 2
    sa.event.remove(store.engine, "before_cursor_execute", refuse)
    asyncio.run(store.save(tracker_with("p3", user_turn("hi"))))  # the store goes on
    assert stored_senders(db_path) == {key("p3"): 1}


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
    assert stored_senders(db_path) == {key("p1"): 2}


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
    assert stored_senders(db_path) == {key("p2"): 1}
    # secure_delete overwrote the freed pages
    assert key("p1").encode() not in db_path.read_bytes()


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
    assert stored_senders(db_path) == {key("recent"): 1}


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
    assert stored_senders(db_path) == {key("new"): 1}


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
