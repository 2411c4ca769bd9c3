"""Payload-only intents are kept out of what the NLU learns (components/payload_intents.py)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.payload_intents import PayloadOnlyIntents
from project import PROJECT_ROOT


def test_the_feedback_examples_are_dropped_and_every_other_example_kept() -> None:
    data = TrainingData().merge(
        *(load_data(str(PROJECT_ROOT / "data" / name)) for name in ("nlu.yml", "feedback.yml"))
    )
    intents = {example.get("intent") for example in data.intent_examples}
    assert "feedback" in intents  # rasa data validate needs them in data/

    learned = PayloadOnlyIntents({"intents": ["feedback"]}).process_training_data(data)

    assert "feedback" not in {example.get("intent") for example in learned.intent_examples}
    others = [example for example in data.intent_examples if example.get("intent") != "feedback"]
    assert [example.get("text") for example in learned.intent_examples] == [
        example.get("text") for example in others
    ]


def test_the_pipeline_lists_feedback_as_payload_only_first() -> None:
    pipeline = yaml.safe_load(Path(PROJECT_ROOT / "config.yml").read_text())["pipeline"]
    assert pipeline[0] == {
        "name": "components.payload_intents.PayloadOnlyIntents",
        "intents": ["feedback"],
    }
