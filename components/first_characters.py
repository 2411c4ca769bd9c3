"""An alternation of many patterns that skips, at each position, the patterns that
cannot start with the character there.

The red-flag gate (components/red_flags.py) is one alternation of about 600 patterns,
searched in every message. Python's re tries every alternative at every position
(every word boundary for those that start with ``\\b``), and most of the gate's time
went into alternatives that failed on their first character. re skips an alternative
with one look at the character when the alternative starts with a character class (its
BRANCH opcode checks a leading LITERAL or IN before entering it), so the patterns are
grouped by the characters they can start with, each group behind a class of them.

Only the positions where the alternation matches are kept, not which pattern matched
or how much text: the gate asks whether, and where first, any pattern could match.
"""

from __future__ import annotations

import functools
import re
import sre_constants as sre
import sre_parse
from collections.abc import Callable
from typing import Any

# What a class item in a parsed pattern is written as (the same meaning under the same flags).
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
# Flags under which a literal no longer stands for its own character alone.
_CASE_FLAGS = re.IGNORECASE | re.LOCALE
# (class items a match can start with, or None: any character; whether it can be empty)
Firsts = tuple[set[str] | None, bool]


@functools.cache
def first_characters(pattern: str) -> frozenset[str] | None:
    """The class items (``a``, ``a-f``, ``\\d``) of every character a match of the
    pattern can start with, or None when that is not known: a match can be empty or
    start with any character, or the pattern turns on case-insensitive matching. Zero-
    width assertions at the start are passed over, so the items may be more than needed,
    never fewer. Kept per pattern: the red-flag gates share their patterns."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & _CASE_FLAGS:
        return None
    items, can_be_empty = _sequence(parsed.data)
    return None if items is None or can_be_empty else frozenset(items)


def _sequence(items: list[tuple[Any, Any]]) -> Firsts:
    """First characters of parsed items matched one after the other."""
    found: set[str] = set()
    for op, argument in items:
        first, can_be_empty = _item(op, argument)
        if first is None:
            return None, False
        found |= first
        if not can_be_empty:
            return found, False
    return found, True


def _item(op: Any, argument: Any) -> Firsts:
    """First characters of one parsed item; anything not listed is unknown."""
    if op is sre.LITERAL:
        return {re.escape(chr(argument))}, False
    if op is sre.IN:
        return _class_items(argument), False
    if op in _ZERO_WIDTH:
        return set(), True
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub_pattern = argument
        return (None, False) if add_flags or del_flags else _sequence(sub_pattern.data)
    if op is sre.BRANCH:
        return _branches([_sequence(branch.data) for branch in argument[1]])
    if op in _REPEATS:
        minimum, _, sub_pattern = argument
        first, can_be_empty = _sequence(sub_pattern.data)
        return (None, False) if first is None else (first, can_be_empty or minimum == 0)
    return None, False


def _branches(alternatives: list[Firsts]) -> Firsts:
    found: set[str] = set()
    for first, _ in alternatives:
        if first is None:
            return None, False
        found |= first
    return found, any(can_be_empty for _, can_be_empty in alternatives)


def _class_items(items: list[tuple[Any, Any]]) -> set[str] | None:
    """A character class's items as written in a class; None for a negated class."""
    written: set[str] = set()
    for op, argument in items:
        if op is sre.LITERAL:
            written.add(re.escape(chr(argument)))
        elif op is sre.RANGE:
            low, high = argument
            written.add(f"{re.escape(chr(low))}-{re.escape(chr(high))}")
        elif op is sre.CATEGORY and argument in _CATEGORIES:
            written.add(_CATEGORIES[argument])
        else:
            return None
    return written


@functools.cache
def starts_at_word_boundary(pattern: str) -> bool:
    """Whether every match of the pattern starts with ``\\b`` (as in ``\\bfoo|\\bbar``)."""
    parsed = sre_parse.parse(pattern)
    return not parsed.state.flags & _CASE_FLAGS and _after_boundary(parsed.data)


def _after_boundary(items: list[tuple[Any, Any]]) -> bool:
    if not items:
        return False
    op, argument = items[0]
    if op is sre.AT:
        return argument is sre.AT_BOUNDARY
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub_pattern = argument
        return not (add_flags or del_flags) and _after_boundary(sub_pattern.data)
    if op is sre.BRANCH:
        return all(_after_boundary(branch.data) for branch in argument[1])
    return False


def boundary_shared(patterns: list[str], alternation: Callable[[list[str]], str]) -> str:
    """The patterns as one alternation, built by ``alternation``, with those that start
    at a word boundary behind one shared ``\\b``: Python's re tries every branch at
    every position, and the shared ``\\b`` rules them all out at once inside words.
    Their own ``\\b`` stays (a second look at the same position), so the alternation
    matches exactly what the patterns match, in the same order within each part."""
    bounded = [p for p in patterns if starts_at_word_boundary(p)]
    others = [p for p in patterns if not starts_at_word_boundary(p)]
    branches = [rf"\b(?:{alternation(bounded)})"] if bounded else []
    if others:
        branches.append(alternation(others))
    return "|".join(branches)


def grouped_alternation(patterns: list[str]) -> str:
    """An alternation that matches at exactly the positions where one of the patterns
    matches (one character there, whatever the pattern matched).

    Patterns with the same first characters form one alternative,
    ``[chars](?<=(?=p1|p2)[\\s\\S])``: the class rules the group out with one look at
    the character; after it, the lookbehind steps back to the position and lets the
    group's patterns match from there. A pattern whose first characters are not known
    is an alternative as it is.
    """
    groups: dict[frozenset[str], list[str]] = {}
    unknown: list[str] = []
    for pattern in patterns:
        first = first_characters(pattern)
        if first is None:
            unknown.append(pattern)
        else:
            groups.setdefault(first, []).append(pattern)
    alternatives = [
        f"[{''.join(sorted(first))}](?<=(?={either(members)})[\\s\\S])"
        for first, members in groups.items()
    ]
    return "|".join([*alternatives, *(f"(?:{pattern})" for pattern in unknown)])


def either(patterns: list[str]) -> str:
    """The plain alternation of the patterns, each in its own group."""
    return "|".join(f"(?:{pattern})" for pattern in patterns)
