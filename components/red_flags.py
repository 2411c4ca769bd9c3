"""Recall-first red-flag detection that overrides every FAQ intent.

A statistical classifier can be confidently wrong; an emergency must never be
answered with an FAQ. This component runs after the intent classifiers and,
when a red-flag phrase is found, replaces the intent with ``emergency`` or
``self_harm`` at full confidence. The classifier's own emergency guess is kept
as a safety net, unless every symptom the message mentions is negated, in the
past or asked about in general ("no numbness, just mild back pain"): then the
patient is asked to rephrase instead of being alarmed. The phrases live in
content/red_flags.yml so clinical reviewers can read and extend them without
touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "content" / "red_flags.yml"
# Self-harm is checked first: its reply also carries the emergency number.
KINDS = ("self_harm", "emergency")
CLAUSE_BREAK = re.compile(r"[.;!?\n]+|,|\bbut\b|\band now\b|\bhowever\b", re.IGNORECASE)
NEGATION_WINDOW_WORDS = 5
FALLBACK_INTENT = "nlu_fallback"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class RedFlagRules:
    """Compiled red-flag patterns and the cues that cancel a match."""

    patterns: dict[str, tuple[re.Pattern[str], ...]]
    mentions: tuple[re.Pattern[str], ...]
    negation: re.Pattern[str]
    background: tuple[re.Pattern[str], ...]
    general_question: re.Pattern[str]
    first_person: re.Pattern[str]

    @classmethod
    def from_file(cls, path: Path = DEFAULT_RULES_FILE) -> RedFlagRules:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cues = "|".join(raw["negation_cues"])
        return cls(
            patterns={kind: tuple(_compile(p) for p in raw[kind]) for kind in KINDS},
            mentions=tuple(_compile(p) for p in raw["symptom_mentions"]),
            negation=_compile(rf"\b({cues})\b"),
            background=tuple(_compile(p) for p in raw["background_cues"]),
            general_question=_compile(raw["general_question_start"]),
            first_person=_compile(raw["first_person"]),
        )

    def _is_negated(self, clause: str, start: int) -> bool:
        """A negation cue among the few words before the match cancels it."""
        preceding = " ".join(clause[:start].split()[-NEGATION_WINDOW_WORDS:])
        return bool(self.negation.search(preceding))

    def _is_background(self, clause: str) -> bool:
        """Past events, hypotheticals and general questions about the document are not alarms."""
        if any(cue.search(clause) for cue in self.background):
            return True
        return bool(self.general_question.search(clause)) and not self.first_person.search(clause)

    def _standing(self, text: str, patterns: tuple[re.Pattern[str], ...]) -> list[bool]:
        """One entry per phrase found in the text: True when it is not cancelled."""
        found = []
        for clause in _clauses(text):
            background = self._is_background(clause)
            found += [
                not background and not self._is_negated(clause, match.start())
                for pattern in patterns
                for match in pattern.finditer(clause)
            ]
        return found

    def classify(self, text: str) -> str | None:
        """Return "self_harm", "emergency" or None for a patient's message."""
        for kind in KINDS:
            if any(self._standing(text, self.patterns[kind])):
                return kind
        return None

    def only_cancelled_mentions(self, text: str) -> bool:
        """True when symptoms are mentioned but every mention is negated, past or general."""
        patterns = (*self.patterns["self_harm"], *self.patterns["emergency"], *self.mentions)
        found = self._standing(text, patterns)
        return bool(found) and not any(found)

    def override(self, text: str, intent: str | None) -> str | None:
        """The intent that must replace the classifier's, or None to keep it.

        A standing red flag always wins. The classifier's own emergency guess is
        kept as a safety net for wording the rules do not know, except when the
        rules see only negated, past or general mentions ("no numbness"): then
        the patient is asked to rephrase rather than alarmed.
        """
        kind = self.classify(text)
        if kind is not None:
            return kind
        if intent in KINDS and self.only_cancelled_mentions(text):
            return FALLBACK_INTENT
        return None


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in CLAUSE_BREAK.split(text.replace("\u2019", "'")) if c.strip()]


@cache
def load_rules(path: Path = DEFAULT_RULES_FILE) -> RedFlagRules:
    """Compile the rules file once per process."""
    return RedFlagRules.from_file(path)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagDetector(GraphComponent):
    """Overrides the predicted intent when the message contains a red flag."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"rules_file": str(DEFAULT_RULES_FILE)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._rules = load_rules(Path(config["rules_file"]))

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
            intent = (message.get(INTENT) or {}).get("name")
            replacement = self._rules.override(message.get(TEXT) or "", intent)
            if replacement is not None:
                self._override_intent(message, replacement)
        return messages

    @staticmethod
    def _override_intent(message: Message, name: str) -> None:
        override = {"name": name, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
