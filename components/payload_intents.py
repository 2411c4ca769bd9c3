"""Keeps intents that arrive only as button payloads out of what the NLU learns.

A vote on an answer reaches Rasa as a payload, `/feedback{...}`, which Rasa reads
without the NLU (the payload names the intent and its entities). `rasa data validate`
still requires NLU examples for every intent of the domain, so data/feedback.yml has a
few. Learning them would only move the decision boundaries of every other intent: with
DIET trained on them, the development sets' out-of-scope deflection fell from 100 % to
96.7 % and their wrong answers rose from 0 to 1.1 %, with no vote ever typed. This
component runs first in the NLU pipeline and removes those intents' examples from the
training data that every later component sees; at run time it changes nothing.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PayloadOnlyIntents(GraphComponent):
    """Drops the training examples of the intents listed in `intents` (config.yml)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intents = frozenset(config["intents"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PayloadOnlyIntents:
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """The training data without the payload-only intents' examples."""
        return training_data.filter_training_examples(
            lambda example: example.get(INTENT) not in self.intents
        )

    def process(self, messages: list[Message]) -> list[Message]:
        return messages
