"""The insights page's tables, computed from the index's snapshot for a period and channel.

Every figure the page shows is a cell of one of these tables, so what is drawn,
what is read out by a screen reader and what is exported as CSV are the same
numbers. Definitions (docs/insights.md):

- a conversation is one sender id; it counts on each day it sent a message;
- patient messages are the user messages except votes;
- a rate is replies of that kind over patient messages, in percent;
- an emergency reply is the ``emergency`` reply, a crisis reply the ``self_harm`` one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar, overload

import numpy as np
from sqlalchemy.engine import Row

from actions.content import Content
from insights.gaps import Theme
from insights.index import (
    ANSWER,
    BOT,
    CRISIS,
    DID_YOU_MEAN,
    EMERGENCY,
    FALLBACK,
    FEEDBACK_INTENT,
    HANDOFF,
    NONE,
    OUT_OF_SCOPE,
    QUARTER_HOUR,
    USER,
    Gap,
    ItemColumns,
    Snapshot,
    Vote,
)

Cell = str | int | float | None
T = TypeVar("T")
DEFAULT_DAYS = 30
REASON_COLUMNS = {
    "unclear": "Unclear",
    "not_answered": "Didn't answer my question",
    "other": "Other",
    None: "No reason given",
}
CONVERSATION_FILTERS = {
    "all": "All conversations",
    "gaps": "With a fallback or out-of-scope reply",
    "red_flags": "With an emergency or crisis reply",
    "handoff": "With a hand-off request",
    "votes": "With a vote",
}


class Link(NamedTuple):
    """A cell that links somewhere (a conversation's transcript); a tuple, because the
    CSV file of every conversation makes 100,000 of them."""

    text: str
    href: str


TableRow = tuple[Cell | Link, ...]
# A column of a table kept as columns: its cells, or whole numbers as an integer array.
Column = Sequence[Cell | Link] | np.ndarray


class ColumnRows(Sequence[TableRow]):
    """A table's rows kept as its columns: the CSV file of every conversation (100,000
    rows) is then written row by row without a tuple made and kept for each row."""

    def __init__(self, *columns: Column) -> None:
        if len({len(column) for column in columns}) > 1:
            raise ValueError("columns of different lengths")
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @overload
    def __getitem__(self, index: int) -> TableRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[TableRow]: ...

    def __getitem__(self, index: int | slice) -> TableRow | Sequence[TableRow]:
        if isinstance(index, slice):
            return ColumnRows(*(column[index] for column in self.columns))
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[TableRow]:
        return zip(*self.columns, strict=True)

    def column(self, index: int) -> Column:
        return self.columns[index]


@dataclass(frozen=True)
class Table:
    """One table of the page: its CSV file name, caption, column headers and rows.

    The first column names the row (a day, topic or category); the others are numbers
    unless ``text_columns`` says how many leading columns are text.
    """

    name: str
    caption: str
    columns: tuple[str, ...]
    rows: Sequence[TableRow]
    text_columns: int = 1

    def column(self, index: int) -> Column:
        """One column's cells, top to bottom."""
        if isinstance(self.rows, ColumnRows):
            return self.rows.column(index)
        return [row[index] for row in self.rows]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """The period (whole local days) and channel chosen, within the retention period."""

    start: date
    end: date
    channel: str | None
    since: float

    @classmethod
    def parse(cls, query: Mapping[str, str], now: float, retention_seconds: float) -> Filters:
        """From the page's query; missing or out-of-range dates fall back to the last
        30 days, never before the oldest day that retention keeps."""
        since = now - retention_seconds
        today, earliest = date.fromtimestamp(now), date.fromtimestamp(since)
        end = min(max(_date(query.get("to")) or today, earliest), today)
        default_start = max(earliest, end - timedelta(days=DEFAULT_DAYS - 1))
        start = min(max(_date(query.get("from")) or default_start, earliest), end)
        return cls(start, end, query.get("channel") or None, since)

    @property
    def earliest(self) -> date:
        return date.fromtimestamp(self.since)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def query(self) -> dict[str, str]:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return {**values, "channel": self.channel} if self.channel else values


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class Selection:
    """The snapshot's messages in the chosen period and channel, as boolean masks."""

    def __init__(self, snapshot: Snapshot, filters: Filters) -> None:
        self.snapshot, self.filters = snapshot, filters
        self.first = filters.start.toordinal()
        self.length = (filters.end - filters.start).days + 1
        mask = (snapshot.day >= self.first) & (snapshot.day < self.first + self.length)
        mask &= snapshot.timestamp >= filters.since
        if filters.channel:
            mask &= snapshot.channel == snapshot.channel_code(filters.channel)
        self.patient = mask & (snapshot.kind == USER)
        self.patient &= snapshot.label != snapshot.label_code(FEEDBACK_INTENT)
        self.bot = mask & (snapshot.kind == BOT)
        self._vote_mask: np.ndarray | None = None

    def replies(self, reply: str) -> np.ndarray:
        mask: np.ndarray = self.bot & (self.snapshot.label == self.snapshot.label_code(reply))
        return mask

    def per_day(self, mask: np.ndarray) -> list[int]:
        counts = np.bincount(self.snapshot.day[mask] - self.first, minlength=self.length)
        return [int(count) for count in counts]

    def conversations_per_day(self) -> list[int]:
        days = self.snapshot.day[self.patient] - self.first
        conversations = self.snapshot.conversation[self.patient].astype(np.int64)
        pairs = np.unique(conversations * self.length + days)
        return [int(c) for c in np.bincount(pairs % self.length, minlength=self.length)]

    def conversations(self) -> int:
        return int(np.unique(self.snapshot.conversation[self.patient]).size)

    def votes(self) -> list[Vote]:
        """The votes in the period and channel."""
        return _picked(self.snapshot.votes, self.vote_mask())

    def vote_mask(self) -> np.ndarray:
        """Which of the snapshot's votes are in the period and channel (made once)."""
        if self._vote_mask is None:
            self._vote_mask = self._admitted(self.snapshot.vote_columns)
        return self._vote_mask

    def gaps(self) -> list[Gap]:
        return _picked(self.snapshot.gaps, self._admitted(self.snapshot.gap_columns))

    def _admitted(self, items: ItemColumns) -> np.ndarray:
        """Which votes or gaps fall in the period and channel."""
        mask = (items.day >= self.first) & (items.day < self.first + self.length)
        mask &= items.timestamp >= self.filters.since
        if self.filters.channel:
            mask &= items.channel == self.snapshot.channel_code(self.filters.channel)
        return mask


def _picked(items: Sequence[T], mask: np.ndarray) -> list[T]:
    """The items where mask is true, in order."""
    return list(map(items.__getitem__, np.flatnonzero(mask).tolist()))


def _day_rows(filters: Filters, *columns: Sequence[Cell]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(
        (day.isoformat(), *(column[i] for column in columns))
        for i, day in enumerate(filters.days())
    )


# --- the overview ------------------------------------------------------------


def summary(selection: Selection) -> Table:
    messages = int(selection.patient.sum())
    votes = selection.votes()
    helpful = sum(vote.helpful for vote in votes)

    def rate(reply: str) -> float | None:
        return _percent(int(selection.replies(reply).sum()), messages)

    rows: tuple[tuple[Cell, ...], ...] = (
        ("Conversations", selection.conversations()),
        ("Patient messages", messages),
        ("Document answers", int(selection.replies(ANSWER).sum())),
        ("Did-you-mean rate (%)", rate(DID_YOU_MEAN)),
        ("Fallback rate (%)", rate(FALLBACK)),
        ("Out-of-scope rate (%)", rate(OUT_OF_SCOPE)),
        ("Emergency replies", int(selection.replies(EMERGENCY).sum())),
        ("Crisis replies", int(selection.replies(CRISIS).sum())),
        ("Hand-off requests", int(selection.replies(HANDOFF).sum())),
        ("Votes on answers", len(votes)),
        ("Voted helpful (%)", _percent(helpful, len(votes))),
    )
    return Table("summary", "Summary of the period", ("Measure", "Value"), rows)


def daily(selection: Selection) -> Table:
    conversations = selection.conversations_per_day()
    messages = selection.per_day(selection.patient)
    return Table(
        "daily",
        "Conversations and patient messages per day",
        ("Day", "Conversations", "Patient messages"),
        _day_rows(selection.filters, conversations, messages),
    )


def topics(selection: Selection, content: Content) -> Table:
    """Every topic of the content, also those never answered, then any other topic id
    stored (one since renamed or removed)."""
    snapshot = selection.snapshot
    answers = selection.replies(ANSWER)
    codes = snapshot.topic[answers]
    counts = Counter(codes[codes != NONE].tolist())
    total = int(answers.sum())
    names = {code: snapshot.topics[code] for code in counts}
    ids = list(content.topics) + sorted(set(names.values()) - set(content.topics))
    by_id = {names[code]: count for code, count in counts.items()}
    rows = [
        (topic_title(content, t), by_id.get(t, 0), _percent(by_id.get(t, 0), total)) for t in ids
    ]
    unlabelled = total - sum(counts.values())
    if unlabelled:
        rows.append(("(topic not recorded)", unlabelled, _percent(unlabelled, total)))
    return Table(
        "topics",
        "Document answers per topic",
        ("Topic", "Answers", "Share of answers (%)"),
        tuple(rows),
    )


def topic_title(content: Content, topic_id: str | None) -> str:
    if topic_id is None:
        return "(none)"
    topic = content.topics.get(topic_id)
    return topic.title if topic else topic_id


def rates(selection: Selection) -> Table:
    messages = selection.per_day(selection.patient)
    columns: list[Sequence[Cell]] = [messages]
    for reply in (DID_YOU_MEAN, FALLBACK, OUT_OF_SCOPE):
        counts = selection.per_day(selection.replies(reply))
        columns += [counts, [_percent(c, m) for c, m in zip(counts, messages, strict=True)]]
    return Table(
        "rates",
        "Did-you-mean, fallback and out-of-scope replies per day",
        (
            "Day",
            "Patient messages",
            "Did you mean",
            "Did-you-mean rate (%)",
            "Fallback",
            "Fallback rate (%)",
            "Out of scope",
            "Out-of-scope rate (%)",
        ),
        _day_rows(selection.filters, *columns),
    )


def red_flags_daily(selection: Selection) -> Table:
    return Table(
        "red_flags_daily",
        "Emergency and crisis replies per day",
        ("Day", "Emergency replies", "Crisis replies"),
        _day_rows(
            selection.filters,
            selection.per_day(selection.replies(EMERGENCY)),
            selection.per_day(selection.replies(CRISIS)),
        ),
    )


def red_flag_categories(selection: Selection) -> Table:
    """Per red-flag category (content/red_flags.yml); a learned-only verdict has none."""
    snapshot = selection.snapshot
    rows = []
    per_reply = {}
    for reply in (EMERGENCY, CRISIS):
        codes = snapshot.category[selection.replies(reply)]
        per_reply[reply] = Counter(codes.tolist())
    codes = set(per_reply[EMERGENCY]) | set(per_reply[CRISIS])
    for code in codes:
        name = snapshot.categories[code] if code != NONE else "(no category recorded)"
        rows.append((name, per_reply[EMERGENCY][code], per_reply[CRISIS][code]))
    rows.sort(key=lambda row: (-(row[1] + row[2]), row[0]))
    return Table(
        "red_flag_categories",
        "Emergency and crisis replies per category",
        ("Category", "Emergency replies", "Crisis replies"),
        tuple(rows),
    )


def handoffs(selection: Selection) -> Table:
    return Table(
        "handoffs",
        "Requests to talk to a person (hand-off) per day",
        ("Day", "Hand-off requests"),
        _day_rows(selection.filters, selection.per_day(selection.replies(HANDOFF))),
    )


def feedback(selection: Selection, content: Content) -> Table:
    """Votes per topic, the share helpful, and the reasons given for "not helpful"."""
    by_topic: dict[str, list[Vote]] = {}
    for vote in selection.votes():
        by_topic.setdefault(vote.topic, []).append(vote)
    rows = []
    for topic_id in [t for t in content.topics if t in by_topic] + sorted(
        set(by_topic) - set(content.topics)
    ):
        votes = by_topic[topic_id]
        helpful = sum(vote.helpful for vote in votes)
        reasons = Counter(vote.reason for vote in votes if not vote.helpful)
        rows.append(
            (
                topic_title(content, topic_id),
                len(votes),
                helpful,
                len(votes) - helpful,
                _percent(helpful, len(votes)),
                *(reasons[reason] for reason in REASON_COLUMNS),
            )
        )
    return Table(
        "feedback",
        "Votes on answers per topic",
        ("Topic", "Votes", "Helpful", "Not helpful", "Helpful (%)", *REASON_COLUMNS.values()),
        tuple(rows),
    )


def overview(snapshot: Snapshot, filters: Filters, content: Content) -> dict[str, Table]:
    selection = Selection(snapshot, filters)
    tables = (
        summary(selection),
        daily(selection),
        topics(selection, content),
        rates(selection),
        red_flags_daily(selection),
        red_flag_categories(selection),
        handoffs(selection),
        feedback(selection, content),
    )
    return {table.name: table for table in tables}


# --- content gaps --------------------------------------------------------------


def themes_table(themes: Iterable[Theme], content: Content) -> Table:
    rows = []
    for number, theme in enumerate(themes, start=1):
        examples = "; ".join(f"{ex.text} ({ex.count})" for ex in theme.examples)
        rows.append(
            (
                number,
                theme.label,
                topic_title(content, theme.topic),
                examples,
                theme.count,
                theme.reasons.get("fallback", 0),
                theme.reasons.get("out of scope", 0),
                theme.reasons.get("not helpful", 0),
                round(theme.similarity, 2),
            )
        )
    return Table(
        "themes",
        "Content gaps: unanswered messages grouped into themes",
        (
            "Theme",
            "Most frequent wording",
            "Nearest topic",
            "Examples (count)",
            "Messages",
            "Fallback",
            "Out of scope",
            "Not helpful",
            "Similarity to the topic",
        ),
        tuple(rows),
        text_columns=4,
    )


# --- conversations -----------------------------------------------------------


def conversation_table(
    selection: Selection, show: str, page: int | None, page_size: int
) -> tuple[Table, int]:
    """One row per conversation, the most recent first; page None gives all of them.

    Returns the table and the number of conversations that match.
    """
    snapshot = selection.snapshot
    size = len(snapshot.refs)
    active = selection.patient | selection.bot
    conversation = snapshot.conversation

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(conversation[mask], minlength=size)

    messages = count(selection.patient)
    answers = count(selection.replies(ANSWER))
    deflected = count(selection.replies(FALLBACK) | selection.replies(OUT_OF_SCOPE))
    red_flags = count(selection.replies(EMERGENCY) | selection.replies(CRISIS))
    handoff = count(selection.replies(HANDOFF))
    votes = snapshot.vote_columns
    admitted = selection.vote_mask()
    helpful = np.bincount(votes.conversation[admitted & votes.helpful], minlength=size)
    unhelpful = np.bincount(votes.conversation[admitted & ~votes.helpful], minlength=size)
    last = latest(conversation[active], snapshot.timestamp[active], size)
    channel = np.full(size, NONE)
    channel[conversation[selection.patient]] = snapshot.channel[selection.patient]
    wanted = {
        "all": messages > 0,
        "gaps": deflected > 0,
        "red_flags": red_flags > 0,
        "handoff": handoff > 0,
        "votes": helpful + unhelpful > 0,
    }.get(show, messages > 0) & (messages > 0)
    chosen = np.flatnonzero(wanted)
    chosen = chosen[np.argsort(-last[chosen], kind="stable")]
    total = int(chosen.size)
    if page is not None:
        chosen = chosen[page * page_size : (page + 1) * page_size]
    # Picked through object arrays: list indexing 100,000 times in Python took longer.
    refs: list[str] = np.array(snapshot.refs, dtype=object)[chosen].tolist()
    named = np.array([*snapshot.channels, "unknown"], dtype=object)  # NONE (-1): "unknown"
    channels: list[str] = named[channel[chosen]].tolist()
    # The counts stay integer arrays: the CSV file writes them through a table.
    counts = [
        column[chosen]
        for column in (messages, answers, deflected, red_flags, handoff, helpful, unhelpful)
    ]
    # All of them are for the CSV file, which needs no links.
    names = refs if page is None else [Link(ref, f"/conversations/{ref}") for ref in refs]
    rows = ColumnRows(names, local_times(last[chosen]), channels, *counts)
    table = Table(
        "conversations",
        CONVERSATION_FILTERS.get(show, CONVERSATION_FILTERS["all"]),
        (
            "Conversation",
            "Last message",
            "Channel",
            "Patient messages",
            "Answers",
            "Fallback or out of scope",
            "Emergency or crisis",
            "Hand-off",
            "Voted helpful",
            "Voted not helpful",
        ),
        rows,
        text_columns=3,
    )
    return table, total


def latest(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The largest value of each group (-inf for a group without one).

    np.maximum.at is slow (tens of milliseconds on half a million messages), so each
    group first gets one of its values by assignment (whichever numpy writes last:
    usually the latest, as messages are stored in time order); only the values larger
    than what their group got then go through np.maximum.at.
    """
    result = np.full(size, -np.inf)
    result[groups] = values
    larger = values > result[groups]
    if larger.any():
        np.maximum.at(result, groups[larger], values[larger])
    return result


# " HH:MM" of each minute of a day.
_CLOCK = np.array([f" {minute // 60:02d}:{minute % 60:02d}" for minute in range(1440)], object)


def local_times(timestamps: np.ndarray) -> list[str]:
    """Local date and time to the minute ("2025-03-01 14:05") of many timestamps at once:
    strftime on 100,000 datetimes alone took most of a second. Each distinct day is
    written once, each time of day comes from a table."""
    buckets = (timestamps // QUARTER_HOUR).astype(np.int64)
    unique, inverse = np.unique(buckets, return_inverse=True)
    offsets = np.array([_utc_offset(int(bucket) * QUARTER_HOUR) for bucket in unique.tolist()])
    minutes = ((timestamps + offsets[inverse]) // 60).astype(np.int64)
    days, minute_of_day = np.divmod(minutes, 1440)
    unique_days, day_of = np.unique(days, return_inverse=True)
    dates = np.datetime_as_string(unique_days.astype("datetime64[D]")).astype(object)
    times: list[str] = (dates[day_of] + _CLOCK[minute_of_day]).tolist()
    return times


def _utc_offset(timestamp: float) -> float:
    offset = datetime.fromtimestamp(timestamp).astimezone().utcoffset()
    return offset.total_seconds() if offset else 0.0


# --- one conversation ----------------------------------------------------------


def transcript(rows: Iterable[Row], content: Content) -> Table:
    """A conversation's messages as stored (redacted), with what the page knows of each."""
    lines = []
    for row in rows:
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            data = {}
        who, note = (
            ("Patient", _user_note(data, content))
            if row.type_name == "user"
            else (
                "Assistant",
                _bot_note(data, content),
            )
        )
        lines.append((row.timestamp, who, str(data.get("text") or ""), note))
    times = local_times(np.array([line[0] for line in lines], dtype=np.float64))
    lines = [(when, *line[1:]) for when, line in zip(times, lines, strict=True)]
    return Table(
        "transcript",
        "The conversation as stored (redacted)",
        ("Time", "From", "Message", "What the page counts"),
        tuple(lines),
        text_columns=4,
    )


def _user_note(data: dict, content: Content) -> str:
    parse_data = data.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or "unknown"
    channel = data.get("input_channel") or "unknown"
    entities = {e.get("entity"): e.get("value") for e in parse_data.get("entities") or []}
    if intent == FEEDBACK_INTENT:
        verdict = "helpful" if entities.get("feedback_value") == "up" else "not helpful"
        reason = entities.get("feedback_reason")
        topic = topic_title(content, entities.get("feedback_topic"))
        return f"vote: {verdict} on \u201c{topic}\u201d" + (f" ({reason})" if reason else "")
    category = (parse_data.get("red_flag") or {}).get("category")
    flag = f", red flag: {category}" if category else ""
    return f"intent: {intent}, channel: {channel}{flag}"


def _bot_note(data: dict, content: Content) -> str:
    metadata = data.get("metadata") or {}
    reply = metadata.get("reply") or "not recorded"
    topic = metadata.get("topic")
    about = f", topic: \u201c{topic_title(content, topic)}\u201d" if topic else ""
    return f"reply: {reply}{about}"
