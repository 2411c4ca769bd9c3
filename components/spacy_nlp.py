"""Rasa's SpacyNLP, running only the spaCy pipes the NLU pipeline uses, loaded once.

Rasa's own SpacyNLP runs every pipe of the spaCy model except the parser, for
every message. In this pipeline spaCy's work is tokenization: en_core_web_sm has
no word vectors, so SpacyFeaturizer adds no features, and no component reads the
named entities or the tags. The tagger, attribute ruler and lemmatizer (with the
tok2vec network they need) produce the lemmas the word counts would use; without
them Rasa counts the words themselves, and the character n-grams still see "scan"
in "scans". Those pipes were a measurable part of every message's time
(docs/performance.md), and the NLU measures hold without them (reports/).

`pipes` in config.yml lists the spaCy pipes to run; leave it out for Rasa's
choice (all but the parser). A model with word vectors (`en_core_web_md`)
needs no pipe for SpacyFeaturizer either: the vectors are looked up per token.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils import spacy_utils

PIPES = "pipes"


@dataclasses.dataclass
class SpacyModel(spacy_utils.SpacyModel):
    """Rasa's SpacyModel whose fingerprint names the pipes that run: tokens made
    with other pipes must not come from Rasa's training cache."""

    pipes: tuple[str, ...] | None = None

    def fingerprint(self) -> str:
        pipes = "default" if self.pipes is None else ",".join(self.pipes)
        return f"{self.model_name}[{pipes}]"


@functools.cache
def load_spacy_model(model_name: str, pipes: tuple[str, ...] | None) -> SpacyModel:
    """The model with only `pipes` (None: Rasa's default), once per process.

    A trained model has two SpacyNLP nodes (one provides the model, one processes
    messages); each would load its own copy.
    """
    stock = spacy_utils.SpacyNLP.load_model(model_name)  # Rasa's checks and messages
    language = stock.model
    if pipes is not None:
        unknown = sorted(set(pipes) - set(language.component_names))
        if unknown:
            raise ValueError(f"spaCy model {model_name} has no pipe {', '.join(unknown)}")
        for name in list(language.component_names):
            if name not in pipes:
                language.remove_pipe(name)
    return SpacyModel(model=language, model_name=model_name, pipes=pipes)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """SpacyNLP with a `pipes` setting (the class keeps Rasa's name: SpacyTokenizer
    and SpacyFeaturizer find their model provider by it)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), PIPES: None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyNLP:
        config = {**cls.get_default_config(), **config}
        pipes = config[PIPES]
        model = load_spacy_model(config.get("model"), None if pipes is None else tuple(pipes))
        cls.ensure_proper_language_model(model.model)
        return cls(model, config)
