"""The red-flag layer on its own: rules, negation, background, and the NLU override.

The held-out red-flag sets (tests/evaluation/data/red_flags.yml) are checked
here too, so a rule change that loses an emergency fails fast, without a model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.red_flags import (
    DEFAULT_RULES_FILE,
    FALLBACK_INTENT,
    RedFlagDetector,
    RedFlagRules,
    load_rules,
)
from tests.evaluation.datasets import all_cases, red_flag_cases

RULES = load_rules()
RED_FLAG_CASES = [case for case in red_flag_cases() if case.expects_red_flag]
OTHER_CASES = [case for case in all_cases() if not case.expects_red_flag]
MAX_FALSE_ALARM_RATE = 0.02


def detector() -> RedFlagDetector:
    return RedFlagDetector(RedFlagDetector.get_default_config())


def parsed(text: str, intent: str, confidence: float = 0.9) -> Message:
    """A message as the intent classifiers leave it, before the red-flag layer."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.05}]
    return Message(
        data={
            TEXT: text,
            INTENT: {"name": intent, "confidence": confidence},
            INTENT_RANKING_KEY: ranking,
        }
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I suddenly can't feel my legs", "emergency"),
        ("i have lost control of my bladder", "emergency"),
        ("my groin is numb", "emergency"),
        ("crushing pain in my chest", "emergency"),
        ("I fell down the stairs", "emergency"),
        ("i want to end my life", "self_harm"),
        ("I want to kill myself and I can't feel my legs", "self_harm"),
    ],
)
def test_red_flags_are_detected(text: str, kind: str) -> None:
    assert RULES.classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "no numbness in my groin",
        "I have not lost control of my bladder",
        "without any chest pain",
        "I fell down the stairs years ago",
        "what if I can't breathe in the scanner",
        "why would loss of bladder control need an MRI?",
        "what is an MRI of the lower back",
    ],
)
def test_negated_past_hypothetical_and_general_mentions_are_not_alarms(text: str) -> None:
    assert RULES.classify(text) is None


def test_negation_only_reaches_its_own_clause() -> None:
    assert RULES.classify("no fever, but I suddenly can't walk") == "emergency"


def test_curly_apostrophes_are_understood() -> None:
    assert RULES.classify("I can\u2019t feel my legs") == "emergency"


def test_classifier_emergency_guess_is_kept_when_nothing_cancels_it() -> None:
    assert RULES.override("my body feels wrong and scary", "emergency") is None


def test_classifier_emergency_guess_on_negated_symptoms_becomes_fallback() -> None:
    assert RULES.override("no numbness, just a stiff neck", "emergency") == FALLBACK_INTENT


def test_a_faq_intent_is_never_turned_into_fallback() -> None:
    assert RULES.override("no numbness, why an MRI of my neck", "ask_why_mri") is None


def test_component_overrides_a_confident_faq_intent() -> None:
    message = parsed("what is a spine MRI? I suddenly can't move my legs", "ask_what_is_spine_mri")
    detector().process([message])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert names[0] == "emergency"
    assert names.count("emergency") == 1


def test_component_vetoes_a_classifier_alarm_on_negated_symptoms() -> None:
    message = parsed("my legs are not weak at all", "emergency")
    detector().process([message])
    assert message.get(INTENT)["name"] == FALLBACK_INTENT


def test_component_leaves_ordinary_questions_alone() -> None:
    message = parsed("what is a spine MRI", "ask_what_is_spine_mri")
    detector().process([message])
    assert message.get(INTENT) == {"name": "ask_what_is_spine_mri", "confidence": 0.9}


def test_component_reads_its_rules_file_from_config(tmp_path: Path) -> None:
    rules = DEFAULT_RULES_FILE.read_text().replace("'\\bheart attack\\b'", "'\\bzebra\\b'")
    custom = tmp_path / "rules.yml"
    custom.write_text(rules)
    assert RedFlagRules.from_file(custom).classify("I see a zebra") == "emergency"
    assert RULES.classify("I see a zebra") is None


@pytest.mark.parametrize("case", RED_FLAG_CASES, ids=lambda case: case.text[:40])
def test_every_held_out_red_flag_is_caught(case) -> None:
    assert RULES.classify(case.text) is not None


def test_false_alarms_on_all_other_held_out_messages_stay_rare() -> None:
    alarms = [case.text for case in OTHER_CASES if RULES.classify(case.text) is not None]
    assert len(alarms) / len(OTHER_CASES) <= MAX_FALSE_ALARM_RATE, alarms


@given(st.text(max_size=200))
def test_any_text_is_handled_without_error(text: str) -> None:
    assert RULES.classify(text) in (None, "emergency", "self_harm")
