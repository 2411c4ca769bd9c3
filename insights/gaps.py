"""Content gaps: the patients' unanswered messages grouped into themes.

A message is a gap when it got the fallback or the out-of-scope reply, or when
the answer it got was voted "not helpful". Identical messages (after case and
spacing) are counted once with their number; the distinct ones are grouped by
greedy leader clustering on their WordLlama sentence embeddings (the NLU's table,
read by components/embeddings.py without Rasa): the most frequent message leads
the first theme, and each next message joins the most similar theme leader at
cosine similarity ``THRESHOLD`` or above, or leads a new theme. It is linear in
the number of themes per message, so 30,000 distinct messages group in well
under a second, where agglomerative clustering needs their 450 million pairwise
distances; and a theme is named by its most frequent phrasing, which is what
staff read first.

Each theme is paired with the nearest topic: the one whose vector (the mean of
its title's embedding and of its intent's training examples' centroid) is the
most similar to the theme's count-weighted centroid. A low similarity says no
topic is close: the document may not answer it at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import yaml

from actions.content import Content
from components.embeddings import load_embeddings
from insights.index import Gap
from project import PROJECT_ROOT

# On these averaged token embeddings, rewordings of one question score above it
# ("how much does an MRI cost" / "what is the price of a spine MRI": 0.75) and
# different questions in the same words below it ("... cost" / "how long does an MRI
# take": 0.67). Rewordings that share no word ("where can I park" / "is there
# parking") score lower still and stay neighbouring themes.
THRESHOLD = 0.7
EXAMPLES_PER_THEME = 5
NLU_FILE = PROJECT_ROOT / "data" / "nlu.yml"
# A block of messages is compared with every leader at once; only the messages
# that join no leader are then compared one by one.
BLOCK = 512
_SPACES = re.compile(r"\s+")
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Example:
    """One distinct message of a theme, how often it came, and one conversation it came from."""

    text: str
    count: int
    conversation: int


@dataclass(frozen=True)
class Theme:
    label: str
    count: int
    reasons: dict[str, int]
    examples: tuple[Example, ...]
    topic: str | None
    similarity: float


@dataclass
class _Distinct:
    text: str
    count: int
    reasons: Counter
    conversation: int


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """The form in which two messages count as the same (remembered: the same messages
    are grouped again on every view)."""
    return _SPACES.sub(" ", text.casefold()).strip(" .?!")


def _distinct(gaps: Iterable[Gap]) -> list[_Distinct]:
    """Identical messages once, most frequent first (ties in text order, for stable output)."""
    merged: dict[str, _Distinct] = {}
    for gap in gaps:
        key = normalise(gap.text)
        if not key:
            continue
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = _Distinct(gap.text.strip(), 0, Counter(), gap.conversation)
        entry.count += 1
        entry.reasons[gap.reason] += 1
    return sorted(merged.values(), key=lambda entry: (-entry.count, normalise(entry.text)))


def leader_clusters(vectors: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """The theme of each row (rows are unit vectors, in priority order): greedy leader
    clustering, each row joining its most similar earlier leader at >= threshold."""
    themes = np.full(len(vectors), -1, dtype=np.int64)
    leaders: list[int] = []
    for start in range(0, len(vectors), BLOCK):
        block = range(start, min(start + BLOCK, len(vectors)))
        if leaders:
            similarity = vectors[block.start : block.stop] @ vectors[leaders].T
            best = similarity.argmax(axis=1)
            joined = similarity[np.arange(len(block)), best] >= threshold
            themes[block.start : block.stop][joined] = best[joined]
        for row in block:
            if themes[row] >= 0:
                continue
            if leaders:
                similarity = vectors[leaders] @ vectors[row]
                best_leader = int(similarity.argmax())
                if similarity[best_leader] >= threshold:
                    themes[row] = best_leader
                    continue
            themes[row] = len(leaders)
            leaders.append(row)
    return themes


def group(
    gaps: Iterable[Gap],
    embed: Embed,
    topic_vectors: dict[str, np.ndarray],
    threshold: float = THRESHOLD,
) -> list[Theme]:
    """The themes of the gaps, largest first, each with examples and its nearest topic."""
    distinct = _distinct(gaps)
    if not distinct:
        return []
    vectors = embed([entry.text for entry in distinct])
    assignment = leader_clusters(vectors, threshold)
    members: dict[int, list[int]] = {}
    for row, theme in enumerate(assignment.tolist()):
        members.setdefault(theme, []).append(row)
    themes = [_theme(distinct, vectors, rows, topic_vectors) for rows in members.values()]
    return sorted(themes, key=lambda theme: (-theme.count, normalise(theme.label)))


def _theme(
    distinct: list[_Distinct],
    vectors: np.ndarray,
    rows: list[int],
    topic_vectors: dict[str, np.ndarray],
) -> Theme:
    entries = [distinct[row] for row in rows]
    reasons: Counter = Counter()
    for entry in entries:
        reasons.update(entry.reasons)
    weights = np.array([entry.count for entry in entries], dtype=np.float32)
    centroid = (vectors[rows] * weights[:, None]).sum(axis=0)
    topic, similarity = nearest_topic(centroid, topic_vectors)
    examples = tuple(
        Example(entry.text, entry.count, entry.conversation)
        for entry in entries[:EXAMPLES_PER_THEME]
    )
    return Theme(
        label=entries[0].text,
        count=int(weights.sum()),
        reasons=dict(reasons),
        examples=examples,
        topic=topic,
        similarity=similarity,
    )


def nearest_topic(
    vector: np.ndarray, topic_vectors: dict[str, np.ndarray]
) -> tuple[str | None, float]:
    """The topic most similar to a (not necessarily unit) vector, and the cosine."""
    norm = float(np.linalg.norm(vector))
    if not topic_vectors or norm == 0:
        return None, 0.0
    names = list(topic_vectors)
    similarity = np.stack([topic_vectors[name] for name in names]) @ (vector / norm)
    best = int(similarity.argmax())
    return names[best], float(similarity[best])


@cache
def nlu_examples(path: Path = NLU_FILE) -> dict[str, tuple[str, ...]]:
    """The training examples of each intent, without entity annotations."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: dict[str, tuple[str, ...]] = {}
    for block in raw.get("nlu") or []:
        if "intent" not in block:
            continue
        lines = [line.strip()[2:] for line in str(block.get("examples", "")).splitlines()]
        texts = [_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line) for line in lines]
        examples[block["intent"]] = tuple(text for text in texts if text)
    return examples


def topic_vectors(content: Content, embed: Embed) -> dict[str, np.ndarray]:
    """Each topic as the unit mean of its title and its intent's examples' centroid."""
    examples = nlu_examples()
    vectors = {}
    for topic in content.topics.values():
        title = embed([topic.title])[0]
        texts = examples.get(topic.intent) or (topic.title,)
        combined = title + embed(list(texts)).mean(axis=0)
        vectors[topic.id] = combined / max(float(np.linalg.norm(combined)), 1e-9)
    return vectors


def wordllama_embed(texts: Sequence[str]) -> np.ndarray:
    """Unit sentence vectors from the assistant's own WordLlama table, read at the first
    call (components/embeddings.py imports neither Rasa nor TensorFlow)."""
    embeddings = load_embeddings()
    vectors: np.ndarray = np.stack([embeddings.sentence(text) for text in texts])
    return vectors.astype(np.float32)
