"""Dense word-embedding features from WordLlama's packaged weights.

The word counts that DIET learns from only know the words of the training
examples, so a patient who writes "dr", "L spine" or "the magnet test" is a
stranger to them. Pre-trained embeddings place such words near the ones the
training data uses: WordLlama's 256-d token-embedding table, read without Rasa
or the `wordllama` package by components/embeddings.py (which the insights page
shares).

A message's features are the embedding of each of its tokens (the mean of its
sub-word pieces) and, as its sentence feature, the normalised mean of all its
pieces, as WordLlama itself embeds a text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer as RasaTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.embeddings import DEFAULT_MODEL, load_embeddings

MODEL = "model"
# components/nearest_examples.py takes the loader from here too.
__all__ = ["DEFAULT_MODEL", "MODEL", "WordEmbeddingFeaturizer", "load_embeddings"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class WordEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds WordLlama token and sentence embeddings to every message's text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [RasaTokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), MODEL: DEFAULT_MODEL}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """A missing weights file fails at load time, with the file's name."""

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.embeddings = load_embeddings(config[MODEL])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordEmbeddingFeaturizer:
        # Rasa types node_name Optional, but GraphNode sets it before create() is called.
        return cls(config, execution_context.node_name)  # type: ignore[arg-type]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._add_features(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _add_features(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        text = message.get(TEXT)
        if not tokens or not text:
            return
        sequence = self.embeddings.words([token.text for token in tokens])
        sentence = self.embeddings.sentence(text)[np.newaxis, :]
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, self._identifier))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, self._identifier))
