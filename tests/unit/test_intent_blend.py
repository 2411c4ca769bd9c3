"""The blended intent classifier (components/intent_blend.py): trained, stored as arrays,
loaded, and averaged with DIET's ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

from components.intent_blend import (
    ARRAYS_FILE,
    VECTORIZERS,
    VOCABULARIES_FILE,
    BlendedIntentClassifier,
    _vectorizer,
)

EXAMPLES = {
    "ask_music_mri": ["can I listen to music in the mri", "do you play songs during the scan"],
    "ask_why_mri": ["why do I need an mri of my neck", "why a lumbar mri"],
    "out_of_scope": ["where can I park", "what is the weather today"],
}


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


TRAINING_TEXTS = [text for texts in EXAMPLES.values() for text in texts]


def _trained(storage: LocalModelStorage, **config: float) -> BlendedIntentClassifier:
    data = TrainingData(
        [
            Message(data={TEXT: text, INTENT: intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )
    classifier = BlendedIntentClassifier.create(config, storage, Resource("blend"), _context())
    classifier.train(data)
    return classifier


def _parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={TEXT: text, INTENT: entries[0], INTENT_RANKING_KEY: entries})


def test_the_stored_model_is_arrays_and_json_and_loads_to_the_same_probabilities(
    storage: LocalModelStorage,
) -> None:
    trained = _trained(storage)
    with storage.read_from(Resource("blend")) as directory:
        assert sorted(path.name for path in directory.iterdir()) == sorted(
            [ARRAYS_FILE, VOCABULARIES_FILE]
        )
    loaded = BlendedIntentClassifier.load({}, storage, Resource("blend"), _context())
    texts = ["is music played in the mri", "parking please", "nek mri why", "zzz"]

    assert loaded.intents == sorted(EXAMPLES)
    for text in texts:
        np.testing.assert_allclose(loaded.probabilities(text), trained.probabilities(text))
        assert loaded.probabilities(text).sum() == pytest.approx(1.0)


def test_the_per_message_weights_are_scikit_learns_tf_idf(storage: LocalModelStorage) -> None:
    """The fast path computes what scikit-learn's own transform gives the regression."""
    classifier = _trained(storage)
    vectorizers = [_vectorizer(name).fit(TRAINING_TEXTS) for name in VECTORIZERS]
    texts = ["can I listen to music during the MRI", "why mri of the neck neck", "lumbar", "?!"]
    embeddings = np.stack([classifier.embeddings.sentence(text) for text in texts])
    features = hstack([*(v.transform(texts) for v in vectorizers), csr_matrix(embeddings)])
    scores = features @ classifier.weights["coef"].T + classifier.weights["intercept"]
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)

    for text, row in zip(texts, expected, strict=True):
        np.testing.assert_allclose(classifier.probabilities(text), row, rtol=1e-6)


def test_the_ranking_is_the_weighted_mean_of_diet_and_the_regression(
    storage: LocalModelStorage,
) -> None:
    classifier = _trained(storage, diet_weight=0.25)
    text = "can I listen to songs in the mri"
    message = _parsed(text, [("ask_why_mri", 0.9), ("ask_music_mri", 0.1)])
    regression = dict(zip(classifier.intents, classifier.probabilities(text), strict=True))

    classifier.process([message])

    ranking = {entry["name"]: entry["confidence"] for entry in message.get(INTENT_RANKING_KEY)}
    assert ranking["ask_why_mri"] == pytest.approx(0.25 * 0.9 + 0.75 * regression["ask_why_mri"])
    assert ranking["ask_music_mri"] == pytest.approx(
        0.25 * 0.1 + 0.75 * regression["ask_music_mri"]
    )
    # An intent DIET left out of its ranking counts as 0 from DIET.
    assert ranking["out_of_scope"] == pytest.approx(0.75 * regression["out_of_scope"])
    confidences = [entry["confidence"] for entry in message.get(INTENT_RANKING_KEY)]
    assert confidences == sorted(confidences, reverse=True)
    assert message.get(INTENT) == message.get(INTENT_RANKING_KEY)[0]


def test_the_regression_overrules_a_diet_guess_it_disagrees_with(
    storage: LocalModelStorage,
) -> None:
    classifier = _trained(storage, diet_weight=0.3)
    message = _parsed("do you play music during the mri", [("ask_why_mri", 0.55)])

    classifier.process([message])

    assert message.get(INTENT)["name"] == "ask_music_mri"


def test_a_message_without_text_or_ranking_is_left_alone(storage: LocalModelStorage) -> None:
    classifier = _trained(storage)
    payload = Message(data={TEXT: "", INTENT: {"name": "feedback", "confidence": 1.0}})
    unparsed = Message(data={TEXT: "hello"})

    classifier.process([payload, unparsed])

    assert payload.get(INTENT) == {"name": "feedback", "confidence": 1.0}
    assert payload.get(INTENT_RANKING_KEY) is None
    assert unparsed.get(INTENT) is None
