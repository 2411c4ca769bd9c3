"""The content file says only what the approved document says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.content import Content, load_content
from project import PROJECT_ROOT

SHARED_SOURCE = PROJECT_ROOT.parent / "shared" / "source" / "spine-mri-source.txt"
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


def test_project_copy_of_source_matches_the_approved_document(content: Content) -> None:
    if not SHARED_SOURCE.exists():
        pytest.skip("the shared approved document is not beside this checkout")
    assert content.source_document.read_bytes() == SHARED_SOURCE.read_bytes()


def test_disclaimer_is_verbatim_and_closes_the_document(content: Content, source: str) -> None:
    assert content.disclaimer == ISSUE_DISCLAIMER
    assert source.endswith(content.disclaimer)


def test_every_answer_sentence_occurs_in_the_document(content: Content, source: str) -> None:
    answered = [t for t in content.topics.values() if t.answer]
    assert len(answered) == 4
    for topic in answered:
        for sentence in sentences(topic.answer):
            assert sentence in source, f"{topic.id}: not in the document: {sentence!r}"


def test_cut_off_answers_are_document_excerpts_ending_on_a_whole_word(
    content: Content, source: str
) -> None:
    excerpted = {t.id: t for t in content.topics.values() if t.excerpt}
    assert set(excerpted) == {"music_mri", "mri_factors", "prostate_cancer_mri"}
    for topic in excerpted.values():
        start = source.index(topic.excerpt)
        following = source[start + len(topic.excerpt) :]
        # The document continues the cut word right after the excerpt ("comfor...").
        assert following.startswith(" "), f"{topic.id} ends inside a word"
        assert re.match(r" \w+\.\.\.", following), f"{topic.id} is not the cut-off answer"


def test_sources_and_titles_are_named_as_in_the_document(content: Content, source: str) -> None:
    assert content.topics["music_mri"].source == (
        "Univ. of Nev. School of Medicine, Family Medicine"
    )
    assert content.topics["prostate_cancer_mri"].source == "UCLA Health"
    assert content.topics["mri_factors"].source is None
    for topic_id in ("music_mri", "mri_factors", "prostate_cancer_mri", "what_to_expect"):
        assert content.topics[topic_id].title in source


def test_excerpts_are_marked_and_point_to_the_care_team(content: Content) -> None:
    for topic_id in ("music_mri", "mri_factors", "prostate_cancer_mri"):
        text = content.answer_text(content.topics[topic_id])
        assert f"{content.topics[topic_id].excerpt}\u2026" in text
        assert "care team" in text
    assert "Source: UCLA Health." in content.answer_text(content.topics["prostate_cancer_mri"])


def test_what_to_expect_admits_no_details_and_points_to_the_care_team(
    content: Content,
) -> None:
    text = content.answer_text(content.topics["what_to_expect"])
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
