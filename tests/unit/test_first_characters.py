"""The grouped alternation, and one with a shared word boundary, match exactly where
the plain alternation matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.first_characters import (
    boundary_shared,
    either,
    first_characters,
    grouped_alternation,
    starts_at_word_boundary,
)
from components.red_flags import _LEADING_LOOKBEHINDS, KINDS, load_rules


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("chest pain", {"c"}),
        (r"\b(?:he|she|my \w+)\b", {"h", "s", "m"}),
        ("[a-c]x|[.]y", {"a-c", r"\."}),
        (r"(?<!no )(?:very )?sharp", {"v", "s"}),
        (r"\d+ pills", {r"\d"}),
        (r"^\W*help", {r"\W", "h"}),
        ("(?:a|b)*c", {"a", "b", "c"}),
    ],
)
def test_first_characters_are_those_a_match_can_start_with(pattern: str, expected: set) -> None:
    assert first_characters(pattern) == frozenset(expected)


@pytest.mark.parametrize(
    "pattern",
    ["a*", r"\b", "(?:x)?", ".x", "[^a]x", "(?i)pain", "(?i:p)ain"],
    ids=[
        "empty match",
        "only an assertion",
        "optional",
        "any",
        "negated",
        "case",
        "local case",
    ],
)
def test_first_characters_are_unknown_when_any_character_or_none_can_start(pattern: str) -> None:
    assert first_characters(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bpain", True),
        (r"(?:\bchest|\bback) pain", True),
        (r"\bchest|back", False),
        (r"^\W*help", False),
        (r"pain\b", False),
    ],
)
def test_word_boundary_starts_are_told_apart(pattern: str, expected: bool) -> None:
    assert starts_at_word_boundary(pattern) is expected


PATTERNS = [
    r"\bchest pain",
    r"\bchest (?:hurts|pain)",
    r"(?:he|she) (?:fell|collapsed)",
    r"\d+ pills",
    r"^\W*help",
    r"pain\b",
    r"(?<!no )fever",
    ".x",
    "[^a ]z",
    r"ca+t\b",
]
ALPHABET = st.sampled_from(
    [
        "chest",
        "pain",
        "hurts",
        "he",
        "she",
        "fell",
        "3",
        "pills",
        "help",
        "no",
        "fever",
        "x",
        "z",
        "cat",
        "caat",
        " ",
        "\n",
        "!",
        "a",
    ]
)


@given(st.lists(ALPHABET, max_size=20).map("".join))
def test_the_grouped_alternation_matches_where_the_plain_one_does(text: str) -> None:
    plain = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.MULTILINE)
    grouped = re.compile(grouped_alternation(PATTERNS), re.MULTILINE)
    for start in range(len(text) + 1):
        expected = plain.search(text, start)
        found = grouped.search(text, start)
        assert (found and found.start()) == (expected and expected.start())


@given(st.lists(ALPHABET, max_size=20).map("".join))
def test_a_shared_boundary_keeps_every_match(text: str) -> None:
    """PATTERNS lists those that start at a word boundary first, so the alternation with
    one shared \\b must find the same matches, of the same length, as the plain one
    (the idioms cut out exactly these spans); grouped, the same positions."""
    plain = re.compile(either(PATTERNS), re.MULTILINE)
    shared = re.compile(boundary_shared(PATTERNS, either), re.MULTILINE)
    grouped = re.compile(boundary_shared(PATTERNS, grouped_alternation), re.MULTILINE)
    expected = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in shared.finditer(text)] == expected
    for start in range(len(text) + 1):
        first, found = plain.search(text, start), grouped.search(text, start)
        assert (found and found.start()) == (first and first.start())


def test_the_red_flag_gate_matches_where_its_patterns_do() -> None:
    """The union gate against the plain alternation of the same patterns, on the red-flag
    and other test texts the rules file's own tests use, at every clause."""
    rules = load_rules()
    patterns = [p for kind in KINDS for p in rules.patterns[kind]]
    widened = [_LEADING_LOOKBEHINDS.sub("", p.pattern) for p in patterns]
    plain = re.compile("|".join(f"(?:{p})" for p in widened), re.MULTILINE)
    texts = [
        "my dad collapsed and is not breathing",
        "i want to kill myself",
        "no chest pain, just my back",
        "took 30 tylenol an hour ago",
        "what is a spine mri",
        "help!!",
        "je veux mourir",
        "我想自杀",
    ]
    for text in texts:
        joined = rules._prepare(text).joined
        expected, found = plain.search(joined), rules.gate.search(joined)
        assert (found and found.start()) == (expected and expected.start()), text
