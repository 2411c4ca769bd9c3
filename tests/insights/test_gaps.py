"""The grouping of content gaps into themes, with the real WordLlama embeddings."""

from __future__ import annotations

import numpy as np

from actions.content import load_content
from insights import gaps
from insights.index import Gap


def gap(text: str, reason: str = "fallback", conversation: int = 0) -> Gap:
    return Gap(1, 0.0, 0, conversation, 0, reason, text)


def test_leader_clustering_joins_the_nearest_leader_above_the_threshold() -> None:
    vectors = np.array([[1, 0], [0, 1], [0.95, 0.31], [0.6, 0.8], [0.2, 0.98]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert gaps.leader_clusters(vectors, threshold=0.9).tolist() == [0, 1, 0, 2, 1]
    assert gaps.leader_clusters(vectors, threshold=1.01).tolist() == [0, 1, 2, 3, 4]


def test_blocks_give_the_same_themes_as_one_by_one() -> None:
    rng = np.random.default_rng(18)
    centres = rng.normal(size=(5, 16))
    vectors = np.repeat(centres, 300, axis=0) + rng.normal(scale=0.05, size=(1500, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    themes = gaps.leader_clusters(vectors.astype(np.float32), threshold=0.9)
    assert len(set(themes.tolist())) == 5
    assert all(len(set(themes[i * 300 : (i + 1) * 300].tolist())) == 1 for i in range(5))


def test_identical_messages_count_once_with_their_number() -> None:
    found = gaps.group(
        [gap("Where do I park?"), gap("where do I  park"), gap("WHERE DO I PARK", "out of scope")],
        gaps.wordllama_embed,
        {},
    )
    assert len(found) == 1
    theme = found[0]
    assert (theme.count, theme.reasons) == (3, {"fallback": 2, "out of scope": 1})
    assert [(ex.text, ex.count) for ex in theme.examples] == [("Where do I park?", 3)]


def test_themes_of_real_questions_and_their_nearest_topics() -> None:
    content = load_content()
    messages = [
        *["where can I park my car"] * 3,
        "where do I park",
        *["can I have an MRI with a pacemaker"] * 2,
        "is an MRI safe with my pacemaker",
        "how much does an MRI cost",
        "what is the price of a spine MRI",
        "how long does an MRI take",
        "can I listen to my own music in the scanner",
    ]
    vectors = gaps.topic_vectors(content, gaps.wordllama_embed)
    themes = gaps.group([gap(text) for text in messages], gaps.wordllama_embed, vectors)
    found = {theme.label: theme for theme in themes}
    assert [theme.count for theme in themes] == [4, 3, 2, 1, 1]
    assert {ex.text for ex in found["where can I park my car"].examples} == {
        "where can I park my car",
        "where do I park",
    }
    assert found["can I have an MRI with a pacemaker"].topic == "mri_factors"
    assert {ex.text for ex in found["how much does an MRI cost"].examples} == {
        "how much does an MRI cost",
        "what is the price of a spine MRI",
    }
    assert found["can I listen to my own music in the scanner"].topic == "music_mri"
    # Parking is far from every topic: the document does not cover it.
    assert found["where can I park my car"].similarity < 0.3


def test_no_gaps_no_themes() -> None:
    assert gaps.group([gap("  ")], gaps.wordllama_embed, {}) == []


def test_training_examples_lose_their_entity_annotations() -> None:
    examples = gaps.nlu_examples()
    assert examples["ask_why_mri"]
    assert not any("](" in text or "]{" in text for texts in examples.values() for text in texts)
