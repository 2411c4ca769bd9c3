"""The region matcher alone: typos, capitals and patients' region phrases found; other
words, the upper back and DIET's regions left alone."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.regions import RegionSpellingMatcher

MATCHER = RegionSpellingMatcher(RegionSpellingMatcher.get_default_config())


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("why an MRI of my nek", "cervical"),
        ("why a lumbr MRI", "lumbar"),
        ("why a cervicle scan", "cervical"),
        ("why would I need a NECK mri", "cervical"),
        ("why mri lowr bak", "lumbar"),
        # Capitals and patients' own region phrases.
        ("WHY MRI LOW BACK PAIN", "lumbar"),
        ("C SPINE MRI REASON", "cervical"),
        ("why would back pain with a fever need an MRI", "lumbar"),
        ("my backache is not getting better, why the scan", "lumbar"),
        ("why an mri of the bottom part of my spine", "lumbar"),
        ("my back down low hurts, why the mri", "lumbar"),
        ("why scan the lower part of my back", "lumbar"),
        ("L4 L5 pain for a year, why mri now", "lumbar"),
        ("disc at L5-S1, why an MRI", "lumbar"),
        ("c5/6 nerve, why mri", "cervical"),
        ("why scan the upper part of the spine", "cervical"),
        ("sciatica for months, why the mri", "lumbar"),
        # "the back" as the body part, and other names for the lower back.
        ("my back has hurt for months, why the mri", "lumbar"),
        ("why is fever a reason for an mri of the back", "lumbar"),
        ("back mri why do i need", "lumbar"),
        ("why would i need a back mri", "lumbar"),
        ("the back of my neck hurts, why mri", "cervical"),
        ("my back the bottom part hurts, why mri", "lumbar"),
        ("pain in the low part of the back, why mri", "lumbar"),
        ("why mri for lumbago", "lumbar"),
        ("LS spine mri why ordered", "lumbar"),
        ("por que una resonancia de la parte baja de la espalda", "lumbar"),
    ],
)
def test_misspelt_and_patients_own_regions_are_found(text: str, value: str) -> None:
    found = MATCHER.find(text)
    assert found is not None
    assert found["value"] == value
    assert text[found["start"] : found["end"]].lower() in text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "what happens next",
        "I need an MRI",
        "my knee hurts",
        "number 2",
        "what is an mri of the back bone",
        "i went back to my doctor, why an mri",
        "why a thoracic mri, the middle of my back",
        "my back surgery was in june, why an mri now",
        "upper back pain, why an mri",
        "mid back pain why mri",
        "I had a fall a few months back",
        "why mri after back surgery",
    ],
)
def test_other_words_are_not_regions(text: str) -> None:
    assert MATCHER.find(text) is None


@pytest.mark.parametrize("text", ["my neck and lower back both hurt", "c spine or l spine"])
def test_both_regions_named_gives_neither(text: str) -> None:
    assert MATCHER.find(text) is None


def test_a_region_the_extractor_found_is_kept() -> None:
    diet_entity = {"entity": "region", "value": "lumbar", "start": 0, "end": 4}
    message = Message(data={TEXT: "neck or lumbar", ENTITIES: [diet_entity]})
    MATCHER.process([message])
    assert message.get(ENTITIES) == [diet_entity]


def test_a_region_the_extractor_misread_is_replaced() -> None:
    misread = {"entity": "region", "value": "LOW", "start": 8, "end": 11}
    message = Message(data={TEXT: "WHY MRI LOW BACK PAIN", ENTITIES: [misread]})
    MATCHER.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("region", "lumbar")]


def test_a_missed_region_is_added_as_an_entity() -> None:
    message = Message(data={TEXT: "why would i need a MRI of my nek", ENTITIES: []})
    MATCHER.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("region", "cervical")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("why a cervical mri instead of a lumbar one", "cervical"),
        ("why the lower back and not the neck", "lumbar"),
        ("neck mri rather than the l spine, why", "cervical"),
        ("not my neck but my lower back, why an mri", "lumbar"),
    ],
)
def test_a_region_set_aside_replaces_the_extractors(text: str, value: str) -> None:
    """DIET often reads the region named last; the patient asks about the other one."""
    others = {"cervical": "lumbar", "lumbar": "cervical"}
    misread = {"entity": "region", "value": others[value], "start": 0, "end": 4}
    message = Message(data={TEXT: text, ENTITIES: [misread]})
    MATCHER.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("region", value)]


@pytest.mark.parametrize(
    "text", ["lumbar mri vs cervical, which do i need", "why lumbar mri, i do not have neck pain"]
)
def test_regions_compared_or_denied_are_not_set_aside(text: str) -> None:
    assert MATCHER.asked_over_another(text) is None
