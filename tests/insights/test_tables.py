"""The tables' building blocks that make 100,000 conversations fast, against the plain
computation each replaces: local times, the latest message of each conversation,
tables kept as columns, and CSV files written in pieces."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import numpy as np
import pytest

from insights import server
from insights.report import ColumnRows, Link, Table, latest, local_times
from insights.server import FORMULA_STARTS, csv_bytes, csv_chunks

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone for the test (TZ), restored afterwards."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_local_times_are_the_local_minute(zone: str) -> None:
    rng = np.random.default_rng(18)
    recent = rng.uniform(1.70e9, 1.70e9 + 400 * 86_400, 5_000)
    # Around the changes of summer time in 2024 (Europe, the USA, Lord Howe's half hour).
    changes = np.array([1711846800.0, 1729990800.0, 1710054000.0, 1730613600.0, 1712415600.0])
    around = (changes[:, None] + np.arange(-5400, 5400, 37.3)[None, :]).ravel()
    edges = np.array([0.0, 59.999, 60.0, 86_399.9, 1_800_000_000.0])
    timestamps = np.concatenate([recent, around, edges])
    expected = [datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") for t in timestamps]
    assert local_times(timestamps) == expected
    assert local_times(np.array([])) == []


def test_latest_is_the_largest_value_of_each_group() -> None:
    rng = np.random.default_rng(18)
    groups = rng.integers(0, 500, 20_000)
    values = rng.uniform(0, 1e9, 20_000)
    expected = np.full(600, -np.inf)
    np.maximum.at(expected, groups, values)
    assert np.array_equal(latest(groups, values, 600), expected)  # out of order
    order = np.argsort(values)
    assert np.array_equal(latest(groups[order], values[order], 600), expected)  # in order
    assert np.array_equal(latest(groups[:0], values[:0], 3), np.full(3, -np.inf))


def test_column_rows_read_as_rows() -> None:
    rows = ColumnRows(["a", "b", "c"], [1, 2, 3], np.array([4.0, 5.0, 6.0]).tolist())
    assert list(rows) == [("a", 1, 4.0), ("b", 2, 5.0), ("c", 3, 6.0)]
    assert len(rows) == 3 and rows[1] == ("b", 2, 5.0) and rows[-1] == ("c", 3, 6.0)
    assert list(rows[1:]) == [("b", 2, 5.0), ("c", 3, 6.0)]
    assert len(ColumnRows()) == 0 and list(ColumnRows([], [])) == []
    with pytest.raises(ValueError):
        ColumnRows(["a"], [1, 2])
    as_columns = Table("t", "t", ("x", "y", "z"), rows)
    as_rows = Table("t", "t", ("x", "y", "z"), tuple(rows))
    assert as_columns.column(1) == as_rows.column(1) == [1, 2, 3]


def reference_csv(table: Table) -> bytes:
    """The CSV file as written before: the csv module, every text cell checked."""

    def text(cell: object) -> object:
        if isinstance(cell, str):
            return "'" + cell if cell[:1] in FORMULA_STARTS else cell
        return cell.text if isinstance(cell, Link) else cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    n = table.text_columns
    writer.writerows([*map(text, row[:n]), *row[n:]] for row in table.rows)
    return buffer.getvalue().encode("utf-8")


ROWS = [
    ("plain", "2025-03-01 14:05", 1, 2.5, None),
    ("=HYPERLINK(1)", "with, a comma", 0, 0.1, 3),
    ("line\n=formula", 'a "quote"', -4, 100.0, 0),
    ("-1", "\ttab", 7, None, 1),
    ("", "+plus", 2, 9.1, 2),
    ("@at", "new\r\nline", 3, 33.3, 4),
]


def as_rows(table: Table) -> Table:
    """The same table with its rows as tuples of Python values."""
    rows = tuple(
        tuple(cell.item() if isinstance(cell, np.generic) else cell for cell in row)
        for row in table.rows
    )
    return Table(table.name, table.caption, table.columns, rows, table.text_columns)


def as_columns(rows: list[tuple]) -> ColumnRows:
    return ColumnRows(*zip(*rows, strict=True))


@pytest.mark.parametrize("make_rows", [tuple, as_columns])
@pytest.mark.parametrize("text_columns", [1, 2])
def test_csv_files_are_the_csv_modules(
    make_rows: Callable[[list[tuple]], Sequence[tuple]], text_columns: int
) -> None:
    columns = ("Name", "Note", "Count", "Share", "Other")
    unsafe = Table("t", "t", columns, make_rows(ROWS), text_columns)
    safe_rows = [(f"ref-{i}", f"2025-03-01 14:{i:02d}", i, i / 3, None) for i in range(40)]
    safe = Table("t", "t", columns, make_rows(safe_rows), text_columns)
    links = Table("t", "t", columns[:2], ((Link("abc", "/x"), "=1"), ("d", "e")), text_columns)
    for table in (unsafe, safe, links):
        expected = reference_csv(table)
        assert csv_bytes(table) == expected
        for size in (1, 3, 1000):
            pieces = list(csv_chunks(table, rows_per_chunk=size))
            assert b"".join(pieces) == expected
            assert pieces[0].startswith(b"Name,")
            assert len(pieces) == max(1, -(-len(table.rows) // size))


def conversations_like(refs: list[str], channels: list[str], counts: np.ndarray) -> Table:
    """A table as the CSV file of every conversation is made: text, then integer arrays."""
    times = [f"2025-03-{1 + i % 28:02d} 14:{i % 60:02d}" for i in range(len(refs))]
    columns = ("Conversation", "Last message", "Channel", *(f"n{i}" for i in range(len(counts))))
    return Table("c", "c", columns, ColumnRows(refs, times, channels, *counts), 3)


def test_csv_files_of_columns_without_quotes_are_joined_as_they_are() -> None:
    rng = np.random.default_rng(18)
    size = 2_000
    refs = [f"{value:012x}" for value in rng.integers(0, 2**48, size).tolist()]
    channels = rng.choice(["rest", "twilio", "socketio", "unknown"], size).tolist()
    small = rng.integers(0, 20, (7, size))
    tables = [
        conversations_like(refs, channels, small),
        conversations_like(refs, channels, small.astype(np.int32)),
        conversations_like(refs, channels, np.vstack([small, [[-3, 12_345] * (size // 2)]])),
        conversations_like(refs[:0], channels[:0], small[:, :0]),
    ]
    for table in tables:
        assert server._fields_as_they_are(table) is not None  # the joined way
        expected = reference_csv(as_rows(table))
        for size_of_chunk in (1, 7, 5_000):
            assert b"".join(csv_chunks(table, size_of_chunk)) == expected


@pytest.mark.parametrize(
    "odd_one", ["with, comma", 'a "quote"', "two\nlines", "=formula", "-1", "\rreturn", "@me"]
)
def test_a_cell_that_needs_quotes_or_a_change_goes_through_the_csv_module(odd_one: str) -> None:
    channels = ["rest", odd_one, "twilio"]
    table = conversations_like(["a1", "b2", "c3"], channels, np.array([[1, 2, 3], [0, 0, 1]]))
    assert server._fields_as_they_are(table) is None
    assert csv_bytes(table) == reference_csv(as_rows(table))


def test_a_row_of_one_empty_cell_is_written_as_the_csv_module_does() -> None:
    table = Table("t", "t", ("Only",), ColumnRows(["a", "", "b"]))
    assert csv_bytes(table) == b'Only\r\na\r\n""\r\nb\r\n' == reference_csv(as_rows(table))


def test_every_piece_of_a_large_csv_file_is_whole_rows() -> None:
    count = 12_345
    refs = [f"{i:012x}" for i in range(count)]
    for numbers in (list(range(count)), np.arange(count)):  # the csv module's way, the joined way
        table = Table("c", "c", ("Conversation", "Messages"), ColumnRows(refs, numbers))
        pieces = list(csv_chunks(table, rows_per_chunk=5_000))
        assert [piece.count(b"\r\n") for piece in pieces] == [5_001, 5_000, 2_345]
        assert b"".join(pieces) == reference_csv(as_rows(table))
