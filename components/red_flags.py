"""Recall-first red-flag detection that overrides every FAQ intent.

A statistical classifier can be confidently wrong; an emergency must never be
answered with an FAQ. This component runs after the intent classifiers and,
when a red-flag phrase is found, replaces the intent with ``emergency`` or
``self_harm`` at full confidence. That is the rule layer. The learned layer is
the classifier's ``emergency`` and ``self_harm`` intents, trained on many
phrasings of every category: when either is ranked at or above its own
recall-first threshold (``learned_threshold``, far below the fallback's), it
wins too, so wording that no rule names is still caught, unless every symptom
the message mentions is negated, in the past, asked about in general or part of
an idiom ("no numbness, just mild back pain", "this wait is killing me"): then
the patient is asked to rephrase instead of being alarmed.

The phrases live in content/red_flags.yml so clinical reviewers can read and
extend them without touching code. They are grouped in categories
(``chest_pain``, ``stroke``, ``suicide_self_harm``...); each category says which
reply it triggers (its ``kind``: ``emergency`` or ``self_harm``). To add a
category, add an entry under ``categories:`` in the YAML with a ``kind``, a
``note`` for reviewers and its ``patterns``; nothing here needs to change.

How a message is read:

1. Apostrophes are dropped ("can't" -> "cant", as patients often type it) and
   known idioms ("my back is killing me", "bored to death") are cut out.
2. The message is split into clauses (sentences, commas, "but"...). A
   category's ``patterns`` are searched clause by clause. A match is ignored
   when its clause is a hypothetical ("what if") or a general question
   without the patient or someone with them in it; when it follows reported
   speech in its clause ("the doctor said"); when its own part of the clause
   (clauses are cut further at "and", "then"...) is set in the past or is a
   long-standing complaint ("years ago", "I get ... when"); when a negation cue
   comes a few words before it ("no", "don't have"); or when it is followed by
   "is fine".
3. ``context_patterns`` count only when one of the category's ``context``
   phrases also appears, not negated, anywhere in the message: a symptom after
   a knock on the head, a fever after an operation. The context may be in the
   past unless the category sets ``context_can_be_past: false``.
4. ``question_patterns`` count even in a general question ("how many pills
   would it take to die").
5. ``message_patterns`` must match the whole message (punctuation removed),
   for messages that are only a cry for help ("help!!", or the emergency number).

``category(text)`` returns the id of the first category, in file order, with a
match that stands; self-harm categories are always checked first because their
reply also carries the emergency number. ``classify(text)`` returns that
category's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.first_characters import boundary_shared, either, grouped_alternation
from components.nearest_examples import NEAREST_INTENTS, UNFAMILIAR
from project import CONTENT_DIR

DEFAULT_RULES_FILE = CONTENT_DIR / "red_flags.yml"
# Self-harm is checked first: its reply also carries the emergency number.
KINDS = ("self_harm", "emergency")
# "and now" starts a new clause that keeps its "now" ("had surgery monday and now my
# leg is numb": what is new counts).
CLAUSE_BREAK = re.compile(r"[.;!?\n]+|,|\bbut\b|\band (?=now\b)|\bhowever\b", re.IGNORECASE)
# Parts of a clause: the reach of a negation cue and of a past-time cue. "ago now"
# ends a past part where a message without punctuation goes on to what is new:
# "spine surgery 2 weeks ago now fever and shaking". "A while" is a time, not a
# conjunction: "has had bladder leaks for a while".
PART_BREAK = re.compile(
    r"\b(?:and|then|so|until|till|because|cause|cos|bc|although|though|(?<!\ba )(?<!\bgood )while"
    r"|whereas|plus)\b"
    r"|(?<=\bago )now\b",
    re.IGNORECASE,
)
NEGATION_WINDOW_WORDS = 5
# Words that join a negated list, over which a negation reaches further back.
_NEGATED_LIST = frozenset({"or", "nor"})
FALLBACK_INTENT = "nlu_fallback"
# Parse-data key with the red-flag verdict: {"category": rule category or None,
# "learned": the learned layer's kind or None}.
RED_FLAG_KEY = "red_flag"
# The learned layer decides on its own, recall-first threshold (config.yml can set
# `learned_threshold`); chosen on the development sets and the cross-validation,
# never on a blind round.
DEFAULT_LEARNED_THRESHOLD = 0.3
# ... and needs this many emergency or crisis examples among the message's nearest
# training examples (components/nearest_examples.py, k = 5).
DEFAULT_NEIGHBOURS_NEEDED = 2
# A verdict this confident stands without its neighbours: indirect suicidal wording
# ("I'm saying my goodbyes", "I won't be around much longer") has few near training
# examples, while the small self-harm class is rarely wrong when this sure; an emergency
# told as a story ("my dad had his back op on monday, now he is burning up") may have
# look-alikes among its neighbours. The confidence is the blend of DIET and the
# regression (components/intent_blend.py). Chosen on the parses of used rounds r1-r37
# (10,683 emergencies, 4,375 look-alikes). Self-harm: 0.5 misses 30 emergencies and
# alarms 201 look-alikes, 0.7 misses 37 and alarms 192. Emergency, with the look-alikes
# and emergencies added to data/nlu.yml: without it 27 missed and 154 alarms; 0.9, 22
# and 154; 0.8, 21 and 154; 0.7, 20 and 157; 0.5, 19 and 173.
DEFAULT_CONFIDENT_ALONE = {"self_harm": 0.5, "emergency": 0.8}
# Whole-message patterns only look at short messages.
MESSAGE_PATTERN_MAX_CHARS = 120

_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4]")
_NOT_WORD = re.compile(r"[^\w\s]+")
_TERM = re.compile(r"<(\w+)>")
# An upper-case letter that is not part of an escape such as \\W or \\S.
_UPPER_CASE_LETTER = re.compile(r"(?<!\\)[A-Z]")
# How far back a negation cue is looked for (a bound keeps long messages linear).
NEGATION_WINDOW_CHARS = 80
_TERM_DEPTH = 5


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written in lower case (messages are lower-cased first).

    Matching without IGNORECASE is several times faster in Python's re.
    """
    if _UPPER_CASE_LETTER.search(pattern):
        raise ValueError(f"write red-flag patterns in lower case: {pattern}")
    return re.compile(pattern, flags)


# "\w+d" or "\w+ll" where a contraction (he'd, she'll) is meant.
_GUESSED_CONTRACTION = re.compile(r"\\w\+(?:d|ll)(?![a-z])")


def _checked_idiom(pattern: str) -> str:
    """An idiom is cut out of every message before any category looks, so a guessed
    contraction cuts out real emergencies: "\\w+d have a heart attack when" also matched
    "my husband have a heart attack when he stand up"."""
    if _GUESSED_CONTRACTION.search(pattern):
        raise ValueError(f"name an idiom's contractions one by one (id|hed|shed): {pattern}")
    return pattern


# Negative lookbehinds at a pattern's start ("(?<!dont )"): a gate may leave them out,
# since without them it matches at least wherever the pattern does.
_LEADING_LOOKBEHINDS = re.compile(r"^(?:\(\?<![^()]*\))+")


def _gate(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One regex that matches wherever any of the patterns matches (a fast first check).

    It is searched in the clauses joined by newlines: MULTILINE keeps ^ and $ at
    clause edges and "." never crosses a newline. Only where it matches counts, so the
    patterns are grouped by their first characters (components/first_characters.py),
    those that start at a word boundary behind one \\b: about twice as fast as the
    plain alternation.
    """
    if not patterns:
        return None
    widened = [_LEADING_LOOKBEHINDS.sub("", p.pattern) for p in patterns]
    return re.compile(boundary_shared(widened, grouped_alternation), re.MULTILINE)


def _expand(pattern: str, terms: dict[str, str]) -> str:
    """Replace each <term> with its alternation from the ``terms:`` section."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise ValueError(f"unknown term <{name}> in red-flag pattern: {pattern}")
        return terms[name]

    for _ in range(_TERM_DEPTH):
        if not _TERM.search(pattern):
            return pattern
        pattern = _TERM.sub(substitute, pattern)
    raise ValueError(f"red-flag terms nest too deeply in: {pattern}")


def _patterns(raw: list[str] | None, terms: dict[str, str]) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(_expand(p, terms)) for p in raw or ())


def _cues(raw: list[str], terms: dict[str, str], flags: int = 0) -> re.Pattern[str]:
    """Cues of which any one is enough, as one regex: one search instead of one each."""
    return _compile(boundary_shared([_expand(p, terms) for p in raw], either), flags)


@dataclass(frozen=True)
class Category:
    """One group of red flags, such as chest pain, and the reply it triggers."""

    id: str
    kind: str
    patterns: tuple[re.Pattern[str], ...] = ()
    context: tuple[re.Pattern[str], ...] = ()
    context_patterns: tuple[re.Pattern[str], ...] = ()
    message_patterns: tuple[re.Pattern[str], ...] = ()
    question_patterns: tuple[re.Pattern[str], ...] = ()
    needs_context_when: tuple[re.Pattern[str], ...] = ()
    context_can_be_past: bool = True
    ongoing_cancels: bool = True
    not_now_cancels: bool = True
    note: str = ""

    @cached_property
    def gate(self) -> re.Pattern[str] | None:
        """Matches wherever a clause-level pattern of the category could match (None: no gate)."""
        return _gate((*self.patterns, *self.question_patterns, *self.context_patterns))

    @classmethod
    def from_raw(cls, cid: str, raw: dict[str, Any], terms: dict[str, str]) -> Category:
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"red-flag category {cid} needs kind: emergency or self_harm")
        if bool(raw.get("context")) != bool(raw.get("context_patterns")):
            raise ValueError(f"red-flag category {cid}: context and context_patterns go together")
        return cls(
            id=cid,
            kind=kind,
            patterns=_patterns(raw.get("patterns"), terms),
            context=_patterns(raw.get("context"), terms),
            context_patterns=_patterns(raw.get("context_patterns"), terms),
            message_patterns=_patterns(raw.get("message_patterns"), terms),
            question_patterns=_patterns(raw.get("question_patterns"), terms),
            needs_context_when=_patterns(raw.get("needs_context_when"), terms),
            context_can_be_past=bool(raw.get("context_can_be_past", True)),
            ongoing_cancels=bool(raw.get("ongoing_cancels", True)),
            # A crisis is never set aside by a laugh or a date.
            not_now_cancels=kind == "emergency" and bool(raw.get("not_now_cancels", True)),
            note=str(raw.get("note", "")).strip(),
        )


class _Clause:
    """One clause of a message, with its parts and (lazily) whether it is background."""

    __slots__ = ("_general", "_hypothetical", "_past", "_report_from", "_rules", "parts", "text")

    def __init__(self, text: str, rules: RedFlagRules) -> None:
        self.text = text
        self._rules = rules
        self._hypothetical: bool | None = None
        self._general: bool | None = None
        self._report_from: int | None = None
        self._past: dict[tuple[int, int, bool], bool] = {}
        starts = [0]
        for found in PART_BREAK.finditer(text):
            starts += [found.start(), found.end()]
        starts.append(len(text))
        # (start, end) of each part; the break words themselves belong to no part.
        self.parts = [(starts[i], starts[i + 1]) for i in range(0, len(starts) - 1, 2)]

    @property
    def hypothetical(self) -> bool:
        """A hypothetical or a worry about the future (a report: `background_at`)."""
        if self._hypothetical is None:
            self._hypothetical = bool(self._rules.background.search(self.text))
        return self._hypothetical

    @property
    def general(self) -> bool:
        """A general question without the patient or someone with them in it."""
        if self._general is None:
            self._general = self._rules._is_general_question(self.text)
        return self._general

    @property
    def background(self) -> bool:
        return self.hypothetical or self.general

    def background_at(self, start: int) -> bool:
        """Background for a match from `start`: the whole clause, or what follows a
        report ("my dad collapsed and the nurse told me to call you" tells the collapse
        itself; "the nurse told me to watch for numbness" does not)."""
        if self._report_from is None:
            found = self._rules.report.search(self.text)
            self._report_from = found.start() if found else len(self.text) + 1
        return self.background or self._report_from <= start

    def scope(self, start: int, end: int) -> tuple[int, int]:
        """Start and end of the parts that a match from start to end touches."""
        first = max((s for s, _ in self.parts if s <= start), default=0)
        last = min((e for _, e in self.parts if e >= end), default=len(self.text))
        return first, last


@dataclass
class _Message:
    """A message prepared once: idioms removed, clauses split."""

    text: str
    whole: str
    clauses: list[_Clause]
    joined: str
    idioms_found: int
    _context_cache: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class RedFlagRules:
    """Compiled red-flag categories and the cues that cancel a match."""

    categories: tuple[Category, ...]
    mentions: tuple[re.Pattern[str], ...]
    negation: re.Pattern[str]
    negation_after: re.Pattern[str]
    background: re.Pattern[str]
    report: re.Pattern[str]
    not_now_cues: tuple[re.Pattern[str], ...]
    not_now_for_rules: tuple[re.Pattern[str], ...]
    learned_stands_cues: tuple[re.Pattern[str], ...]
    past: re.Pattern[str]
    past_or_ongoing: re.Pattern[str]
    general_question: re.Pattern[str]
    first_person: re.Pattern[str]
    idioms: re.Pattern[str] | None

    @classmethod
    def from_file(cls, path: Path = DEFAULT_RULES_FILE) -> RedFlagRules:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        terms = {str(k): f"(?:{v})" for k, v in (raw.get("terms") or {}).items()}
        categories = [
            Category.from_raw(cid, body, terms) for cid, body in raw["categories"].items()
        ]
        # Self-harm categories first, then file order.
        ordered = sorted(categories, key=lambda c: KINDS.index(c.kind))
        idioms = [_expand(_checked_idiom(p), terms) for p in raw.get("idioms") or ()]
        return cls(
            categories=tuple(ordered),
            mentions=_patterns(raw["symptom_mentions"], terms),
            negation=_compile(
                rf"\b(?:{'|'.join(_expand(c, terms) for c in raw['negation_cues'])})\b"
            ),
            negation_after=_compile(_expand(raw["negation_after"], terms)),
            background=_cues(raw["background_cues"], terms),
            report=_cues(raw["report_cues"], terms),
            not_now_cues=_patterns(raw.get("not_now_cues"), terms),
            not_now_for_rules=_patterns(raw.get("not_now_for_rules"), terms),
            learned_stands_cues=_patterns(raw.get("learned_stands_cues"), terms),
            past=_cues(raw["past_cues"], terms, re.MULTILINE),
            past_or_ongoing=_cues(raw["past_cues"] + raw["ongoing_cues"], terms, re.MULTILINE),
            general_question=_compile(raw["general_question_start"]),
            first_person=_compile(raw["first_person"]),
            idioms=_compile(boundary_shared(idioms, either)) if idioms else None,
        )

    @cached_property
    def patterns(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        """Every clause-level pattern by kind (for code that used the flat lists)."""
        return {
            kind: tuple(
                p
                for c in self.categories
                if c.kind == kind
                for p in (*c.patterns, *c.question_patterns, *c.context_patterns)
            )
            for kind in KINDS
        }

    @cached_property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    @cached_property
    def gate(self) -> re.Pattern[str] | None:
        """Matches wherever any clause-level red-flag pattern could match (None: no gate)."""
        return _gate(tuple(p for kind in KINDS for p in self.patterns[kind]))

    # -- cancelling cues ---------------------------------------------------------------

    def _is_general_question(self, clause: str) -> bool:
        return bool(self.general_question.search(clause)) and not self.first_person.search(clause)

    def _is_negated(self, clause: _Clause, start: int, end: int) -> bool:
        """A negation cue a few words before the match, in its own part, or "is fine" after.
        A list joined by "or" is negated as a whole: "I dont have any chest pain or
        trouble breathing"."""
        part_start, _ = clause.scope(start, start)
        window_start = max(part_start, start - NEGATION_WINDOW_CHARS)
        words = clause.text[window_start:start].split()
        recent = words[-NEGATION_WINDOW_WORDS:]
        preceding = words if _NEGATED_LIST.intersection(recent) else recent
        if preceding and self.negation.search(" ".join(preceding)):
            return True
        return bool(self.negation_after.match(clause.text, end))

    def _is_past(self, clause: _Clause, start: int, end: int, ongoing: bool = True) -> bool:
        """A past-time cue in the match's own part of the clause, or a long-standing one
        unless `ongoing` is False. A cue may look past its part: "had a seizure" is no
        past seizure in "had a seizure and its been 5 minutes"."""
        first, last = clause.scope(start, end)
        past = clause._past.get((first, last, ongoing))
        if past is None:
            cues = self.past_or_ongoing if ongoing else self.past
            part = clause.text[first:last]
            # The rest of the clause follows on its own line: a cue ends at the part's
            # end ("$"), but one that says so may look across it ("(?s:.)").
            found = cues.search(f"{part}\n{clause.text[last:]}")
            past = found is not None and found.start() < len(part)
            clause._past[(first, last, ongoing)] = past
        return past

    def _stands(
        self, clause: _Clause, match: re.Match[str], general_ok: bool = False, ongoing: bool = True
    ) -> bool:
        """Not negated, past or (with `ongoing`) long-standing; not hypothetical nor a
        general question, unless `general_ok`: a question pattern ("how many pills would
        it take to die") is a red flag however it is asked."""
        start, end = match.span()
        return not (
            (clause.background_at(start) and not general_ok)
            or self._is_negated(clause, start, end)
            or self._is_past(clause, start, end, ongoing)
        )

    # -- matching ----------------------------------------------------------------------

    def _prepare(self, text: str) -> _Message:
        text = _APOSTROPHES.sub("", text).lower()
        idioms_found = 0
        if self.idioms is not None:
            text, idioms_found = self.idioms.subn(" ; ", text)
        whole = " ".join(_NOT_WORD.sub(" ", text).split())
        clauses = [_Clause(clause, self) for clause in dict.fromkeys(self._dated_clauses(text))]
        return _Message(text, whole, clauses, "\n".join(c.text for c in clauses), idioms_found)

    def _dated_clauses(self, text: str) -> list[str]:
        """The message's clauses; one that is only a past cue ("years ago", "gone now")
        belongs to the clause before it: "I fainted once at a blood draw, years ago"."""
        clauses: list[str] = []
        for piece in CLAUSE_BREAK.split(text):
            clause = " ".join(piece.split())
            if clauses and self.past.fullmatch(clause):
                clauses[-1] = f"{clauses[-1]} {clause}"
            elif clause:
                clauses.append(clause)
        return clauses

    def _found(
        self,
        clause: _Clause,
        patterns: tuple[re.Pattern[str], ...],
        general_ok: bool = False,
        ongoing: bool = True,
    ) -> list[bool]:
        """One entry per match in the clause: True when it stands."""
        return [
            self._stands(clause, match, general_ok, ongoing)
            for pattern in patterns
            for match in pattern.finditer(clause.text)
        ]

    def _any_stands(
        self,
        message: _Message,
        patterns: tuple[re.Pattern[str], ...],
        general_ok: bool = False,
        ongoing: bool = True,
    ) -> bool:
        for clause in message.clauses:
            for pattern in patterns:
                for match in pattern.finditer(clause.text):
                    if self._stands(clause, match, general_ok, ongoing):
                        return True
        return False

    def _context_present(self, message: _Message, category: Category) -> bool:
        cached = message._context_cache.get(category.id)
        if cached is not None:
            return cached
        present = False
        for clause in message.clauses:
            for pattern in category.context:
                for match in pattern.finditer(clause.text):
                    if category.context_can_be_past:
                        present = not self._is_negated(clause, *match.span())
                    else:
                        present = self._stands(clause, match, ongoing=category.ongoing_cancels)
                    if present:
                        message._context_cache[category.id] = True
                        return True
        message._context_cache[category.id] = False
        return False

    def _category_stands(
        self, message: _Message, category: Category, gate_from: int | None
    ) -> bool:
        """`gate_from`: where the first clause-level match of any category could start
        (None: nowhere), so the category's own gate need not search before it."""
        if (
            category.message_patterns
            and len(message.whole) <= MESSAGE_PATTERN_MAX_CHARS
            and any(p.fullmatch(message.whole) for p in category.message_patterns)
        ):
            return True
        if gate_from is None or (
            category.gate is not None and not category.gate.search(message.joined, gate_from)
        ):
            return False
        ongoing = category.ongoing_cancels
        on_their_own = not any(p.search(message.text) for p in category.needs_context_when)
        patterns_stand = self._any_stands(message, category.patterns, ongoing=ongoing)
        if patterns_stand and on_their_own:
            return True
        if self._any_stands(message, category.question_patterns, general_ok=True, ongoing=ongoing):
            return True
        return (
            bool(category.context_patterns)
            and self._any_stands(message, category.context_patterns, ongoing=ongoing)
            and (patterns_stand or self._context_present(message, category))
        )

    def category(self, text: str) -> str | None:
        """The id of the first red-flag category whose phrase stands in the message.

        A message that laughs at itself or dates itself (`not_now_for_rules`: "worst
        headache ever filling in these forms haha", "that was 30 years ago") raises no
        emergency from a category with `not_now_cancels`; a crisis still stands, since
        "lol" can hide one."""
        return self._category_of(self._prepare(text))

    def _category_of(self, message: _Message) -> str | None:
        gate_from = self._gate_from(message)
        not_now = any(cue.search(message.text) for cue in self.not_now_for_rules)
        for category in self.categories:
            if not_now and category.not_now_cancels:
                continue
            if self._category_stands(message, category, gate_from):
                return category.id
        return None

    def _gate_from(self, message: _Message) -> int | None:
        """Where the leftmost clause-level match of any category could start, or None
        when none can match: no category's gate can match before the union's does."""
        if self.gate is None:
            return 0
        first = self.gate.search(message.joined)
        return None if first is None else first.start()

    def classify(self, text: str) -> str | None:
        """Return "self_harm", "emergency" or None for a patient's message."""
        return self._kind_of(self._category_of(self._prepare(text)))

    def _kind_of(self, category: str | None) -> str | None:
        return next((c.kind for c in self.categories if c.id == category), None)

    def only_cancelled_mentions(self, text: str) -> bool:
        """True when symptoms are mentioned but every mention is negated, past, general or
        idiom. A symptom that stands but lacks its category's context ("I can't feel my
        feet" with no injury) is no cancelled mention: the learned layer decides."""
        return self._only_cancelled(self._prepare(text))

    def _only_cancelled(self, message: _Message) -> bool:
        found = [False] * message.idioms_found
        for clause in message.clauses:
            for category in self.categories:
                ongoing = category.ongoing_cancels
                found += self._found(clause, category.patterns, ongoing=ongoing)
                found += self._found(clause, category.question_patterns, True, ongoing)
                context_found = self._found(clause, category.context_patterns, ongoing=ongoing)
                if any(context_found) and not self._context_present(message, category):
                    context_found = [found_ for found_ in context_found if not found_]
                found += context_found
            found += self._found(clause, self.mentions)
        return bool(found) and not any(found)

    def override(self, text: str, intent: str | None, learned: str | None = None) -> str | None:
        """The intent that must replace the classifier's, or None to keep it.

        A standing red flag always wins. The learned layer's emergency guess
        (`learned`, or the classifier's own top intent) is kept as a safety net
        for wording the rules do not know, except when the rules see only
        negated, past, general or idiomatic mentions ("no numbness", "my back
        is killing me") and the guess may not stand on its own (`learned_stands`),
        or when the message says it is not happening now (`not_now`, for an
        emergency guess only): then the patient is asked to rephrase rather than
        alarmed.
        """
        message = self._prepare(text)
        kind = self._kind_of(self._category_of(message))
        if kind is not None:
            return kind
        guess = learned or (intent if intent in KINDS else None)
        if guess is None:
            return None
        if guess == "emergency" and self._not_now(message):
            return FALLBACK_INTENT
        if self._only_cancelled(message) and not self._learned_stands(guess, message):
            return FALLBACK_INTENT
        return None if guess == intent else guess

    def _learned_stands(self, guess: str, message: _Message) -> bool:
        """An emergency guess on a message that says something is happening now
        (`learned_stands_cues`) outweighs mentions the rules read as cancelled: "what
        helps chest pain, it started 20 min ago" asks in general, then says it is now.
        A crisis guess does not: "I'm not suicidal or anything" is common and calm."""
        return guess == "emergency" and any(
            cue.search(message.text) for cue in self.learned_stands_cues
        )

    def _not_now(self, message: _Message) -> bool:
        """The message says it is over, a joke or a story, or asks for a home remedy
        (`not_now_cues`): "my legs went numb on the plane, back to normal now", "my kid is
        choking on laughter lol", "what helps a sore throat"."""
        cues = (*self.not_now_cues, *self.not_now_for_rules)
        return any(cue.search(message.text) for cue in cues)


def learned_kind(
    ranking: list[dict[str, Any]], threshold: float = DEFAULT_LEARNED_THRESHOLD
) -> str | None:
    """The learned layer's verdict: the safety intent the classifier ranks at or above
    its own recall-first threshold, far below the general fallback threshold, so an
    emergency the classifier half-recognises never loses to "say it another way"."""
    best = max(KINDS, key=lambda kind: confidence_of(kind, ranking))
    score = confidence_of(best, ranking)
    return best if score > 0 and score >= threshold else None


def confidence_of(intent: str, ranking: list[dict[str, Any]]) -> float:
    """The classifier's confidence in one intent (0 when the ranking lacks it)."""
    return max(
        (float(entry.get("confidence") or 0.0) for entry in ranking if entry.get("name") == intent),
        default=0.0,
    )


@cache
def load_rules(path: Path = DEFAULT_RULES_FILE) -> RedFlagRules:
    """Compile the rules file once per process."""
    return RedFlagRules.from_file(path)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagDetector(GraphComponent):
    """Overrides the predicted intent when the message contains a red flag."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "rules_file": str(DEFAULT_RULES_FILE),
            "learned_threshold": DEFAULT_LEARNED_THRESHOLD,
            "neighbours_needed": DEFAULT_NEIGHBOURS_NEEDED,
            "confident_alone": DEFAULT_CONFIDENT_ALONE,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self._rules = load_rules(Path(config["rules_file"]))
        self._learned_threshold = float(config["learned_threshold"])
        self._neighbours_needed = int(config["neighbours_needed"])
        self._confident_alone = {k: float(v) for k, v in dict(config["confident_alone"]).items()}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagDetector:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            ranking = message.get(INTENT_RANKING_KEY) or []
            learned = learned_kind(ranking, self._learned_threshold)
            if learned is not None and not self._confirmed(learned, ranking, message):
                learned = None
            replacement = self._rules.override(text, intent, learned)
            if replacement is None and intent in KINDS and learned is None:
                # The classifier's own safety guess, not confirmed by its neighbours.
                replacement = FALLBACK_INTENT
            if replacement is not None:
                self._override_intent(message, replacement)
            if replacement in KINDS:
                self._record_layers(message, text, learned)
        return messages

    def _confirmed(self, kind: str, ranking: list[dict[str, Any]], message: Message) -> bool:
        """The learned verdict stands when the classifier is sure enough of this kind
        on its own, or when the message's nearest training examples agree; never on a
        message with no word the training examples know ("blorp", "wibble wobble"):
        its guess is then the size of the emergency class, not a reading."""
        if message.get(UNFAMILIAR):
            return False
        alone = self._confident_alone.get(kind)
        confident = alone is not None and confidence_of(kind, ranking) >= alone
        return confident or self._neighbours_agree(message)

    def _neighbours_agree(self, message: Message) -> bool:
        """The learned layer's second opinion: enough of the message's nearest training
        examples are emergencies or crises (components/nearest_examples.py). Without
        that component in the pipeline, the classifier decides alone."""
        nearest = message.get(NEAREST_INTENTS)
        if nearest is None:
            return True
        return sum(intent in KINDS for intent in nearest) >= self._neighbours_needed

    def _record_layers(self, message: Message, text: str, learned: str | None) -> None:
        """Which layer saw the red flag and in which category, for the reports and the
        hospital's insights (the classifier's own score is gone from the ranking)."""
        verdict = {"category": self._rules.category(text), "learned": learned}
        message.set(RED_FLAG_KEY, verdict, add_to_output=True)

    @staticmethod
    def _override_intent(message: Message, name: str) -> None:
        override = {"name": name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
