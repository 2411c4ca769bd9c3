"""The held-out evaluation messages (evaluation/data/) as labelled cases.

Each case knows which outcomes are acceptable, so one scorer covers document
answers, clarifications, deflections, safety replies and look-alikes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from actions.content import load_content
from actions.replies import DID_YOU_MEAN_REPLY, SMALL_TALK, WHICH_TOPIC_REPLY

DATA_DIR = Path(__file__).resolve().parent / "data"
# Blind rounds (issue #9's protocol): each round's sets are written by someone who
# never saw data/nlu.yml or the earlier sets, frozen before the model changes, and
# never mined for training examples; the next round writes new ones.
BLIND_DIR = Path(__file__).resolve().parent / "blind"

ANSWER_PREFIX = "answer:"
CLARIFY = "clarify"
RED_FLAG_OUTCOMES = frozenset({"reply:emergency", "reply:self_harm"})
# The closest topics offered instead of a deflection: "Did you mean …?", or "Which of
# these …?" to a question too vague to have a topic ("is it safe").
TOPIC_OFFERS = frozenset(f"reply:{key}" for key in (DID_YOU_MEAN_REPLY, WHICH_TOPIC_REPLY))
# Replies that give no document answer and point the patient elsewhere.
DEFLECTIONS = TOPIC_OFFERS | {
    "reply:out_of_scope",
    "reply:nlu_fallback",
    "reply:human_handoff",
    "reply:bot_challenge",
}

# Small talk among out-of-scope messages ("hi", "thank you", "good night") is rightly
# answered in kind; the greeting also says what the assistant can answer.
SMALL_TALK_REPLIES = frozenset(f"reply:{intent}" for intent in SMALL_TALK)
SMALL_TALK_SUBGROUPS = frozenset({"other", "chit_chat"})


@cache
def no_details_outcomes() -> frozenset[str]:
    """The replies of topics the document has a heading for but no text ("I don't
    have details about ... Please ask your care team"). They answer nothing and point
    the patient elsewhere, as a deflection does: right for their own topic, a
    deflection for an out-of-scope message, and never a wrong document answer."""
    return frozenset(
        ANSWER_PREFIX + topic.id
        for topic in load_content().topics.values()
        if not topic.has_document_text
    )


def is_answer(outcome: str) -> bool:
    """True when the patient received a document answer."""
    return outcome.startswith(ANSWER_PREFIX) and outcome not in no_details_outcomes()


@dataclass(frozen=True)
class Case:
    """One evaluation message, its set and what the patient may correctly receive."""

    text: str
    group: str  # answers / clarification / out_of_scope / red_flag / look_alike / conversation
    label: str  # topic id, subgroup or reply key: used for per-label tables
    accepted: frozenset[str]
    any_non_answer: bool = False  # look-alikes: any reply that is not a document answer
    category: str = ""  # red flags: the situation (stroke, overdose_poisoning, ...)

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


def _load(name: str, data_dir: Path) -> dict:
    """libyaml's safe loader: the same data as yaml.safe_load, 20 times faster on the
    31 blind rounds that every gate reads."""
    return yaml.load((data_dir / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _cases(
    texts: list[str], group: str, label: str, accepted: frozenset[str], **extra: bool | str
) -> list[Case]:
    return [Case(str(text), group, label, accepted, **extra) for text in texts]  # type: ignore[arg-type]


def _by_category(texts: list[str] | dict[str, list[str]], kind: str) -> dict[str, list[str]]:
    """Red flags listed flat (the first sets) or by category (the blind rounds)."""
    return texts if isinstance(texts, dict) else {kind: texts}


def answer_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    raw = _load("answers.yml", data_dir)
    cases = [
        case
        for topic, texts in raw["answers"].items()
        for case in _cases(texts, "answers", topic, frozenset({ANSWER_PREFIX + topic}))
    ]
    return cases + _cases(raw["clarification"], "clarification", CLARIFY, frozenset({CLARIFY}))


def _out_of_scope_replies(subgroup: str) -> frozenset[str]:
    deflections = DEFLECTIONS | no_details_outcomes()
    if subgroup in SMALL_TALK_SUBGROUPS:
        return deflections | SMALL_TALK_REPLIES
    return deflections


def out_of_scope_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    return [
        case
        for subgroup, texts in _load("out_of_scope.yml", data_dir).items()
        for case in _cases(texts, "out_of_scope", subgroup, _out_of_scope_replies(subgroup))
    ]


def red_flag_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    raw = _load("red_flags.yml", data_dir)
    cases = [
        case
        for kind in ("emergency", "self_harm")
        for category, texts in _by_category(raw[kind], kind).items()
        for case in _cases(texts, "red_flag", kind, RED_FLAG_OUTCOMES, category=category)
    ]
    for item in raw["look_alikes"]:
        accepted = frozenset(ANSWER_PREFIX + topic for topic in item.get("accept", ()))
        cases.append(Case(item["text"], "look_alike", "look_alike", accepted, any_non_answer=True))
    return cases


def conversation_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    return [
        case
        for key, texts in _load("conversation.yml", data_dir).items()
        for case in _cases(texts, "conversation", key, frozenset({f"reply:{key}"}))
    ]


# Each set's file and its loader. A blind round has no conversation set (those
# replies are not what patients' wording puts at risk).
LOADERS: dict[str, Callable[[Path], list[Case]]] = {
    "answers.yml": answer_cases,
    "out_of_scope.yml": out_of_scope_cases,
    "red_flags.yml": red_flag_cases,
    "conversation.yml": conversation_cases,
}


def all_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    """Every held-out evaluation message of one folder's sets, in a stable order."""
    return [
        case
        for name, loader in LOADERS.items()
        if (data_dir / name).exists()
        for case in loader(data_dir)
    ]
