"""The nearest-examples component trained on a few examples in a real model storage:
the nearest intents, and the messages with no word the training examples know."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.nearest_examples import (
    NEAREST_INTENTS,
    UNFAMILIAR,
    WORDS_FILE,
    NearestExamples,
    smallest_first,
)

EXAMPLES = [
    ("i have crushing chest pain", "emergency"),
    ("my dad collapsed and is not breathing", "emergency"),
    ("what is a spine mri", "ask_what_is_spine_mri"),
    ("where do i park my car", "out_of_scope"),
]


def train_into(directory: Path) -> tuple[LocalModelStorage, Resource]:
    """The component trained on EXAMPLES and saved in its own model storage."""
    storage = LocalModelStorage(directory)
    resource = Resource("nearest_examples")
    component = NearestExamples.create(
        {**NearestExamples.get_default_config(), "k": 2}, storage, resource, None
    )
    data = TrainingData([Message(data={TEXT: t, INTENT: i}) for t, i in EXAMPLES])
    component.train(data)
    return storage, resource


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalModelStorage, Resource]:
    return train_into(tmp_path_factory.mktemp("storage"))


def loaded(trained: tuple[LocalModelStorage, Resource]) -> NearestExamples:
    storage, resource = trained
    config = {**NearestExamples.get_default_config(), "k": 2}
    return NearestExamples.load(config, storage, resource, None)


@pytest.mark.parametrize("text", ["blorp", "wibble wobble", "and then blorp", "1111111"])
def test_nonsense_words_are_unfamiliar(trained, text: str) -> None:
    (message,) = loaded(trained).process([Message(data={TEXT: text})])
    assert message.get(UNFAMILIAR) is True


@pytest.mark.parametrize(
    "text",
    [
        "chest hurts",
        "blorp my dad collapsed",
        "PARK",
        # other scripts and accented letters: the learned layer may still read them
        "胸口很痛",
        "ayúdame",
        # function words only ("please someone, call now") and nothing to read at all
        "please someone, call now",
        "and then",
        "",
        "?!",
    ],
)
def test_a_known_word_or_another_script_is_not_unfamiliar(trained, text: str) -> None:
    (message,) = loaded(trained).process([Message(data={TEXT: text})])
    assert message.get(UNFAMILIAR) is False


def test_the_nearest_intents_survive_saving_and_loading(trained) -> None:
    (message,) = loaded(trained).process([Message(data={TEXT: "severe chest pain"})])
    assert message.get(NEAREST_INTENTS)[0] == "emergency"


def test_a_model_trained_before_the_words_were_kept_finds_nothing_unfamiliar(
    tmp_path: Path,
) -> None:
    """Its own storage: removing the word list must not change the other tests' model."""
    old_model = train_into(tmp_path)
    storage, resource = old_model
    with storage.read_from(resource) as directory:
        (directory / WORDS_FILE).unlink()
    (message,) = loaded(old_model).process([Message(data={TEXT: "blorp"})])
    assert message.get(UNFAMILIAR) is False


@pytest.mark.parametrize("k", [0, 1, 3, 5, 8, 9])
@pytest.mark.parametrize(
    "scores",
    [
        [0.5, -0.2, 0.9, -0.7, 0.1, 0.3, -0.1, 0.0],
        [0.5, -0.2, -0.2, -0.7, 0.1, -0.2, -0.1, 0.0],  # a tie at the k-th score
        [-0.7, -0.7, 0.9, -0.7, 0.1, 0.3, -0.1, 0.0],  # a tie among the first
        [0.0] * 8,
        [0.1, float("nan"), -0.3, 0.2, float("nan"), -0.5, 0.4, 0.0],
    ],
    ids=["distinct", "tie at k", "tie among the first", "all equal", "not a number"],
)
def test_nearest_first_is_the_order_argsort_gives(scores: list[float], k: int) -> None:
    array = np.array(scores, dtype=np.float32)
    assert smallest_first(array, k).tolist() == np.argsort(array)[:k].tolist()


def test_nearest_first_on_many_scores_is_the_order_argsort_gives() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        scores = rng.standard_normal(4489).astype(np.float32)
        scores[rng.integers(0, 4489, 50)] = scores[rng.integers(0, 4489)]  # some ties
        assert smallest_first(scores, 5).tolist() == np.argsort(scores)[:5].tolist()
