"""The content file says only what the approved document says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.content import Content, Topic, load_content
from project import PROJECT_ROOT

APPROVED_SOURCE = PROJECT_ROOT / "content" / "source" / "spine-mri-source.txt"
ISSUE_DISCLAIMER = (
    "Important: This content reflects information from various individuals and "
    "organizations and may offer alternative or opposing points of view. It should not "
    "be used for medical advice, diagnosis or treatment. As always, you should consult "
    "with your healthcare provider about your specific health needs."
)
CODE_FOLDERS = ("actions", "channels", "components", "ops")


def normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def source(content: Content) -> str:
    return normalise(content.source_document.read_text(encoding="utf-8"))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;?!])\s+", text) if s]


def answered(content: Content) -> list[Topic]:
    return [topic for topic in content.topics.values() if topic.answer]


def excerpted(content: Content) -> list[Topic]:
    return [topic for topic in content.topics.values() if topic.excerpt]


def without_details(content: Content) -> list[Topic]:
    """Topics the document names but does not answer (only their heading is in it)."""
    return [topic for topic in content.topics.values() if not topic.answer and not topic.excerpt]


def test_content_quotes_the_approved_document_kept_in_the_repository(content: Content) -> None:
    assert content.source_document.resolve() == APPROVED_SOURCE.resolve()
    assert APPROVED_SOURCE.read_text(encoding="utf-8").strip()


def test_every_topic_is_answered_excerpted_or_admits_no_details(content: Content) -> None:
    kinds = len(answered(content)) + len(excerpted(content)) + len(without_details(content))
    assert answered(content)
    assert kinds == len(content.topics)


def test_disclaimer_is_verbatim_and_closes_the_document(content: Content, source: str) -> None:
    assert content.disclaimer == ISSUE_DISCLAIMER
    assert source.endswith(content.disclaimer)


def test_every_answer_sentence_occurs_in_the_document(content: Content, source: str) -> None:
    for topic in answered(content):
        for sentence in sentences(topic.answer):
            assert sentence in source, f"{topic.id}: not in the document: {sentence!r}"


def test_cut_off_answers_are_document_excerpts_ending_on_a_whole_word(
    content: Content, source: str
) -> None:
    for topic in excerpted(content):
        start = source.index(topic.excerpt)
        following = source[start + len(topic.excerpt) :]
        # The document continues the cut word right after the excerpt ("comfor...").
        assert following.startswith(" "), f"{topic.id} ends inside a word"
        assert re.match(r" \w+\.\.\.", following), f"{topic.id} is not the cut-off answer"


def test_sources_and_titles_are_named_as_in_the_document(content: Content, source: str) -> None:
    """An excerpt or a heading without details is shown under the document's own title."""
    for topic in content.topics.values():
        if topic.source:
            assert topic.source in source, f"{topic.id}: source not in the document"
    for topic in [*excerpted(content), *without_details(content)]:
        assert topic.title in source, f"{topic.id}: title not in the document"


def test_excerpts_are_marked_and_point_to_the_care_team(content: Content) -> None:
    for topic in excerpted(content):
        text = content.answer_text(topic)
        assert f"{topic.excerpt}\u2026" in text
        assert "care team" in text
        if topic.source:
            assert f"Source: {topic.source}." in text


def test_topics_without_details_say_so_and_point_to_the_care_team(content: Content) -> None:
    for topic in without_details(content):
        text = content.answer_text(topic)
        assert "don't have details" in text
        assert "care team" in text


def test_every_topic_offers_two_or_three_valid_related_questions(content: Content) -> None:
    for topic in content.topics.values():
        assert 2 <= len(topic.related) <= 3, topic.id
        assert topic.id not in topic.related
        assert set(topic.related) <= set(content.topics)


def test_hospital_details_come_from_content_or_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")
    monkeypatch.setenv("HOSPITAL_PHONE", "+44 20 7946 0000")
    load_content.cache_clear()
    try:
        overridden = load_content()
        assert "112" in overridden.render(overridden.replies["emergency"].text)
        assert "+44 20 7946 0000" in overridden.message("service_unavailable")
    finally:
        monkeypatch.undo()
        load_content.cache_clear()
    assert load_content().hospital["emergency_number"] == "911"


@pytest.mark.parametrize("literal", ["911", "988", "General Hospital", "(555)"])
def test_no_hospital_specific_text_in_code(literal: str) -> None:
    for folder in CODE_FOLDERS:
        for path in Path(PROJECT_ROOT, folder).rglob("*.py"):
            assert literal not in path.read_text(encoding="utf-8"), f"{literal!r} in {path}"
