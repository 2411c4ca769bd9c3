"""The insights page's reads of Rasa's ``events`` table, in SQLAlchemy Core.

Every query here runs unchanged on SQLite (the default store) and PostgreSQL
(the cluster's): plain columns, no JSON functions, whose spelling differs
between the two. The events' JSON is parsed in Python (insights/index.py).

The reads come in short slices (``CHUNK_ROWS`` events each) so that a reader
never holds SQLite's shared lock for long: the store runs in rollback-journal
mode, where a long read would make the Rasa server's writes wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

# Rasa's events table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), restated
# so that reading it does not import Rasa; tests/insights checks the two agree.
METADATA = sa.MetaData()
EVENTS = sa.Table(
    "events",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
MESSAGE_TYPES = ("user", "bot")
# The page reads messages (not actions, slots or featurisations) by time: with this
# index the count and id checks of every page view read the index alone.
# PostgreSQL builds it CONCURRENTLY, so the Rasa servers' writes never wait for it.
# It is defined on a copy of the table, so that creating the table as Rasa does
# (the demo's and the tests' stores) does not create it.
_INDEXED_EVENTS = EVENTS.to_metadata(sa.MetaData())
MESSAGE_INDEX = sa.Index(
    "ix_events_type_name_timestamp",
    _INDEXED_EVENTS.c.type_name,
    _INDEXED_EVENTS.c.timestamp,
    postgresql_concurrently=True,
)
CHUNK_ROWS = 20_000


def connect(url: str) -> Engine:
    """An engine for the tracker store; pooled connections are checked before use."""
    return sa.create_engine(url, pool_pre_ping=True, future=True)


def has_events(engine: Engine) -> bool:
    """Whether the Rasa server has created its table yet (it does at its first start)."""
    return bool(sa.inspect(engine).has_table(EVENTS.name))


def ensure_message_index(engine: Engine) -> None:
    """Create the (type_name, timestamp) index unless it exists (idempotent).

    Outside a transaction: PostgreSQL refuses CREATE INDEX CONCURRENTLY inside one.
    """
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        names = {index["name"] for index in sa.inspect(connection).get_indexes(EVENTS.name)}
        if MESSAGE_INDEX.name not in names:
            MESSAGE_INDEX.create(connection)


def _messages(since: float) -> sa.sql.ColumnElement:
    return sa.and_(EVENTS.c.type_name.in_(MESSAGE_TYPES), EVENTS.c.timestamp >= since)


def message_rows(engine: Engine, after_id: int, since: float) -> Iterator[Row]:
    """Messages newer than event after_id and not older than since, in event order.

    Read along the primary key, in slices that each are their own short read: a
    scan of the (type_name, timestamp) index would fetch the rows one by one, out
    of order, and sort them. The other events' rows come without their JSON.
    """
    is_message = EVENTS.c.type_name.in_(MESSAGE_TYPES)
    query = (
        sa.select(
            EVENTS.c.id,
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            EVENTS.c.timestamp,
            EVENTS.c.intent_name,
            sa.case((is_message, EVENTS.c.data), else_=sa.null()).label("data"),
        )
        .where(EVENTS.c.id > sa.bindparam("after_id"), EVENTS.c.timestamp >= since)
        .order_by(EVENTS.c.id)
        .limit(CHUNK_ROWS)
    )
    while True:
        with engine.connect() as connection:
            rows = connection.execute(query, {"after_id": after_id}).all()
        yield from (row for row in rows if row.type_name in MESSAGE_TYPES)
        if len(rows) < CHUNK_ROWS:
            return
        after_id = rows[-1].id


def message_count(connection: Connection, up_to_id: int, since: float) -> int:
    """How many messages the store holds up to an event id: fewer than the page has
    read means some were erased (forget-me) or purged."""
    query = sa.select(sa.func.count()).where(_messages(since), EVENTS.c.id <= up_to_id)
    count: int = connection.execute(query).scalar_one()
    return count


def message_ids(connection: Connection, up_to_id: int, since: float) -> list[int]:
    """The ids of the messages still stored up to an event id."""
    query = sa.select(EVENTS.c.id).where(_messages(since), EVENTS.c.id <= up_to_id)
    ids: list[int] = list(connection.execute(query).scalars())
    return ids


def conversation_rows(engine: Engine, sender_id: str, since: float) -> list[Row]:
    """One conversation's messages (every session), oldest first."""
    query = (
        sa.select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, _messages(since))
        .order_by(EVENTS.c.id)
    )
    with engine.connect() as connection:
        rows: list[Row] = connection.execute(query).all()
    return rows


def insert_events(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert event rows (the demo's and the tests' seeded stores)."""
    connection.execute(EVENTS.insert(), rows)
