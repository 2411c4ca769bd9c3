"""The held-out evaluation messages (tests/evaluation/data/) as labelled cases.

Each case knows which outcomes are acceptable, so one scorer covers document
answers, clarifications, deflections, safety replies and look-alikes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

ANSWER_PREFIX = "answer:"
CLARIFY = "clarify"
RED_FLAG_OUTCOMES = frozenset({"reply:emergency", "reply:self_harm"})
# Replies that give no document answer and point the patient elsewhere.
DEFLECTIONS = frozenset(
    {"reply:out_of_scope", "reply:nlu_fallback", "reply:human_handoff", "reply:bot_challenge"}
)


def is_answer(outcome: str) -> bool:
    """True when the patient received a document answer."""
    return outcome.startswith(ANSWER_PREFIX)


@dataclass(frozen=True)
class Case:
    """One evaluation message, its set and what the patient may correctly receive."""

    text: str
    group: str  # answers / clarification / out_of_scope / red_flag / look_alike / conversation
    label: str  # topic id, subgroup or reply key: used for per-label tables
    accepted: frozenset[str]
    any_non_answer: bool = False  # look-alikes: any reply that is not a document answer

    def accepts(self, outcome: str) -> bool:
        """Whether the outcome is a correct handling of this message."""
        if outcome in self.accepted:
            return True
        if self.any_non_answer:
            return not is_answer(outcome) and outcome not in RED_FLAG_OUTCOMES
        return False

    @property
    def expects_red_flag(self) -> bool:
        return self.group == "red_flag"

    @property
    def expects_answer(self) -> bool:
        return any(is_answer(outcome) for outcome in self.accepted) and not self.any_non_answer


def _load(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def _cases(
    texts: list[str], group: str, label: str, accepted: frozenset[str], **extra: bool
) -> list[Case]:
    return [Case(str(text), group, label, accepted, **extra) for text in texts]


def answer_cases() -> list[Case]:
    raw = _load("answers.yml")
    cases = [
        case
        for topic, texts in raw["answers"].items()
        for case in _cases(texts, "answers", topic, frozenset({ANSWER_PREFIX + topic}))
    ]
    return cases + _cases(raw["clarification"], "clarification", CLARIFY, frozenset({CLARIFY}))


def out_of_scope_cases() -> list[Case]:
    return [
        case
        for subgroup, texts in _load("out_of_scope.yml").items()
        for case in _cases(texts, "out_of_scope", subgroup, DEFLECTIONS)
    ]


def red_flag_cases() -> list[Case]:
    raw = _load("red_flags.yml")
    cases = [
        case
        for kind in ("emergency", "self_harm")
        for case in _cases(raw[kind], "red_flag", kind, RED_FLAG_OUTCOMES)
    ]
    for item in raw["look_alikes"]:
        accepted = frozenset(ANSWER_PREFIX + topic for topic in item.get("accept", ()))
        cases.append(Case(item["text"], "look_alike", "look_alike", accepted, any_non_answer=True))
    return cases


def conversation_cases() -> list[Case]:
    return [
        case
        for key, texts in _load("conversation.yml").items()
        for case in _cases(texts, "conversation", key, frozenset({f"reply:{key}"}))
    ]


LOADERS: tuple[Callable[[], list[Case]], ...] = (
    answer_cases,
    out_of_scope_cases,
    red_flag_cases,
    conversation_cases,
)


def all_cases() -> list[Case]:
    """Every held-out evaluation message, in a stable order."""
    return [case for loader in LOADERS for case in loader()]
