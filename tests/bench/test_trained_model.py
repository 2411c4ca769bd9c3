"""The trained model runs spaCy as docs/performance.md says: loaded once, no pipes.

It needs the trained model, so it runs with the benchmark's tests after `make train`
(a unit test would have to skip before it).
"""

from __future__ import annotations

from rasa.core.agent import Agent

from components.spacy_nlp import SpacyNLP
from project import DEFAULT_MODEL
from speedups import patches


def test_the_trained_model_loads_spacy_once_with_no_pipes() -> None:
    assert DEFAULT_MODEL.exists(), "no trained model: run `make train`"
    patches.install()  # loaded as the server loads it, in seconds rather than a minute
    try:
        agent = Agent.load(str(DEFAULT_MODEL))
    finally:
        patches.uninstall()
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    models = [node._component._model.model for node in nodes if type(node._component) is SpacyNLP]
    assert len(models) == 2 and models[0] is models[1]  # a provider node and a processing node
    assert models[0].pipe_names == []
