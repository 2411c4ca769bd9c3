"""WordLlama's vectors as kept by components/embeddings.py: the same as computed afresh."""

from __future__ import annotations

import numpy as np
import pytest

from components.embeddings import load_embeddings

TEXTS = [
    "what is a spine mri",
    "Why would my doctor order an MRI of my L4-L5?",
    "i cant feel my legs!!",
    "¿Qué es una resonancia?",
    "背中のMRI",
    "",
    "   ",
]


def fresh_sentence(text: str) -> np.ndarray:
    embeddings = load_embeddings()
    return embeddings._mean(embeddings.tokenizer.encode(text, add_special_tokens=False).ids)


def fresh_words(words: list[str]) -> np.ndarray:
    """What the table gave before words were kept: the whole list encoded in one batch."""
    embeddings = load_embeddings()
    encodings = embeddings.tokenizer.encode_batch(words, add_special_tokens=False)
    return np.stack([embeddings._mean(encoding.ids) for encoding in encodings])


@pytest.mark.parametrize("text", TEXTS)
def test_a_kept_sentence_vector_is_the_one_computed_afresh(text: str) -> None:
    embeddings = load_embeddings()
    for _ in range(2):  # computed, then kept
        vector = embeddings.sentence(text)
        assert vector.dtype == np.float32
        assert np.array_equal(vector, fresh_sentence(text))


@pytest.mark.parametrize("text", TEXTS[:5])
def test_kept_word_vectors_are_those_of_the_whole_list_encoded_at_once(text: str) -> None:
    embeddings = load_embeddings()
    words = [*text.split(), *text.split()]  # each word kept the second time
    matrix = embeddings.words(words)
    assert matrix.dtype == np.float32 and matrix.flags.writeable
    assert np.array_equal(matrix, fresh_words(words))


def test_a_kept_vector_cannot_be_changed_by_its_user() -> None:
    vector = load_embeddings().sentence("what is a spine mri")
    with pytest.raises(ValueError, match="read-only"):
        vector += 1
