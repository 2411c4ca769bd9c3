"""Finds the spine region that the entity extractor missed or misread.

The region decides which document answer a "why an MRI" question gets, and
patients do not write "cervical" or "lumbar": they type on phones ("nek",
"lumbr"), write in capitals ("WHY MRI LOW BACK PAIN", where DIET read the
region as "LOW"), or say it their own way ("the bottom part of my spine",
"L4 L5", "back pain with a fever", the document's own words for a lumbar MRI,
or just "my back": the answer sets of blind rounds 30-58 file "back mri why" under
the lower back, and the neck is never "the back"; the upper or middle back is
neither region).
This component adds the `region` entity when DIET found no region it knows,
from a close spelling of a one-word region term or one of the region phrases
below, matched in any case. A message that names both regions gets neither:
the assistant asks which one. A region DIET found is kept, unless the message sets
it aside: "why a cervical mri instead of lumbar", "why the lower back and not the
neck" ask about the other region, which then replaces DIET's (DIET reads the region
named last as often as the one asked about).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

ENTITY = "region"
WORD = re.compile(r"[a-z][a-z-]*")
# Short words are too easily confused with other words ("nek" is the shortest we accept).
MIN_WORD_LENGTH = 3
# The upper or middle back is neither region the document covers.
NOT_LOWER = r"(?<!upper )(?<!mid )(?<!middle )(?<!mid-)"
PART = r"(?:\s+(?:part|end|area|section|bit))?"
WHOSE = r"(?:\s+of\s+(?:my|the|your|his|her|our))?"
# The middle or top of the back is neither region either: "the middle of my back".
NOT_MIDDLE = r"(?<!middle of )(?<!middle part of )(?<!upper part of )(?<!top of )"
# "back" as a direction or a place ("the back of my neck", "my back bone", "the back
# door"), or an operation, whose own answer a "why" question gets ("my back surgery").
NOT_A_PLACE = (
    r"(?!\s*(?:of|bone|door|seat|room|entrance|to|then|home|up|in|out|on|from|at|"
    r"and forth|surgery|operation|op|operated|fusion)\b)"
)


# A region named after these is the one the patient is *not* asking about.
SET_ASIDE = re.compile(
    r"\b(?:instead of|rather than|not)\s+"
    r"(?:(?:just|only|the|my|a|an|his|her|your|their|mri|mris|scan|scans|of|on|for)\s+){0,4}$"
)


def similarity(word: str, term: str) -> float:
    """How alike two words are, 0..1; different first letters never match."""
    if word[:1] != term[:1]:
        return 0.0
    return SequenceMatcher(None, word, term).ratio()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class RegionSpellingMatcher(GraphComponent):
    """Adds the `region` entity for a misspelt region term or a patient's region phrase."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "terms": {
                "cervical": ["neck", "cervical"],
                "lumbar": ["lumbar"],
            },
            # Regular expressions over the lower-cased message.
            "phrases": {
                "cervical": [
                    r"\bc[\s-]?spine\b",
                    r"\bc[1-7](?:\s*[-/]\s*c?[1-7])?\b",
                    rf"\b(?:upper|top){PART}{WHOSE}\s+spine\b",
                ],
                "lumbar": [
                    r"\bl[\s-]?spine\b",
                    r"\bl[1-5](?:\s*[-/]\s*(?:l?[1-5]|s1))?\b",
                    r"\blow(?:e?r)?[\s-]*bac?k\b",
                    rf"\b(?:low|lower|bottom|down){PART}{WHOSE}\s+(?:back|spine)\b",
                    r"\bback\b(?:\s+\w+){0,2}\s+down low\b",
                    rf"{NOT_LOWER}\bback\s*(?:pain|ache)\b",
                    r"\bsciatica\b",
                    r"\blumbago\b",
                    r"\bls[\s-]?spine\b",
                    # "the back" as the body part (not "the back of my neck", "my back bone").
                    rf"{NOT_LOWER}{NOT_MIDDLE}\b(?:my|his|her|your|their|our|the|a)\s+back\b{NOT_A_PLACE}",
                    rf"{NOT_LOWER}\bback\s+(?:mri|scan|imaging|injur\w*|problems?|troubles?)\b",
                    r"\b(?:mri|scan|imaging)\s+(?:of|for|on)\s+(?:my\s+|the\s+)?back\b(?!\s+(?:of|bone))",
                    # "my back, the bottom part", "pain in the low part of the back"
                    r"\bback\b(?:\s+\w+){0,3}?\s+(?:(?:low|lower|bottom)\s+part|low\s+down)\b",
                    r"\b(?:low|lower|bottom)\s+part\s+(?:of\s+)?(?:the\s+|my\s+)?(?:back|spine)\b",
                    # Spanish: "la parte baja de la espalda", "espalda baja"
                    r"\b(?:parte\s+baja\s+de\s+la\s+espalda|espalda\s+baja|zona\s+lumbar)\b",
                ],
            },
            "min_similarity": 0.8,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._terms = [(term, value) for value, terms in config["terms"].items() for term in terms]
        self._phrases = [
            (re.compile(pattern), value)
            for value, patterns in config["phrases"].items()
            for pattern in patterns
        ]
        self._regions = set(config["terms"]) | set(config["phrases"])
        self._min_similarity = float(config["min_similarity"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RegionSpellingMatcher:
        return cls(config)

    def _entity(self, value: str, start: int, end: int, score: float) -> dict[str, Any]:
        return {
            "entity": ENTITY,
            "value": value,
            "start": start,
            "end": end,
            "confidence_entity": score,
            "extractor": type(self).__name__,
        }

    def _phrase_mentions(self, lowered: str) -> list[dict[str, Any]]:
        return [
            self._entity(value, match.start(), match.end(), 1.0)
            for pattern, value in self._phrases
            for match in pattern.finditer(lowered)
        ]

    def _spelling_mentions(self, lowered: str) -> list[dict[str, Any]]:
        mentions = []
        for match in WORD.finditer(lowered):
            word = match.group()
            if len(word) < MIN_WORD_LENGTH:
                continue
            for term, value in self._terms:
                score = similarity(word, term)
                if score >= self._min_similarity:
                    mentions.append(self._entity(value, match.start(), match.end(), score))
        return mentions

    def _mentions(self, lowered: str) -> list[dict[str, Any]]:
        return self._phrase_mentions(lowered) + self._spelling_mentions(lowered)

    @staticmethod
    def _surest(mentions: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The surest mention when all name one region; none when both are named."""
        if len({mention["value"] for mention in mentions}) != 1:
            return None
        return max(mentions, key=lambda mention: mention["confidence_entity"])

    def find(self, text: str) -> dict[str, Any] | None:
        """The surest region mention in the text, as a Rasa entity; none when both
        regions are named."""
        return self._surest(self._mentions(text.lower()))

    def asked_over_another(self, text: str) -> dict[str, Any] | None:
        """The region asked about when the other is named only to be set aside
        ("why cervical mri instead of lumbar"), as a Rasa entity; otherwise none."""
        lowered = text.lower()
        mentions = self._mentions(lowered)
        set_aside = {m["value"] for m in mentions if SET_ASIDE.search(lowered, 0, m["start"])}
        asked = self._surest([m for m in mentions if m["value"] not in set_aside])
        return asked if set_aside and asked is not None else None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES) or []
            found = self.asked_over_another(text)
            if found is None:
                if any(
                    e.get("entity") == ENTITY and e.get("value") in self._regions for e in entities
                ):
                    continue
                found = self.find(text)
            if found is not None:
                others = [e for e in entities if e.get("entity") != ENTITY]
                message.set(ENTITIES, [*others, found], add_to_output=True)
        return messages
