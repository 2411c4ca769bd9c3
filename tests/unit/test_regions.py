"""The region spelling matcher alone: typos found, other words and DIET regions left alone."""

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
    ],
)
def test_misspelt_regions_are_found(text: str, value: str) -> None:
    found = MATCHER.find(text)
    assert found is not None
    assert found["value"] == value
    assert text[found["start"] : found["end"]].lower() in text.lower()


@pytest.mark.parametrize(
    "text", ["what happens next", "I need an MRI", "my knee hurts", "check my back", "number 2"]
)
def test_other_words_are_not_regions(text: str) -> None:
    assert MATCHER.find(text) is None


def test_a_region_the_extractor_found_is_kept() -> None:
    diet_entity = {"entity": "region", "value": "lumbar", "start": 0, "end": 4}
    message = Message(data={TEXT: "neck or lumbar", ENTITIES: [diet_entity]})
    MATCHER.process([message])
    assert message.get(ENTITIES) == [diet_entity]


def test_a_missed_region_is_added_as_an_entity() -> None:
    message = Message(data={TEXT: "why would i need a MRI of my nek", ENTITIES: []})
    MATCHER.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("region", "cervical")]
