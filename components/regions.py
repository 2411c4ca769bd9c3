"""Finds a misspelt spine region ("nek", "lumbr") that the entity extractor missed.

The region decides which document answer a "why an MRI" question gets, and
patients type on phones. DIET learns the spellings in the training data; this
component adds the region entity when DIET found none but a word is a close
spelling of a region term. It never replaces an extracted region.
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


def similarity(word: str, term: str) -> float:
    """How alike two words are, 0..1; different first letters never match."""
    if word[:1] != term[:1]:
        return 0.0
    return SequenceMatcher(None, word, term).ratio()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class RegionSpellingMatcher(GraphComponent):
    """Adds the `region` entity for a close misspelling of a one-word region term."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "terms": {
                "cervical": ["neck", "cervical"],
                "lumbar": ["lumbar"],
            },
            "min_similarity": 0.8,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._terms = [(term, value) for value, terms in config["terms"].items() for term in terms]
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

    def find(self, text: str) -> dict[str, Any] | None:
        """The best-matching region mention in the text, as a Rasa entity."""
        best: tuple[float, dict[str, Any]] | None = None
        for match in WORD.finditer(text.lower()):
            word = match.group()
            if len(word) < MIN_WORD_LENGTH:
                continue
            for term, value in self._terms:
                score = similarity(word, term)
                if score >= self._min_similarity and (best is None or score > best[0]):
                    entity = {
                        "entity": ENTITY,
                        "value": value,
                        "start": match.start(),
                        "end": match.end(),
                        "confidence_entity": score,
                        "extractor": type(self).__name__,
                    }
                    best = (score, entity)
        return None if best is None else best[1]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(e.get("entity") == ENTITY for e in entities):
                continue
            found = self.find(message.get(TEXT) or "")
            if found is not None:
                message.set(ENTITIES, [*entities, found], add_to_output=True)
        return messages
