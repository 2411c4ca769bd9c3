"""What the insights page knows of the stored conversations, kept in memory and current.

Every figure on the page needs the reply kind, topic and channel of each message,
which Rasa keeps only inside each event's JSON. Parsing that JSON for every page
view is seconds of work on 100,000 conversations; parsing each event once and
keeping the few fields the page needs, as numeric columns, makes a page a matter
of milliseconds. The store stays the only source of truth:

- every page view first reads the events stored since the last view;
- a count of the stored messages tells whether any were erased (a patient's
  "forget me") or purged; those are then dropped here too;
- nothing older than RETENTION_DAYS is kept or shown.

What each event means follows the data contract of the feedback work
(docs/insights.md): user messages carry their channel, intent and red-flag
category; bot messages carry ``metadata.reply`` and ``metadata.topic``; a vote is a
user message of the ``feedback`` intent. Messages stored before replies were
labelled get the reply their intent leads to (data/rules.yml).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from sqlalchemy.engine import Engine, Row

from actions.content import Content
from insights import store

USER, BOT = 0, 1
NONE = -1
# A code no entry has: what a filter on a name the index has never seen matches.
ABSENT = -2
ANSWER = "answer"
CLARIFY = "clarify"
DID_YOU_MEAN = "did_you_mean"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
EMERGENCY = "emergency"
CRISIS = "self_harm"
HANDOFF = "human_handoff"
FEEDBACK_INTENT = "feedback"
RED_FLAG_REPLIES = frozenset({EMERGENCY, CRISIS})
# Why a patient's message is a content gap.
GAP_REASONS = {FALLBACK: "fallback", OUT_OF_SCOPE: "out of scope"}
NOT_HELPFUL = "not helpful"
# A channel, intent or reply the stored event does not tell.
UNKNOWN = "unknown"
# Days are local calendar days. Every time zone's offset is a multiple of 15
# minutes, so all timestamps in one quarter hour fall on the same local day.
QUARTER_HOUR = 900
# How often messages past the retention period are dropped from memory.
TRIM_SECONDS = 3600


class Codes:
    """Strings interned as small integers, so columns of them are numeric arrays."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, name: str | None) -> int:
        if name is None:
            return NONE
        found = self._codes.get(name)
        if found is None:
            found = self._codes[name] = len(self.names)
            self.names.append(name)
        return found

    def find(self, name: str) -> int | None:
        return self._codes.get(name)


@dataclass(frozen=True)
class Question:
    """A patient's message that got a document answer."""

    event_id: int
    text: str
    answer_id: int


@dataclass(frozen=True)
class Vote:
    """A patient's verdict on one answer; a later vote on the same answer replaces it."""

    event_id: int
    timestamp: float
    day: int
    conversation: int
    channel: int
    topic: str
    helpful: bool
    reason: str | None
    question: Question | None


@dataclass(frozen=True)
class Gap:
    """A patient's message the document did not answer, and why it counts as a gap."""

    event_id: int
    timestamp: float
    day: int
    conversation: int
    channel: int
    reason: str
    text: str
    topic: str | None = None


@dataclass
class _Pending:
    """A patient's message waiting for its first reply."""

    event_id: int
    text: str
    intent: str | None
    category: int
    region: str | None


@dataclass
class _Conversation:
    code: int
    channel: int = NONE
    pending: _Pending | None = None
    asked: dict[str, Question] = field(default_factory=dict)


class ItemColumns(NamedTuple):
    """The day, time, channel and conversation of each vote or gap, and whether a vote
    was helpful, as arrays: a page selects and counts them without a loop."""

    day: np.ndarray
    timestamp: np.ndarray
    channel: np.ndarray
    conversation: np.ndarray
    helpful: np.ndarray


# ItemColumns' typecodes, then whether a vote's question is known (its "no" is a gap).
_ITEM_COLUMNS = {
    "day": "q",
    "timestamp": "d",
    "channel": "q",
    "conversation": "q",
    "helpful": "b",
    "asked": "b",
}


Item = TypeVar("Item", Vote, Gap)


class _Items(Generic[Item]):
    """Votes or gaps in order, with their ItemColumns kept alongside as they come: a
    snapshot then copies arrays instead of reading tens of thousands of objects."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self.items: list[Item] = []
        self._columns = {name: array(code) for name, code in _ITEM_COLUMNS.items()}
        for item in items:
            self.append(item)

    @staticmethod
    def _values(item: Vote | Gap) -> dict[str, float]:
        return {
            "day": item.day,
            "timestamp": item.timestamp,
            "channel": item.channel,
            "conversation": item.conversation,
            "helpful": getattr(item, "helpful", False),
            "asked": getattr(item, "question", None) is not None,
        }

    def append(self, item: Item) -> None:
        self.items.append(item)
        for name, value in self._values(item).items():
            self._columns[name].append(value)  # type: ignore[arg-type]

    def replace(self, position: int, item: Item) -> None:
        self.items[position] = item
        for name, value in self._values(item).items():
            self._columns[name][position] = value  # type: ignore[call-overload]

    def array(self, name: str) -> np.ndarray:
        """A copy of one column (a snapshot's, which later items do not change); the
        flags as booleans."""
        code = _ITEM_COLUMNS[name]
        dtype = np.bool_ if code == "b" else np.dtype(code)
        return np.frombuffer(self._columns[name], dtype=dtype).copy()

    def columns(self, mask: np.ndarray | None = None) -> ItemColumns:
        arrays = [self.array(name) for name in ItemColumns._fields]
        return ItemColumns(*(values if mask is None else values[mask] for values in arrays))


@dataclass(frozen=True)
class Snapshot:
    """The messages as numeric columns (one entry per message), the votes and the gaps.

    ``label`` is the intent of a user message and the reply kind of a bot message,
    decoded by ``labels``; ``topic``, ``category`` and ``channel`` likewise.
    """

    event_id: np.ndarray
    timestamp: np.ndarray
    day: np.ndarray
    conversation: np.ndarray
    channel: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    topic: np.ndarray
    category: np.ndarray
    votes: tuple[Vote, ...]
    gaps: tuple[Gap, ...]
    vote_columns: ItemColumns
    gap_columns: ItemColumns
    labels: tuple[str, ...]
    topics: tuple[str, ...]
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    refs: tuple[str, ...]

    def label_code(self, name: str) -> int:
        """The code of a label, or one that matches nothing."""
        return self.labels.index(name) if name in self.labels else ABSENT

    def channel_code(self, name: str) -> int:
        return self.channels.index(name) if name in self.channels else ABSENT


_COLUMNS = {
    "event_id": "q",
    "timestamp": "d",
    "day": "i",
    "conversation": "i",
    "channel": "i",
    "kind": "b",
    "label": "i",
    "topic": "i",
    "category": "i",
}


def derived_reply(
    intent: str | None, text: str, region: str | None, content: Content
) -> tuple[str, str | None]:
    """The reply (and topic) a message of this intent gets, for bot messages stored
    before replies were labelled; a numbered choice's topic cannot be told."""
    if intent is None:
        return UNKNOWN, None
    if intent in GAP_REASONS:
        return (DID_YOU_MEAN if content.did_you_mean.applies_to(text) else intent), None
    asked = "ask_why_mri" if intent == "inform_region" else intent
    topic = content.topic_for(asked, region)
    if topic is not None:
        return ANSWER, topic.id
    if any(t.intent == asked for t in content.topics.values()):
        return CLARIFY, None
    return intent, None


def _entities(parse_data: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(entity.get("entity")): str(entity.get("value"))
        for entity in parse_data.get("entities") or []
        if isinstance(entity, Mapping) and entity.get("value") is not None
    }


class InsightsIndex:
    """The messages of the store's retention period, read incrementally.

    One lock serialises refreshes and snapshots: the server's threads share one index.
    """

    def __init__(
        self,
        engine: Engine,
        content: Content,
        retention_seconds: float,
        ref_key: bytes,
    ) -> None:
        self.engine = engine
        self.content = content
        self.retention_seconds = retention_seconds
        self._ref_key = ref_key
        self._lock = threading.Lock()
        self._columns = {name: array(code) for name, code in _COLUMNS.items()}
        self._conversations: dict[str, _Conversation] = {}
        self._senders: list[str] = []
        self._refs: list[str] = []
        self._by_ref: dict[str, str] = {}
        # The latest vote on each answer, at the place of the answer's first vote; the
        # gap each makes (its question, when voted "not helpful"), in the same places.
        self._votes: _Items[Vote] = _Items()
        self._vote_places: dict[tuple[int, int], int] = {}
        self._vote_gaps: list[Gap | None] = []
        self._gaps: _Items[Gap] = _Items()
        self._labels, self._topics, self._categories, self._channels = (Codes() for _ in range(4))
        self._days: dict[int, int] = {}
        self._last_id = 0
        self._trimmed = 0.0
        self._indexed = False
        self._snapshot: Snapshot | None = None

    # --- reading the store ---------------------------------------------------

    def refresh(self, now: float) -> Snapshot:
        """Bring the index up to date with the store and return its snapshot."""
        with self._lock:
            since = now - self.retention_seconds
            if not self._indexed:
                if not store.has_events(self.engine):
                    return self._take_snapshot()
                store.ensure_message_index(self.engine)
                self._indexed = True
            self._drop_expired(since)
            self._reconcile(since)
            self._read_new(store.message_rows(self.engine, self._last_id, since))
            return self._take_snapshot()

    def sender_of(self, ref: str) -> str | None:
        """The stored sender id behind a conversation's short reference."""
        with self._lock:
            return self._by_ref.get(ref)

    def _read_new(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self._add(row)
            self._last_id = max(self._last_id, row.id)

    def _reconcile(self, since: float) -> None:
        """Drop messages the store no longer has; read ones committed out of id order."""
        if not self._last_id:
            return
        known = np.frombuffer(self._columns["event_id"], dtype=np.int64)
        timestamps = np.frombuffer(self._columns["timestamp"], dtype=np.float64)
        with self.engine.connect() as connection:
            stored = store.message_count(connection, self._last_id, since)
            if stored == np.count_nonzero(timestamps >= since):
                return
            live = np.array(store.message_ids(connection, self._last_id, since), dtype=np.int64)
        late = set(live.tolist()) - set(known.tolist())
        self._keep(np.isin(known, live))
        if late:
            self._read_new(
                row
                for row in store.message_rows(self.engine, min(late) - 1, since)
                if row.id in late
            )

    def _drop_expired(self, since: float) -> None:
        """Forget messages past the retention period, at most hourly: until then the
        pages leave them out by their time (Snapshot.since)."""
        if since - self._trimmed < TRIM_SECONDS:
            return
        timestamps = np.frombuffer(self._columns["timestamp"], dtype=np.float64)
        if timestamps.size and timestamps.min() < since:
            self._keep(timestamps >= since)
        self._trimmed = since

    def _keep(self, mask: np.ndarray) -> None:
        """Keep only the messages where mask is true, and the votes and gaps among them."""
        columns = {
            name: np.frombuffer(self._columns[name], dtype=np.dtype(code))
            for name, code in _COLUMNS.items()
        }
        removed = set(columns["event_id"][~mask].tolist())
        touched = set(columns["conversation"][~mask].tolist())
        for name, typecode in _COLUMNS.items():
            self._columns[name] = array(typecode, columns[name][mask].tobytes())
        self._gaps = _Items(gap for gap in self._gaps.items if gap.event_id not in removed)
        votes = [(key, self._votes.items[place]) for key, place in self._vote_places.items()]
        self._votes, self._vote_places, self._vote_gaps = _Items(), {}, []
        for key, vote in votes:
            if vote.event_id not in removed and (
                vote.question is None or vote.question.event_id not in removed
            ):
                self._place_vote(key, vote)
        for code in touched:
            conversation = self._conversations[self._senders[code]]
            if conversation.pending and conversation.pending.event_id in removed:
                conversation.pending = None
            conversation.asked = {
                topic: question
                for topic, question in conversation.asked.items()
                if question.event_id not in removed
            }
        self._snapshot = None

    # --- one event -----------------------------------------------------------

    def _day(self, timestamp: float) -> int:
        bucket = int(timestamp // QUARTER_HOUR)
        day = self._days.get(bucket)
        if day is None:
            day = self._days[bucket] = date.fromtimestamp(bucket * QUARTER_HOUR).toordinal()
        return day

    def _conversation(self, sender_id: str) -> _Conversation:
        conversation = self._conversations.get(sender_id)
        if conversation is None:
            code = len(self._senders)
            ref = conversation_ref(self._ref_key, sender_id)
            self._senders.append(sender_id)
            self._refs.append(ref)
            self._by_ref[ref] = sender_id
            conversation = self._conversations[sender_id] = _Conversation(code)
        return conversation

    def _append(self, **values: float) -> None:
        for name, column in self._columns.items():
            column.append(values[name])  # type: ignore[arg-type]
        self._snapshot = None

    def _add(self, row: Row) -> None:
        """Every stored message becomes one entry, even one whose JSON is unreadable:
        the count check compares entries with stored messages."""
        event_id, sender_id, type_name, timestamp, intent, raw = row
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        conversation = self._conversation(sender_id)
        common = {
            "event_id": event_id,
            "timestamp": timestamp,
            "day": self._day(timestamp),
            "conversation": conversation.code,
        }
        if type_name == "user":
            self._add_user(intent, data, conversation, common)
        else:
            self._add_bot(data, conversation, common)

    def _add_user(
        self,
        intent: str | None,
        data: dict[str, Any],
        conversation: _Conversation,
        common: dict[str, Any],
    ) -> None:
        parse_data = data.get("parse_data") or {}
        intent = intent or (parse_data.get("intent") or {}).get("name")
        conversation.channel = self._channels.code(data.get("input_channel") or UNKNOWN)
        red_flag = parse_data.get("red_flag") or {}
        category = self._categories.code(red_flag.get("category") or red_flag.get("learned"))
        entities = _entities(parse_data)
        if intent == FEEDBACK_INTENT:
            self._add_vote(entities, conversation, common)
        else:
            text = str(data.get("text") or "")
            region = entities.get("region")
            conversation.pending = _Pending(common["event_id"], text, intent, category, region)
        self._append(
            **common,
            channel=conversation.channel,
            kind=USER,
            label=self._labels.code(intent),
            topic=NONE,
            category=category,
        )

    def _add_bot(
        self, data: dict[str, Any], conversation: _Conversation, common: dict[str, Any]
    ) -> None:
        metadata = data.get("metadata") or {}
        reply, topic = metadata.get("reply"), metadata.get("topic")
        pending, conversation.pending = conversation.pending, None
        if reply is None and pending is not None:
            reply, topic = derived_reply(pending.intent, pending.text, pending.region, self.content)
        reply = reply or UNKNOWN
        category = pending.category if pending and reply in RED_FLAG_REPLIES else NONE
        if pending is not None:
            self._note_reply(pending, reply, topic, conversation, common)
        self._append(
            **common,
            channel=conversation.channel,
            kind=BOT,
            label=self._labels.code(reply),
            topic=self._topics.code(topic),
            category=category,
        )

    def _note_reply(
        self,
        pending: _Pending,
        reply: str,
        topic: str | None,
        conversation: _Conversation,
        common: dict[str, Any],
    ) -> None:
        """A deflected message is a gap; an answered one may be voted on later."""
        if reply in GAP_REASONS:
            self._gaps.append(
                Gap(
                    event_id=pending.event_id,
                    timestamp=common["timestamp"],
                    day=common["day"],
                    conversation=conversation.code,
                    channel=conversation.channel,
                    reason=GAP_REASONS[reply],
                    text=pending.text,
                )
            )
        elif reply == ANSWER and topic:
            question = Question(pending.event_id, pending.text, common["event_id"])
            conversation.asked[topic] = question

    def _add_vote(
        self, entities: dict[str, str], conversation: _Conversation, common: dict[str, Any]
    ) -> None:
        """The latest vote on an answer counts; a repeated "no" keeps its earlier reason."""
        topic, value = entities.get("feedback_topic"), entities.get("feedback_value")
        if not topic or value not in ("up", "down"):
            return
        question = conversation.asked.get(topic)
        answer = question.answer_id if question else -common["event_id"]
        key = (conversation.code, answer)
        vote = Vote(
            event_id=common["event_id"],
            timestamp=common["timestamp"],
            day=common["day"],
            conversation=conversation.code,
            channel=conversation.channel,
            topic=topic,
            helpful=value == "up",
            reason=entities.get("feedback_reason"),
            question=question,
        )
        place = self._vote_places.get(key)
        if place is None:
            self._place_vote(key, vote)
            return
        earlier = self._votes.items[place]
        if vote.reason is None and earlier.helpful == vote.helpful:
            vote = replace(vote, reason=earlier.reason)
        self._votes.replace(place, vote)
        self._vote_gaps[place] = _not_helpful_gap(vote)

    def _place_vote(self, key: tuple[int, int], vote: Vote) -> None:
        """The first vote on an answer, after the others."""
        self._vote_places[key] = len(self._votes.items)
        self._votes.append(vote)
        self._vote_gaps.append(_not_helpful_gap(vote))

    # --- what the pages read -------------------------------------------------

    def _take_snapshot(self) -> Snapshot:
        if self._snapshot is None:
            columns = {
                name: np.frombuffer(self._columns[name], dtype=np.dtype(code)).copy()
                for name, code in _COLUMNS.items()
            }
            votes = self._votes.columns()
            # The questions voted "not helpful" follow the deflected messages.
            voted_gaps = ~votes.helpful & self._votes.array("asked")
            gaps = self._gaps.columns()
            from_votes = self._votes.columns(voted_gaps)
            self._snapshot = Snapshot(
                **columns,
                votes=tuple(self._votes.items),
                gaps=(*self._gaps.items, *(gap for gap in self._vote_gaps if gap is not None)),
                vote_columns=votes,
                gap_columns=ItemColumns(*map(np.concatenate, zip(gaps, from_votes, strict=True))),
                labels=tuple(self._labels.names),
                topics=tuple(self._topics.names),
                categories=tuple(self._categories.names),
                channels=tuple(self._channels.names),
                refs=tuple(self._refs),
            )
        return self._snapshot


def _not_helpful_gap(vote: Vote) -> Gap | None:
    """The question of an answer voted "not helpful", as a gap."""
    if vote.helpful or vote.question is None:
        return None
    return Gap(
        event_id=vote.question.event_id,
        timestamp=vote.timestamp,
        day=vote.day,
        conversation=vote.conversation,
        channel=vote.channel,
        reason=NOT_HELPFUL,
        text=vote.question.text,
        topic=vote.topic,
    )


def conversation_ref(key: bytes, sender_id: str) -> str:
    """The short, opaque name of a conversation on the page (never the sender id)."""
    return hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:12]


def ref_key(token: str) -> bytes:
    """The key of conversation references: stable while the token is, so links to a
    transcript outlive a restart, and unguessable without the token."""
    return hmac.new(token.encode(), b"insights conversation reference", hashlib.sha256).digest()
