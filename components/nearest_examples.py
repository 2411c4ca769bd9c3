"""The training examples nearest to a message, by their word embeddings.

A second, independent opinion for the learned safety layer. DIET learned the
large and varied ``emergency`` class as a catch-all: on blind round 1 it gave
the emergency reply to questions about the lobby's cash machine or a hotel for
families. This component remembers the WordLlama sentence embedding of every
training example and, for each message, names the intents of the ``k`` nearest
ones; the red-flag detector (components/red_flags.py) lets the classifier's
emergency verdict stand only when enough of those neighbours are emergencies
too. It also keeps the words of the training examples, and marks a message in
plain English letters that has none of them: nonsense ("blorp", "wibble wobble")
got the emergency reply from a classifier that had nothing to read. The red-flag
rules do not depend on it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

from components.word_embeddings import DEFAULT_MODEL, MODEL, load_embeddings

NEAREST_INTENTS = "nearest_intents"
# True when a message in plain English letters has words that carry meaning and no
# training example has any of them ("blorp", "wibble wobble"): the learned layer has
# no evidence then, and its guess is the size of a class, not a reading. Function
# words alone ("please someone, call now") are not unfamiliar.
UNFAMILIAR = "unfamiliar_words_only"
EMBEDDINGS_FILE = "embeddings.npy"
INTENTS_FILE = "intents.json"
WORDS_FILE = "words.json"
ASCII_WORD = re.compile(r"[a-z0-9]+")
OTHER_LETTER = re.compile(r"[^\W\da-z_]")


def content_words(text: str) -> set[str]:
    """The message's words that carry meaning, lower case, apostrophes dropped."""
    words = ASCII_WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))
    return {word for word in words if word not in STOP_WORDS}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NearestExamples(GraphComponent):
    """Sets the intents of the k nearest training examples on every message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"k": 5, MODEL: DEFAULT_MODEL}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: np.ndarray | None = None,
        intents: list[str] | None = None,
        words: frozenset[str] | None = None,
    ) -> None:
        self.k = int(config["k"])
        self.embeddings = load_embeddings(config[MODEL])
        self._model_storage = model_storage
        self._resource = resource
        self.vectors = vectors if vectors is not None else np.zeros((0, 1), dtype=np.float32)
        self.intents = intents or []
        # None for a model trained before the words were kept: nothing is unfamiliar.
        self.words = words

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NearestExamples:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self.vectors = np.stack([self.embeddings.sentence(m.get(TEXT)) for m in examples])
        self.intents = [str(m.get(INTENT)) for m in examples]
        self.words = frozenset().union(*(content_words(m.get(TEXT)) for m in examples))
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / EMBEDDINGS_FILE, self.vectors)
            (directory / INTENTS_FILE).write_text(json.dumps(self.intents), encoding="utf-8")
            (directory / WORDS_FILE).write_text(json.dumps(sorted(self.words)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NearestExamples:
        with model_storage.read_from(resource) as directory:
            vectors = np.load(directory / EMBEDDINGS_FILE)
            intents = json.loads((directory / INTENTS_FILE).read_text(encoding="utf-8"))
            words_file = directory / WORDS_FILE
            words = (
                frozenset(json.loads(words_file.read_text(encoding="utf-8")))
                if words_file.exists()
                else None
            )
        return cls(config, model_storage, resource, vectors, intents, words)

    def nearest(self, text: str) -> list[str]:
        """The intents of the k training examples most similar to the text, nearest first."""
        if not self.intents:
            return []
        similarity = self.vectors @ self.embeddings.sentence(text)
        return [self.intents[i] for i in smallest_first(-similarity, self.k)]

    def unfamiliar(self, text: str) -> bool:
        """Whether a message in plain English letters has words, none of them a word
        of the training examples. Other scripts and accented letters never count:
        the learned layer may still read "je veux mourir" or Chinese."""
        words = content_words(text)
        if self.words is None or not words or OTHER_LETTER.search(text.lower()):
            return False
        return not words & self.words

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            message.set(NEAREST_INTENTS, self.nearest(text))
            message.set(UNFAMILIAR, self.unfamiliar(text))
        return messages


def smallest_first(scores: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(scores)[:k]``, without sorting every training example's score.

    When the k smallest scores differ from each other and from every other score, their
    order is the only one any sort can give, so partitioning them out and sorting those
    k is the same; on a tie anywhere among them, ``argsort`` itself decides. Sorting all
    4,489 scores was most of the component's time per message.
    """
    if not 0 < k < len(scores):
        everything: np.ndarray = np.argsort(scores)[:k]
        return everything
    candidates = np.argpartition(scores, k - 1)[:k]
    best = scores[candidates]
    ties = np.count_nonzero(scores <= best.max()) != k or len(np.unique(best)) != k
    order: np.ndarray = np.argsort(scores)[:k] if ties else candidates[np.argsort(best)]
    return order
