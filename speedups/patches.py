"""Runtime speed-ups of the Rasa server, each measured by `make bench` (docs/performance.md).

They change how Rasa runs, never what it answers (speedups/test_speedups.py compares
the answers with and without them). speedups.rasa_main installs them before Rasa starts,
unless RASA_SPEEDUPS=off, and only on the library versions in speedups/versions.py:

* Models load without tracing a training step. Rasa's RasaModel.load runs
  ``model.fit`` on one example only to create the variables before restoring the
  trained weights; tracing that training graph (with gradients, for DIET's CRF too)
  was most of the server's start-up. Running the loss once eagerly creates the
  same variables at a fraction of the cost; the optimizer, which inference never
  uses, is simply not restored.
* One kept-alive HTTP session per endpoint and event loop. Rasa opens (and closes)
  a new aiohttp ClientSession, so a new TCP connection, for every action call.
* The action server's response is checked against Rasa's JSON schema with a validator
  built once. Rasa calls ``jsonschema.validate``, which first validates the schema
  itself against the meta-schema, on every action call: py-spy found that to be
  the largest share of the Rasa server's CPU under load. Each event is then checked
  against the schema of its own type instead of trying them all.
  An invalid response still goes through Rasa's own check, so the error is Rasa's.
* The model's graph runs its nodes in dependency order directly. Rasa hands every
  run (one per message for the NLU, one per predicted action) to dask's synchronous
  scheduler, which rebuilt and walked the task graph each time and formatted a debug
  line with the whole tracker, for no parallelism.
* DIET's prediction graph is traced without AutoGraph. Rasa's ``tf.function`` rewrites
  the Python source of every layer's call into graph control flow first, about half of
  a model load (13 -> 7 s); DIET's prediction branches only on its configuration, never
  on a tensor, so the plain trace is the same graph (a branch on a tensor would stop
  the load with TensorFlow's error, not change an answer).
* DIET's traced prediction graph is called directly. Rasa calls it through its
  ``tf.function``, which matches the batch against the traced signature on every call;
  the signature is fixed, so its one concrete function is fetched once. The batch goes
  in as the flat list of tensors the graph takes: called with the nested batch, the
  concrete function matched it against the signature again.
* A message's features from several featurizers are joined in one step. Rasa deep-copies
  the first featurizer's matrix and then stacks the others onto it one at a time, a
  new sparse matrix per featurizer.
  COO matrices (what the featurizers make) are joined by concatenating their entries,
  without scipy's block-matrix machinery.
* RulePolicy's conversation states are computed once per tracker state. After a user
  message it asks for the states of the whole conversation twice (to match the text,
  then the intent), each a replay of every event so far.
* An event's class is found by its type name in a table built once. Rasa walked every
  subclass of ``Event`` (with an abstractness check each) for every event it read
  from the database or from the action server.
* RulePolicy matches the conversation against rules prepared once. For every rule and
  every turn it parsed the rule again (a cached JSON parse, then a reversed copy of
  it) and turned the rule's lists into tuples before comparing; and it went on
  through the whole conversation after every rule left was already shorter than the
  turns looked at, which can no longer change the answer.
* DIET's prediction makes its "fake" features (zero-row stand-ins for missing ones,
  which a prediction of one message never uses) without deep-copying the message's
  own feature matrices first, only to throw the copies away.
* The processor's check whether the domain is empty compares with the empty domain's
  dictionary made once; Rasa built a new empty Domain for every message.
* DIET's input arrays become tensors directly (what ``tf.convert_to_tensor`` ends in
  for a numpy array when running eagerly), without its dispatch and registry layers.
* The word and character counts of a message (CountVectorsFeaturizer) are made as
  scikit-learn's ``CountVectorizer.transform`` counts them, with its own analyzer and
  vocabulary, straight into the sorted COO matrices Rasa makes of its result. Rasa
  called ``transform`` twice per featurizer and message: each call built the analyzer
  again, checked the vocabulary, built a CSR matrix with its format checks, sorted its
  indices, and Rasa then converted it to COO.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import graphlib
import itertools
import operator
import weakref
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import numpy as np
import scipy.sparse
import tensorflow as tf
from jsonschema.validators import validator_for
from keras.utils import tf_utils
from rasa.core.actions.action import RemoteAction
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow import model_data_utils
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.models import RasaModel
from tensorflow.python.eager import context as tf_context
from tensorflow.python.framework.constant_op import convert_to_eager_tensor
from tensorflow.python.profiler import trace as tf_trace

_stock_load = RasaModel.load.__func__
_stock_session = EndpointConfig.session
_stock_validate = RemoteAction._validate_action_result
_stock_run_graph = DaskGraphRunner.run
_stock_resolve_event = Event.resolve_by_type
_stock_combine_features = Message._combine_features
_stock_rasa_predict = RasaModel._rasa_predict
_stock_create_states = TrackerFeaturizer._create_states
_stock_possible_keys = RulePolicy._get_possible_keys
_stock_fake_features = model_data_utils._create_fake_features
_stock_is_empty = Domain.is_empty
_stock_count_features = CountVectorsFeaturizer._create_features
_concrete_predictions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
IDLE_CONNECTION_SECONDS = 2.0
TOKENS_KEPT = 4096


def load_for_inference(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load without the traced training step (see module docstring).

    Fine-tuning needs the optimizer state, so it keeps Rasa's own path.
    """
    if finetune_mode:
        return _stock_load(
            cls, model_file_name, model_data_example, predict_data_example, True, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    model._training = True  # the loss path builds every layer, prediction-only ones too
    model.batch_loss(batch)
    model._training = False
    model.load_weights(model_file_name).expect_partial()
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


class KeptSession:
    """Stands in for ``async with endpoint.session()``: yields a shared session, keeps it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_: object) -> None:
        return None


def kept_session(endpoint: EndpointConfig) -> KeptSession:
    """The endpoint's session for the running event loop, created on first use."""
    loop = asyncio.get_running_loop()
    sessions = endpoint.__dict__.setdefault("_kept_sessions", weakref.WeakKeyDictionary())
    session = sessions.get(loop)
    if session is None or session.closed:
        session = sessions[loop] = _stock_session(endpoint)
        # Reuse an idle connection only briefly: the action server (Sanic) closes it after
        # 5 s, and a request sent just as the server closes it would fail the action.
        session.connector._keepalive_timeout = IDLE_CONNECTION_SECONDS
    return KeptSession(session)


@dataclass(frozen=True)
class ActionResultValidator:
    """Rasa's response schema as reusable validators: the whole schema, and, when its
    events are the discriminated union it is in Rasa 3.6 (``oneOf`` branches told apart
    by a constant ``event``), the response without its events plus one validator per
    event type. Checking an event against its own branch only is what ``oneOf`` decides
    (the other branches' constants cannot match), without trying every branch: it was
    most of the validation's time."""

    whole: Any
    envelope: Any = None
    by_event_type: dict[str, Any] = field(default_factory=dict)

    def is_valid(self, result: Any) -> bool:
        if not self.by_event_type or not self.envelope.is_valid(result):
            return self.whole.is_valid(result)
        for event in result.get("events") or []:
            event_type = event.get("event") if isinstance(event, dict) else None
            validator = self.by_event_type.get(event_type) if isinstance(event_type, str) else None
            if validator is None or not validator.is_valid(event):
                return self.whole.is_valid(result)
        return True


def event_branches(items: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Event type -> the schema of such an event, if every branch names its type."""
    branches = items.get("oneOf")
    if not isinstance(branches, list):
        return None
    types = [branch.get("properties", {}).get("event", {}).get("const") for branch in branches]
    if not all(isinstance(name, str) for name in types) or len(set(types)) != len(types):
        return None
    common = {key: value for key, value in items.items() if key != "oneOf"}
    pairs = zip(types, branches, strict=True)
    return {name: {**common, "allOf": [branch]} for name, branch in pairs}


@functools.cache
def action_result_validator() -> ActionResultValidator:
    """Rasa's response schema, checked once, as reusable validators."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    whole = validator_class(schema)
    events = schema.get("properties", {}).get("events", {})
    branches = event_branches(events.get("items", {}))
    if not branches:
        return ActionResultValidator(whole)
    without_items = {key: value for key, value in events.items() if key != "items"}
    envelope = copy.deepcopy(schema)
    envelope["properties"]["events"] = without_items
    return ActionResultValidator(
        whole,
        validator_class(envelope),
        {name: validator_class(branch) for name, branch in branches.items()},
    )


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """True for a valid response; an invalid one raises Rasa's own error."""
    if action_result_validator().is_valid(result):
        return True
    return _stock_validate(action, result)


def execution_order(
    runner: DaskGraphRunner, targets: tuple[str, ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """(node, the names it needs) for every node the targets depend on, dependencies first.

    Computed once per runner and set of targets; the graph of a loaded model never changes.
    """
    orders = runner.__dict__.setdefault("_execution_orders", {})
    if targets not in orders:
        nodes = runner._graph_schema.minimal_graph_schema(list(targets)).nodes
        needs = {name: tuple(node.needs.values()) for name, node in nodes.items()}
        sorter = graphlib.TopologicalSorter(
            {name: [need for need in needed if need in nodes] for name, needed in needs.items()}
        )
        orders[targets] = [(name, needs[name]) for name in sorter.static_order()]
    return orders[targets]


def run_graph_in_order(
    runner: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """DaskGraphRunner.run without dask: each node gets its needs' (name, output) pairs,
    or the bare name of a need nobody provided, exactly as dask's scheduler passes them."""
    run_targets = tuple(targets) if targets else tuple(runner._graph_schema.target_names)
    results: dict[str, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
    try:
        for name, needs in execution_order(runner, run_targets):
            node = runner._instantiated_nodes[name]
            results[name] = node(*(results.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


@dataclass(frozen=True)
class FlatPrediction:
    """A traced prediction graph called with the flat list of tensors it takes."""

    function: Any
    input_types: tuple[tf.DType, ...]

    def __call__(self, batch_in: Any) -> Any:
        arrays = zip(tf.nest.flatten(batch_in), self.input_types, strict=True)
        tensors = [to_tensor(array, dtype) for array, dtype in arrays]
        return self.function._call_flat(tensors, self.function.captured_inputs)


def to_tensor(value: Any, dtype: tf.DType) -> Any:
    """tf.convert_to_tensor(value, dtype): for a numpy array in eager mode (not traced by
    TensorFlow's profiler) straight to what it ends in, ``convert_to_eager_tensor``
    (through ``constant``); anything else goes through it."""
    ctx = tf_context.context()
    if type(value) is np.ndarray and ctx.executing_eagerly() and not tf_trace.enabled:
        return convert_to_eager_tensor(value, ctx, dtype)
    return tf.convert_to_tensor(value, dtype)


def predict_with_concrete_function(model: RasaModel, batch_in: Any) -> dict[str, Any]:
    """RasaModel._rasa_predict with its traced graph called directly (see module docstring).

    The first call, and models run eagerly, take Rasa's own path, which traces the graph:
    without AutoGraph (see module docstring).
    """
    if model._run_eagerly:
        return _stock_rasa_predict(model, batch_in)
    if model._tf_predict_step is None:
        model._tf_predict_step = tf.function(
            model.predict_step, input_signature=model._dynamic_signature(batch_in), autograph=False
        )
        return _stock_rasa_predict(model, batch_in)
    predict = _concrete_predictions.get(model)
    if predict is None:
        function = model._tf_predict_step.get_concrete_function()
        specs = tf.nest.flatten(function.structured_input_signature)
        predict = FlatPrediction(function, tuple(spec.dtype for spec in specs))
        _concrete_predictions[model] = predict
    outputs = tf_utils.sync_to_numpy_or_python_type(predict(batch_in))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def hstack_coo(matrices: list[scipy.sparse.coo_matrix]) -> scipy.sparse.coo_matrix:
    """scipy.sparse.hstack of COO matrices (what featurizers make): the same entries in
    the same order, without the block-matrix machinery."""
    offsets = np.cumsum([0] + [matrix.shape[1] for matrix in matrices[:-1]])
    data = np.concatenate([matrix.data for matrix in matrices])
    rows = np.concatenate([matrix.row for matrix in matrices])
    columns = np.concatenate([m.col + offset for m, offset in zip(matrices, offsets, strict=True)])
    shape = (matrices[0].shape[0], sum(matrix.shape[1] for matrix in matrices))
    return scipy.sparse.coo_matrix((data, (rows, columns)), shape=shape)


def combine_features(features: list[Features], featurizers: list[str]) -> Features | None:
    """Message._combine_features with one stack for all featurizers: the same matrix
    (a featurizer's own one is copied, never shared), the same type, attribute and origin."""
    if not features:
        return None
    first = features[0]
    matrices = [feature.features for feature in features]
    if len(matrices) == 1:
        combined = matrices[0].copy()
    elif all(isinstance(matrix, scipy.sparse.coo_matrix) for matrix in matrices):
        combined = hstack_coo(matrices)
    elif first.is_sparse():
        combined = scipy.sparse.hstack(matrices)
    else:
        combined = np.concatenate(matrices, axis=-1)
    return Features(combined, first.type, first.attribute, featurizers)


@functools.cache
def event_classes() -> dict[str, type[Event]]:
    """Type name -> event class, the first one Rasa's own search would find."""
    classes: dict[str, type[Event]] = {}
    for event_class in all_subclasses(Event):
        classes.setdefault(event_class.type_name, event_class)
    return classes


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type from the table; anything not in it goes to Rasa's search."""
    return event_classes().get(type_name) or _stock_resolve_event(type_name, default)


@dataclass(frozen=True)
class CachedStates:
    """A tracker's states and what they were computed from."""

    domain: Any
    settings: tuple[bool, bool, dict[str, Any] | None]
    events: tuple[Event, ...]
    states: list[dict[str, dict[str, Any]]]


def same_events(seen: tuple[Event, ...], events: Collection[Event]) -> bool:
    """The very same event objects, in the same order, as those the states were made from.

    Neither the number of events nor the latest one is enough: with ``max_event_history``
    the event list stops growing once full, and one event object can be applied twice.
    Comparing the whole list by identity is exact and costs a pointer comparison per
    event, next to the replay of every event that it saves.
    """
    return len(seen) == len(events) and all(map(operator.is_, seen, events))


def create_states_once(
    tracker: DialogueStateTracker,
    domain: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """TrackerFeaturizer._create_states, computed once per tracker, events and settings.

    RulePolicy asks for the states of the whole conversation twice after a user message
    (matching its text, then its intent). A tracker's states follow from its domain, its
    slot definitions and its events, so the same tracker with the same events (see same_events) has
    the same states. Callers edit the states they get (the last user turn loses its text
    or intent), so each gets its own copy of the turn dictionaries; their values are
    strings and tuples.
    """
    settings = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    cached = tracker.__dict__.get("_states_once")
    if (
        cached is None
        or cached.domain is not domain
        or cached.settings != settings
        or not same_events(cached.events, tracker.events)
    ):
        states = _stock_create_states(
            tracker, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
        cached = CachedStates(domain, settings, tuple(tracker.events), states)
        tracker.__dict__["_states_once"] = cached
    return [{name: dict(sub_state) for name, sub_state in state.items()} for state in cached.states]


@dataclass(frozen=True)
class RuleTurn:
    """One state of a rule, ready to compare: its previous action, and per kind of state
    (user, prev_action, slots, active_loop) the (key, value) pairs, lists as tuples."""

    previous_action: Any
    checks: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]

    @classmethod
    def of(cls, rule_state: dict[str, Any]) -> RuleTurn:
        checks = tuple(
            (
                state_type,
                tuple(
                    (key, tuple(value) if isinstance(value, list) else value)
                    for key, value in sub_state.items()
                ),
            )
            for state_type, sub_state in rule_state.items()
        )
        return cls(rule_state.get(PREVIOUS_ACTION), checks)

    def matches(self, conversation_state: dict[str, Any]) -> bool:
        """RulePolicy._does_rule_match_state for this rule state."""
        for state_type, items in self.checks:
            conversation_sub_state = conversation_state.get(state_type, {})
            for key, value_from_rules in items:
                value_from_conversation = conversation_sub_state.get(key)
                if (
                    value_from_rules
                    and value_from_rules != SHOULD_NOT_BE_SET
                    and value_from_conversation != value_from_rules
                ) or (
                    value_from_rules == SHOULD_NOT_BE_SET
                    and value_from_conversation
                    and value_from_conversation != SHOULD_NOT_BE_SET
                ):
                    return False
        return True


def rule_applies(turns: tuple[RuleTurn, ...], turn_index: int, state: dict[str, Any]) -> bool:
    """RulePolicy._is_rule_applicable with the rule's states prepared (newest first)."""
    if turn_index >= len(turns):
        return True
    current_previous_action = state.get(PREVIOUS_ACTION)
    turn = turns[turn_index]
    if not turn.previous_action and not current_previous_action:
        return True
    if not turn.previous_action or not current_previous_action:
        return False
    return turn.matches(state)


_prepared_rules: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def prepared_rules(policy: RulePolicy, lookup: dict[str, Any]) -> dict[str, tuple[RuleTurn, ...]]:
    """Rule key -> its states newest first, prepared once per lookup table of the policy.

    A loaded policy's lookup tables never change; the table is kept with the prepared
    rules (so its id is not reused) and they are prepared again if its keys differ.
    """
    tables = _prepared_rules.setdefault(policy, {})
    entry = tables.get(id(lookup))
    if entry is None or entry[0] is not lookup or entry[1].keys() != lookup.keys():
        rules = {
            key: tuple(RuleTurn.of(state) for state in reversed(policy._rule_key_to_state(key)))
            for key in lookup
        }
        entry = tables[id(lookup)] = (lookup, rules)
    return entry[1]


def possible_rule_keys(
    policy: RulePolicy, lookup: dict[str, Any], states: list[dict[str, Any]]
) -> set[str]:
    """RulePolicy._get_possible_keys with prepared rules; it stops going back through the
    conversation once no rule left is longer than the turns looked at (each of them would
    be kept in every earlier turn) or none is left."""
    rules = prepared_rules(policy, lookup)
    possible = set(lookup.keys())
    longest = max((len(rules[key]) for key in possible), default=0)
    for turn_index, state in enumerate(reversed(states)):
        if turn_index >= longest:
            break
        possible = {key for key in possible if rule_applies(rules[key], turn_index, state)}
        longest = max((len(rules[key]) for key in possible), default=0)
    return possible


def fake_features(all_features: list[list[list[Features]]]) -> list[Features]:
    """model_data_utils._create_fake_features without deep-copying each feature matrix
    it then replaces: the other attributes are deep-copied as Rasa copies them."""
    example_features = next(
        iter(
            [
                list_of_features
                for list_of_list_of_features in all_features
                for list_of_features in list_of_list_of_features
                if list_of_features is not None
            ]
        )
    )
    fakes = []
    for features in example_features:
        fake = copy.copy(features)
        for name, value in features.__dict__.items():
            if name != "features":
                fake.__dict__[name] = copy.deepcopy(value)
        width, dtype = features.features.shape[-1], features.features.dtype
        if features.is_dense():
            fake.features = np.zeros((0, width), dtype)
        if features.is_sparse():
            fake.features = scipy.sparse.coo_matrix((0, width), dtype)
        fakes.append(fake)
    return fakes


@functools.cache
def empty_domain_data() -> dict[str, Any]:
    """What an empty domain's as_dict gives (a copy of its own, never handed out)."""
    return copy.deepcopy(Domain.empty().as_dict())


def domain_is_empty(domain: Domain) -> bool:
    """Domain.is_empty against the empty domain's dictionary made once."""
    return domain.as_dict() == empty_domain_data()


class Counts:
    """A fitted CountVectorizer's transform, for the few short documents of one message.

    A token's counts are kept (TOKENS_KEPT of them, the most recently used): the same
    words come back in message after message, and their counts follow from the token
    alone."""

    def __init__(self, vectorizer: Any) -> None:
        vectorizer._check_vocabulary()  # what ``transform`` checks first
        self.analyzer: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.dtype = vectorizer.dtype
        self.binary = bool(vectorizer.binary)
        self.token_row = functools.lru_cache(maxsize=TOKENS_KEPT)(self.row)

    def row(self, document: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The document's known features in column order, and their counts."""
        counted = Counter(
            index
            for feature in self.analyzer(document)
            if (index := self.vocabulary.get(feature)) is not None
        )
        columns = tuple(sorted(counted))
        return columns, tuple(1 if self.binary else counted[column] for column in columns)

    def matrix(self, rows: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> Any:
        """``transform`` of the rows' documents with its indices sorted, as COO."""
        lengths = [len(columns) for columns, _ in rows]
        row_indices = np.repeat(np.arange(len(rows)), lengths)
        columns = np.fromiter(itertools.chain.from_iterable(c for c, _ in rows), np.int64)
        data = np.fromiter(itertools.chain.from_iterable(n for _, n in rows), self.dtype)
        shape = (len(rows), len(self.vocabulary))
        return scipy.sparse.coo_matrix((data, (row_indices, columns)), shape=shape)

    def tokens(self, tokens: list[str]) -> Any:
        """One row per token."""
        return self.matrix([self.token_row(token) for token in tokens])

    def text(self, text: str) -> Any:
        """One row for the whole text."""
        return self.matrix([self.row(text)])


_counts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def counts_of(vectorizer: Any) -> Counts:
    """The vectorizer's Counts, made once per vocabulary: fitting it again gives it a new
    one (a loaded model's vectorizers are never fitted again)."""
    counts = _counts.get(vectorizer)
    if counts is None or counts.vocabulary is not getattr(vectorizer, "vocabulary_", None):
        counts = _counts[vectorizer] = Counts(vectorizer)
    return counts


def count_features(
    featurizer: CountVectorsFeaturizer, attribute: str, all_tokens: list[list[str]]
) -> tuple[list[Any], list[Any]]:
    """CountVectorsFeaturizer._create_features through Counts: per message, the tokens'
    counts (one row per token) and, for a dense-featurizable attribute, the counts of
    the tokens joined by spaces."""
    vectorizer = featurizer.vectorizers.get(attribute)
    if not vectorizer:
        return [None], [None]
    sequence_features: list[Any] = []
    sentence_features: list[Any] = []
    for tokens in all_tokens:
        if not tokens:
            sequence_features.append(None)
            sentence_features.append(None)
            continue
        counts = counts_of(vectorizer)
        sequence_features.append(counts.tokens(tokens))
        dense_featurizable = attribute in DENSE_FEATURIZABLE_ATTRIBUTES
        sentence_features.append(counts.text(" ".join(tokens)) if dense_featurizable else None)
    return sequence_features, sentence_features


# (owner, attribute, replacement): every speed-up that replaces a piece of Rasa; the
# owner is a class, or the module whose function its callers look up at call time.
PATCHES: tuple[tuple[Any, str, Any], ...] = (
    (RasaModel, "load", classmethod(load_for_inference)),
    (EndpointConfig, "session", kept_session),
    (RemoteAction, "_validate_action_result", validate_action_result),
    (DaskGraphRunner, "run", run_graph_in_order),
    (Event, "resolve_by_type", staticmethod(resolve_event_type)),
    (Message, "_combine_features", staticmethod(combine_features)),
    (RasaModel, "_rasa_predict", predict_with_concrete_function),
    (TrackerFeaturizer, "_create_states", staticmethod(create_states_once)),
    (RulePolicy, "_get_possible_keys", possible_rule_keys),
    (model_data_utils, "_create_fake_features", fake_features),
    (Domain, "is_empty", domain_is_empty),
    (CountVectorsFeaturizer, "_create_features", count_features),
)
# What Rasa itself defines there, as found in the class (methods, classmethods, staticmethods).
STOCK = tuple(owner.__dict__[name] for owner, name, _ in PATCHES)


def install() -> None:
    """Apply every speed-up (idempotent), whatever the versions: the differential tests
    must run them on a new version. The server goes through speedups.rasa_main, which
    honours RASA_SPEEDUPS and installs them only on the tested versions (versions.py)."""
    for owner, name, replacement in PATCHES:
        setattr(owner, name, replacement)


def uninstall() -> None:
    """Rasa as shipped again (tests compare both in one process)."""
    for (owner, name, _), stock in zip(PATCHES, STOCK, strict=True):
        setattr(owner, name, stock)
