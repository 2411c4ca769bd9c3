"""The index and the report's tables against a seeded store, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from actions.content import load_content
from insights import report, store
from insights.index import Gap, InsightsIndex, Snapshot, Vote, ref_key
from insights.report import Filters
from insights.synthetic import feedback_event
from tests.insights.seed import (
    EXPECTED,
    EXPECTED_DAILY,
    EXPECTED_GAPS,
    EXPECTED_TOPICS,
    EXPECTED_TWILIO,
    conversation,
    noon,
)

RETENTION = 30 * 86_400.0


def index_of(url: str) -> InsightsIndex:
    return InsightsIndex(store.connect(url), load_content(), RETENTION, ref_key("t" * 20))


def summary(snapshot: Snapshot, channel: str | None = None, retention: float = RETENTION) -> dict:
    filters = Filters.parse({"channel": channel or ""}, time.time(), retention)
    table = report.overview(snapshot, filters, load_content())["summary"]
    return dict(table.rows)


def test_events_table_is_rasas() -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    rasa_table = SQLTrackerStore.SQLEvent.__table__
    ours = {c.name: (type(c.type), c.nullable) for c in store.EVENTS.columns}
    assert ours == {c.name: (type(c.type), c.nullable) for c in rasa_table.columns}


def test_overview_numbers(seeded_url: str) -> None:
    snapshot = index_of(seeded_url).refresh(time.time())
    assert summary(snapshot) == EXPECTED
    assert summary(snapshot, "twilio") == EXPECTED_TWILIO


def test_daily_topics_red_flags_and_feedback(seeded_url: str) -> None:
    content = load_content()
    snapshot = index_of(seeded_url).refresh(time.time())
    filters = Filters.parse({}, time.time(), RETENTION)
    tables = report.overview(snapshot, filters, content)
    daily = {row[0]: row[1:] for row in tables["daily"].rows}
    for days_ago, counts in EXPECTED_DAILY.items():
        assert daily[(date.today() - timedelta(days=days_ago)).isoformat()] == counts
    assert sum(row[1] for row in tables["daily"].rows) == 6
    topics = {row[0]: row[1] for row in tables["topics"].rows}
    for topic_id, count in EXPECTED_TOPICS.items():
        assert topics[content.topics[topic_id].title] == count
    assert set(topics) == {t.title for t in content.topics.values()}  # unanswered ones too
    assert tables["red_flag_categories"].rows == (
        ("chest_pain", 1, 0),
        ("suicide_self_harm", 0, 1),
    )
    feedback = {row[0]: row[1:] for row in tables["feedback"].rows}
    title = content.topics
    assert feedback[title["what_is_spine_mri"].title] == (1, 1, 0, 100.0, 0, 0, 0, 0)
    assert feedback[title["why_cervical_mri"].title] == (1, 0, 1, 0.0, 1, 0, 0, 0)
    assert feedback[title["music_mri"].title] == (1, 0, 1, 0.0, 0, 1, 0, 0)


def test_gaps_are_the_unanswered_messages(seeded_url: str) -> None:
    snapshot = index_of(seeded_url).refresh(time.time())
    selection = report.Selection(snapshot, Filters.parse({}, time.time(), RETENTION))
    assert {gap.text: gap.reason for gap in selection.gaps()} == EXPECTED_GAPS


def test_a_period_and_retention(seeded_url: str) -> None:
    snapshot = index_of(seeded_url).refresh(time.time())
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    filters = Filters.parse({"from": yesterday, "to": yesterday}, time.time(), RETENTION)
    rows = dict(report.overview(snapshot, filters, load_content())["summary"].rows)
    assert (rows["Conversations"], rows["Patient messages"], rows["Emergency replies"]) == (2, 4, 1)
    # A period reaching before the retention limit is cut at it.
    old = (date.today() - timedelta(days=45)).isoformat()
    filters = Filters.parse({"from": old}, time.time(), RETENTION)
    assert filters.start == filters.earliest
    assert summary(snapshot) == EXPECTED


def assert_item_columns_match(snapshot: Snapshot) -> None:
    """The vote and gap arrays the index keeps alongside are those of the objects."""
    both = ((snapshot.votes, snapshot.vote_columns), (snapshot.gaps, snapshot.gap_columns))
    for items, columns in both:
        for name in ("day", "timestamp", "channel", "conversation"):
            assert getattr(columns, name).tolist() == [getattr(item, name) for item in items]
    assert snapshot.vote_columns.helpful.tolist() == [vote.helpful for vote in snapshot.votes]


def test_new_messages_erasure_and_expiry_are_followed(seeded_url: str) -> None:
    index = index_of(seeded_url)
    assert_item_columns_match(index.refresh(time.time()))
    engine = store.connect(seeded_url)
    new = conversation("sender-h", 0, "rest", [("hi", "greet", "greet", None, None)])
    with engine.begin() as connection:
        store.insert_events(connection, new)
    assert summary(index.refresh(time.time()))["Conversations"] == 7
    # A later vote on an answer replaces the earlier one, in its place.
    again = feedback_event("sender-a", noon(0, 100), "what_is_spine_mri", "down", "not_answered")
    with engine.begin() as connection:
        store.insert_events(connection, [again])
    snapshot = index.refresh(time.time())
    assert summary(snapshot)["Conversations"] == 7
    assert summary(snapshot)["Voted helpful (%)"] == 0.0
    assert "what is a spine MRI" in [gap.text for gap in snapshot.gaps]
    assert_item_columns_match(snapshot)
    # The patient of conversation B asked to be forgotten (stores/tracker_store.py erase).
    with engine.begin() as connection:
        connection.execute(sa.delete(store.EVENTS).where(store.EVENTS.c.sender_id == "sender-b"))
    snapshot = index.refresh(time.time())
    after = summary(snapshot)
    assert (after["Conversations"], after["Votes on answers"]) == (6, 2)
    assert after["Fallback rate (%)"] == 0.0
    selection = report.Selection(snapshot, Filters.parse({}, time.time(), RETENTION))
    assert [gap.text for gap in selection.gaps()] == [
        "what is a spine MRI",
        "can I listen to music in the scanner",
    ]
    assert_item_columns_match(snapshot)


def test_nothing_older_than_retention_is_counted(seeded_url: str) -> None:
    now = time.time()
    retention = now - (noon(1) + 6 * 3600)  # the limit falls after yesterday's conversations
    index = InsightsIndex(store.connect(seeded_url), load_content(), retention, ref_key("t" * 20))
    assert summary(index.refresh(now), retention=retention)["Conversations"] == 4
    # An hour on, the expired messages are also dropped from memory.
    later = index.refresh(now + 3601)
    assert later.timestamp.min() >= now + 3601 - retention


def test_index_creation_is_idempotent(store_url: str) -> None:
    engine = store.connect(store_url)
    store.METADATA.drop_all(engine)
    store.METADATA.create_all(engine)
    store.ensure_message_index(engine)
    store.ensure_message_index(engine)
    names = {index["name"] for index in sa.inspect(engine).get_indexes("events")}
    assert store.MESSAGE_INDEX.name in names


def test_no_table_yet_is_an_empty_page(tmp_path: pytest.TempPathFactory) -> None:
    snapshot = index_of(f"sqlite:///{tmp_path}/none.db").refresh(time.time())
    assert summary(snapshot)["Conversations"] == 0


def test_transcript_is_the_stored_conversation(seeded_url: str) -> None:
    rows = store.conversation_rows(store.connect(seeded_url), "sender-b", 0)
    table = report.transcript(rows, load_content())
    texts = [row[2] for row in table.rows]
    assert texts[0] == "where do I park my car"
    assert table.rows[1][3] == "reply: out_of_scope"
    assert any("vote: not helpful" in row[3] and "(unclear)" in row[3] for row in table.rows)


def test_votes_and_gaps_are_selected_by_period_and_channel(seeded_url: str) -> None:
    """The selection's arrays pick what the rule says, item by item."""
    now = time.time()
    snapshot = index_of(seeded_url).refresh(now)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    queries = [{}, {"channel": "twilio"}, {"channel": "rest"}, {"channel": "none-such"}]
    queries += [{"from": yesterday, "to": yesterday}, {"to": yesterday, "channel": "socketio"}]
    for query in queries:
        filters = Filters.parse(query, now, RETENTION)
        selection = report.Selection(snapshot, filters)

        def admitted(item: Vote | Gap, filters: Filters = filters) -> bool:
            channel = snapshot.channels[item.channel] if item.channel >= 0 else None
            return (
                filters.start.toordinal() <= item.day <= filters.end.toordinal()
                and item.timestamp >= filters.since
                and filters.channel in (None, channel)
            )

        assert selection.votes() == [vote for vote in snapshot.votes if admitted(vote)], query
        assert selection.gaps() == [gap for gap in snapshot.gaps if admitted(gap)], query
    assert len(report.Selection(snapshot, Filters.parse({}, now, RETENTION)).votes()) == 3
