"""Dense word-embedding features from WordLlama's packaged weights.

The word counts that DIET learns from only know the words of the training
examples, so a patient who writes "dr", "L spine" or "the magnet test" is a
stranger to them. Pre-trained embeddings place such words near the ones the
training data uses. WordLlama (MIT licence) ships a 16 MB table of 256-d token
embeddings (`l2_supercat_256`, distilled from the token embeddings of several
LLaMA-2-vocabulary models) and its tokenizer inside its PyPI wheel, so nothing is
downloaded at run time. WordLlama's own code needs numpy 2, which Rasa 3.6
forbids, so the files are read here with `safetensors` and `tokenizers` and the
`wordllama` package is never imported.

A message's features are the embedding of each of its tokens (the mean of its
sub-word pieces) and, as its sentence feature, the normalised mean of all its
pieces, as WordLlama itself embeds a text.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
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
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODEL = "model"
DEFAULT_MODEL = "l2_supercat_256"


def _package_dir() -> Path:
    """WordLlama's installed folder, found without importing the package."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("wordllama is not installed: run `make install`")
    return Path(spec.origin).parent


class WordEmbeddings:
    """A token-embedding table and the tokenizer that indexes it."""

    def __init__(self, table: np.ndarray, tokenizer: Tokenizer) -> None:
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.tokenizer = tokenizer

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def _mean(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        vector: np.ndarray = self.table[ids].mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def sentence(self, text: str) -> np.ndarray:
        """The normalised mean of every piece of the text (WordLlama's text embedding)."""
        return self._mean(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def words(self, words: list[str]) -> np.ndarray:
        """One normalised vector per word, a matrix of shape (len(words), dimensions)."""
        encodings = self.tokenizer.encode_batch(words, add_special_tokens=False)
        return np.stack([self._mean(encoding.ids) for encoding in encodings])


@functools.cache
def load_embeddings(model: str = DEFAULT_MODEL) -> WordEmbeddings:
    """The packaged weights and tokenizer, read once per process."""
    folder = _package_dir()
    weights = load_file(str(folder / "weights" / f"{model}.safetensors"))
    family = model.rsplit("_", 1)[0]
    tokenizer = Tokenizer.from_file(str(folder / "tokenizers" / f"{family}_tokenizer_config.json"))
    return WordEmbeddings(weights["embedding.weight"], tokenizer)


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
