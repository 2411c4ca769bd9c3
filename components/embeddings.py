"""WordLlama's packaged token embeddings and tokenizer, read without Rasa.

WordLlama (MIT licence) ships a 16 MB table of 256-d token embeddings
(`l2_supercat_256`, distilled from the token embeddings of several
LLaMA-2-vocabulary models) and its tokenizer inside its PyPI wheel, so nothing is
downloaded at run time. WordLlama's own code needs numpy 2, which Rasa 3.6
forbids, so the files are read here with `safetensors` and `tokenizers` and the
`wordllama` package is never imported.

This module imports numpy, safetensors and tokenizers only: the NLU components
(components/word_embeddings.py, components/nearest_examples.py) and the insights
page's content-gap grouping (insights/gaps.py) share it, and the insights server
never loads Rasa or TensorFlow for it (tests/insights/test_imports.py).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

DEFAULT_MODEL = "l2_supercat_256"
TEXTS_KEPT = 8
WORDS_KEPT = 4096


def _package_dir() -> Path:
    """WordLlama's installed folder, found without importing the package."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("wordllama is not installed: run `make install`")
    return Path(spec.origin).parent


class WordEmbeddings:
    """A token-embedding table and the tokenizer that indexes it.

    Vectors are kept, read-only (nothing may change a shared one): a few texts' (three
    components embed the same message, one after the other) and many words' (words
    come back in message after message; a word's vector depends on the word alone).
    """

    def __init__(self, table: np.ndarray, tokenizer: Tokenizer) -> None:
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.tokenizer = tokenizer
        # A word's vector is its text's (what ``encode_batch`` of a list of words gives
        # each one: they are encoded one by one); the two differ only in what is kept.
        self.sentence = functools.lru_cache(maxsize=TEXTS_KEPT)(self._embedded)
        self._word = functools.lru_cache(maxsize=WORDS_KEPT)(self._embedded)

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def _mean(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        vector: np.ndarray = self.table[ids].mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def _embedded(self, text: str) -> np.ndarray:
        """The normalised mean of every piece of the text (WordLlama's text embedding);
        ``sentence`` and ``words`` keep it."""
        return _read_only(self._mean(self.tokenizer.encode(text, add_special_tokens=False).ids))

    def words(self, words: list[str]) -> np.ndarray:
        """One normalised vector per word, a matrix of shape (len(words), dimensions)."""
        return np.stack([self._word(word) for word in words])


def _read_only(vector: np.ndarray) -> np.ndarray:
    vector.flags.writeable = False
    return vector


@functools.cache
def load_embeddings(model: str = DEFAULT_MODEL) -> WordEmbeddings:
    """The packaged weights and tokenizer, read once per process."""
    folder = _package_dir()
    weights = load_file(str(folder / "weights" / f"{model}.safetensors"))
    family = model.rsplit("_", 1)[0]
    tokenizer = Tokenizer.from_file(str(folder / "tokenizers" / f"{family}_tokenizer_config.json"))
    return WordEmbeddings(weights["embedding.weight"], tokenizer)
