"""The runtime speed-ups change how fast Rasa runs, never what it answers."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse
import tensorflow as tf
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow import model_data_utils
from sklearn.feature_extraction.text import CountVectorizer

from bench.conversations import conversations
from ops.processes import free_port
from project import DEFAULT_MODEL, PROJECT_ROOT
from speedups import patches, versions

RASA_CREATE_STATES = patches._stock_create_states
MESSAGES = sorted({text for story in conversations() for text in story})


def trained_model() -> str:
    """The shipped model. Without it the differential tests fail rather than skip:
    `make test-bench` trains it first, and must not pass having compared nothing."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(
            f"{DEFAULT_MODEL} is missing, so stock and patched Rasa cannot be compared: "
            "run `make train` (make test-bench does it first)",
            pytrace=False,
        )
    return str(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def stock_agent() -> Agent:
    """The shipped model as stock Rasa loads it, once for every test that reads it:
    a stock load traces a training step and takes a minute or more on two cores."""
    return Agent.load(trained_model())


async def parses(agent: Agent) -> list[dict]:
    return [await agent.parse_message(text) for text in MESSAGES]


def comparable(parse: dict) -> tuple[list[str], list[float], list[tuple]]:
    """Intent ranking, its confidences and the entities of one parse result."""
    ranking = parse["intent_ranking"]
    entities = [(entity["entity"], entity["value"]) for entity in parse["entities"]]
    return [intent["name"] for intent in ranking], [i["confidence"] for i in ranking], entities


def same_parse(stock: dict, fast: dict) -> bool:
    """Same intents in the same order, same confidences (up to float noise), same entities."""
    stock_names, stock_scores, stock_entities = comparable(stock)
    fast_names, fast_scores, fast_entities = comparable(fast)
    if stock_names != fast_names or stock_entities != fast_entities:
        return False
    pairs = zip(stock_scores, fast_scores, strict=True)
    return all(math.isclose(before, after, abs_tol=1e-5) for before, after in pairs)


def test_model_loaded_without_training_step_parses_identically(stock_agent: Agent) -> None:
    stock = asyncio.run(parses(stock_agent))
    patches.install()
    try:
        fast = asyncio.run(parses(Agent.load(trained_model())))
    finally:
        patches.uninstall()
    pairs = zip(MESSAGES, stock, fast, strict=True)
    assert [text for text, before, after in pairs if not same_parse(before, after)] == []


async def connections_used(calls: int) -> set[int]:
    """Client ports seen by a real HTTP server while Rasa's endpoint posts `calls` times."""
    ports: set[int] = set()

    async def webhook(request: web.Request) -> web.Response:
        ports.add(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        for _ in range(calls):
            assert await endpoint.request(json={"next_action": "action_answer"}) == {
                "events": [],
                "responses": [],
            }
    finally:
        await runner.cleanup()
    return ports


def test_action_calls_reuse_one_kept_alive_connection() -> None:
    assert len(asyncio.run(connections_used(3))) == 3  # stock Rasa: a connection per call
    patches.install()
    try:
        assert len(asyncio.run(connections_used(3))) == 1
    finally:
        patches.uninstall()


def test_action_results_are_validated_like_rasa_does() -> None:
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))
    valid = {"events": [{"event": "slot", "name": "region", "value": None}], "responses": []}
    invalid = {"events": [{"no_event_key": 1}], "responses": []}
    patches.install()
    try:
        assert action._validate_action_result(valid)
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(invalid)
    finally:
        patches.uninstall()


def graph_outputs(run_graph, agent: Agent, story: list[str]) -> list[tuple]:
    """What one graph runner gives for a conversation: every parse and every predicted action.

    The conversation goes on with what the runner predicted, as the Rasa server would.
    """
    processor, runner = agent.processor, agent.processor.graph_runner
    metadata = processor.model_metadata
    tracker = DialogueStateTracker.from_events("runner", [], agent.domain.slots)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    outputs: list[tuple] = []
    for text in story:
        parse_inputs = {PLACEHOLDER_MESSAGE: [UserMessage(text)], PLACEHOLDER_TRACKER: tracker}
        [message] = run_graph(runner, parse_inputs, [metadata.nlu_target])[metadata.nlu_target]
        parse = message.as_dict(only_output_properties=True)
        tracker.update(UserUttered(text, parse["intent"], parse["entities"], parse))
        outputs.append(comparable(parse))
        action = None
        while action != ACTION_LISTEN_NAME and len(outputs) < 50:
            core = run_graph(runner, {PLACEHOLDER_TRACKER: tracker}, [metadata.core_target])
            prediction = core[metadata.core_target]
            action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
            outputs.append((action, prediction.policy_name, prediction.probabilities))
            tracker.update(ActionExecuted(action))
    return outputs


def test_graph_run_in_order_gives_what_dask_gives(stock_agent: Agent) -> None:
    for story in conversations():
        stock = graph_outputs(patches._stock_run_graph, stock_agent, story)
        fast = graph_outputs(patches.run_graph_in_order, stock_agent, story)
        assert fast == stock, story
        assert any(output[0] != ACTION_LISTEN_NAME for output in stock[1:])


def counting(calls: list[int]):
    """Rasa's _create_states, noting the length of every tracker it is asked about."""

    def create_states(tracker, *args, **kwargs):
        calls.append(len(tracker.events))
        return RASA_CREATE_STATES(tracker, *args, **kwargs)

    return create_states


def test_states_computed_once_predict_what_rasa_predicts(stock_agent: Agent, monkeypatch) -> None:
    agent = stock_agent
    stories = conversations()
    stock_calls: list[int] = []
    with monkeypatch.context() as patch:
        patch.setattr(TrackerFeaturizer, "_create_states", staticmethod(counting(stock_calls)))
        stock = [graph_outputs(patches.run_graph_in_order, agent, story) for story in stories]
    fast_calls: list[int] = []
    monkeypatch.setattr(patches, "_stock_create_states", counting(fast_calls))
    patches.install()
    try:
        fast = [graph_outputs(patches.run_graph_in_order, agent, story) for story in stories]
    finally:
        patches.uninstall()
    assert fast == stock
    predictions = sum(isinstance(output[0], str) for outputs in fast for output in outputs)
    assert len(fast_calls) == predictions < len(stock_calls)  # once per prediction, not twice


def test_states_computed_once_are_fresh_copies() -> None:
    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    tracker = DialogueStateTracker.from_events("copies", [], domain.slots)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    first = patches.create_states_once(tracker, domain)
    del first[-1]["user"]["intent"]  # as RulePolicy does when it matches the text
    assert patches.create_states_once(tracker, domain) == (
        patches._stock_create_states(tracker, domain)
    )
    tracker.update(ActionExecuted("action_reply"))
    assert patches.create_states_once(tracker, domain) == (
        patches._stock_create_states(tracker, domain)
    )


def test_states_computed_once_follow_a_capped_event_history() -> None:
    """With max_event_history the event list stops growing once full, so its length no
    longer tells one tracker state from the next; the same event may also be applied
    twice in a row (the latest event alone does not tell them apart either)."""
    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    tracker = DialogueStateTracker.from_events("capped", [], domain.slots, max_event_history=3)
    greeting = {"name": "greet", "confidence": 1.0}
    answer = ActionExecuted("action_answer")
    events = [
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("hi", greeting),
        answer,
        ActionExecuted(ACTION_LISTEN_NAME),  # from here on the list stays 3 events long
        UserUttered("hello", greeting),
        answer,
        answer,
    ]
    stock_states = []
    for event in events:
        tracker.update(event)
        stock = patches._stock_create_states(tracker, domain)
        assert patches.create_states_once(tracker, domain) == stock, len(stock_states)
        stock_states.append(stock)
    assert len(tracker.events) == 3
    assert all(before != after for before, after in itertools.pairwise(stock_states))


def test_event_classes_are_those_rasa_finds() -> None:
    type_names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert len(type_names) > 20
    for type_name in type_names:
        assert patches.resolve_event_type(type_name) is patches._stock_resolve_event(type_name)
    with pytest.raises(ValueError, match="Unknown event name"):
        patches.resolve_event_type("no-such-event")
    assert patches.resolve_event_type("no-such-event", UserUttered) is UserUttered


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("sparse", [True, False])
def test_features_are_combined_as_rasa_combines_them(count: int, sparse: bool) -> None:
    rng = np.random.default_rng(count)
    matrices = [rng.random((4, width)) for width in (3, 5, 2)[:count]]
    features = [
        Features(scipy.sparse.coo_matrix(matrix) if sparse else matrix, "sequence", "text", name)
        for matrix, name in zip(matrices, ["a", "b", "c"], strict=False)
    ]
    stock = patches._stock_combine_features(features, ["a", "b", "c"])
    fast = patches.combine_features(features, ["a", "b", "c"])
    assert (fast.type, fast.attribute, fast.origin) == (stock.type, stock.attribute, stock.origin)
    assert fast.is_sparse() == stock.is_sparse() == sparse
    as_array = (lambda f: f.features.toarray()) if sparse else (lambda f: f.features)
    assert np.array_equal(as_array(fast), as_array(stock))
    assert fast.features.dtype == stock.features.dtype
    assert type(fast.features) is type(stock.features)
    assert as_array(fast).shape == (4, sum(matrix.shape[1] for matrix in matrices))
    assert fast.features is not features[0].features  # the featurizer's own matrix is not shared
    assert patches.combine_features([], ["a"]) is None


def rule_policy(agent: Agent) -> RulePolicy:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    [policy] = [node._component for node in nodes if isinstance(node._component, RulePolicy)]
    return policy


def conversation_states(agent: Agent, policy: RulePolicy) -> list[list[dict]]:
    """The states RulePolicy matches (by text and by intent) at every turn of every test
    story, as the stories go on with what stock Rasa predicted."""
    processor, runner = agent.processor, agent.processor.graph_runner
    metadata = processor.model_metadata
    seen: list[list[dict]] = []
    for story in conversations():
        tracker = DialogueStateTracker.from_events("rules", [], agent.domain.slots)
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        for text in story:
            parse_inputs = {PLACEHOLDER_MESSAGE: [UserMessage(text)], PLACEHOLDER_TRACKER: tracker}
            [message] = patches._stock_run_graph(runner, parse_inputs, [metadata.nlu_target])[
                metadata.nlu_target
            ]
            parse = message.as_dict(only_output_properties=True)
            tracker.update(UserUttered(text, parse["intent"], parse["entities"], parse))
            action = None
            while action != ACTION_LISTEN_NAME:
                for use_text in (True, False):
                    seen.append(
                        policy._prediction_states(
                            tracker, agent.domain, use_text, policy._get_rule_only_data()
                        )
                    )
                core = patches._stock_run_graph(
                    runner, {PLACEHOLDER_TRACKER: tracker}, [metadata.core_target]
                )
                prediction = core[metadata.core_target]
                action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
                tracker.update(ActionExecuted(action))
    return seen


def test_possible_rule_keys_are_those_rasa_finds(stock_agent: Agent) -> None:
    """Every state RulePolicy matched in the test stories, each also cut to its latest
    turns and with its oldest turns repeated (a longer conversation than any rule)."""
    agent = stock_agent
    policy = rule_policy(agent)
    states = conversation_states(agent, policy)
    cases = [
        variant
        for state in states
        for variant in (state, state[-1:], state[-2:], state[:1] * 12 + state, [])
    ]
    lookups = [policy.lookup[RULES], policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
    assert len(lookups[0]) > 10 and len(states) > 50
    found = 0
    for lookup in lookups:
        for case in cases:
            stock = patches._stock_possible_keys(policy, lookup, case)
            assert patches.possible_rule_keys(policy, lookup, case) == stock, case
            found += bool(stock)
    assert found > len(states)  # rules matched, not only empty answers


def test_rule_states_match_as_rasa_matches_them() -> None:
    """One rule state against conversation states that differ from it in each way
    RulePolicy distinguishes: a value, a list (a tuple in the conversation), a value that
    should not be set, a missing kind of state or key."""
    rule = {
        "prev_action": {"action_name": "action_listen"},
        "user": {"intent": "ask", "entities": ["region"]},
        "slots": {"region": [1.0], "topic": "should_not_be_set"},
    }
    states = [
        {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "ask"}},
        {
            "prev_action": {"action_name": "action_listen"},
            "user": {"intent": "ask", "entities": ("region",)},
            "slots": {"region": (1.0,)},
        },
        {
            "prev_action": {"action_name": "action_listen"},
            "user": {"intent": "ask", "entities": ("region",)},
            "slots": {"region": (1.0,), "topic": (1.0,)},
        },
        {
            "prev_action": {"action_name": "action_listen"},
            "user": {"intent": "ask", "entities": ("region",)},
            "slots": {"region": (1.0,), "topic": "should_not_be_set"},
        },
        {"user": {"intent": "ask", "entities": ("region",)}, "slots": {"region": (1.0,)}},
        {},
    ]
    turn = patches.RuleTurn.of(rule)
    verdicts = [RulePolicy._does_rule_match_state(rule, state) for state in states]
    assert [turn.matches(state) for state in states] == verdicts
    assert set(verdicts) == {True, False}


def test_fake_features_are_those_rasa_makes() -> None:
    rng = np.random.default_rng(7)
    dense = rng.random((3, 4)).astype(np.float32)
    example = [
        Features(scipy.sparse.coo_matrix(dense), "sequence", "text", ["a", "b"]),
        Features(dense[:1], "sentence", "text", "c"),
    ]
    example[1].fingerprint()  # a cached fingerprint is copied too
    all_features = [[None, example], [example]]
    stock = patches._stock_fake_features(all_features)
    fast = patches.fake_features(all_features)
    assert len(fast) == len(stock) == 2
    for before, after, original in zip(stock, fast, example, strict=True):
        assert type(after) is type(before)
        assert after.__dict__.keys() == before.__dict__.keys()
        for name in before.__dict__:
            if name != "features":
                assert after.__dict__[name] == before.__dict__[name], name
        assert type(after.features) is type(before.features)
        assert after.features.shape == before.features.shape == (0, 4)
        assert after.features.dtype == before.features.dtype
        assert after.features is not original.features and original.features.shape[0] > 0
    assert fast[0].origin is not example[0].origin  # a copy, as Rasa's deep copy is
    with pytest.raises(StopIteration):
        patches.fake_features([[None]])
    with pytest.raises(StopIteration):
        patches._stock_fake_features([[None]])


def test_fake_features_are_made_where_rasa_looks_them_up() -> None:
    patches.install()
    try:
        assert model_data_utils._create_fake_features is patches.fake_features
    finally:
        patches.uninstall()
    assert model_data_utils._create_fake_features is patches._stock_fake_features


def test_an_empty_domain_is_told_apart_as_rasa_does() -> None:
    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    for candidate in (domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]})):
        assert patches.domain_is_empty(candidate) == patches._stock_is_empty(candidate)
    assert patches.domain_is_empty(Domain.empty()) and not patches.domain_is_empty(domain)
    patches.empty_domain_data()["intents"] = ["changed"]  # it is a copy: Rasa's own stays
    patches.empty_domain_data.cache_clear()
    assert patches.domain_is_empty(Domain.empty())


def count_featurizers(agent: Agent) -> list[CountVectorsFeaturizer]:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return [
        node._component for node in nodes if isinstance(node._component, CountVectorsFeaturizer)
    ]


def same_coo(stock: scipy.sparse.coo_matrix | None, fast: scipy.sparse.coo_matrix | None) -> bool:
    """The same matrix down to its type, shape, dtypes, entry order and canonical flag."""
    if stock is None or fast is None:
        return stock is fast
    return (
        type(fast) is type(stock)
        and fast.shape == stock.shape
        and fast.dtype == stock.dtype
        and (fast.row.dtype, fast.col.dtype) == (stock.row.dtype, stock.col.dtype)
        and fast.has_canonical_format == stock.has_canonical_format
        and all(
            np.array_equal(getattr(fast, name), getattr(stock, name))
            for name in ("row", "col", "data")
        )
    )


def test_word_and_character_counts_are_those_rasa_makes(stock_agent: Agent) -> None:
    """Every test-story message (split at spaces; asked twice, so the second time its
    tokens' counts are the kept ones), and tokens no vocabulary has, repeated ones,
    accents and other scripts, digits, and no tokens at all."""
    featurizers = count_featurizers(stock_agent)
    assert {featurizer._config["analyzer"] for featurizer in featurizers} == {"word", "char_wb"}
    token_lists = [text.lower().split() for text in MESSAGES] * 2 + [
        ["blorp", "wibble", "zzzz"],
        ["mri", "mri", "mri", "scan"],
        ["ñandú", "größe", "ΟΔΟΣ", "背中", "👍"],
        ["l4-l5", "3t", "2", "0.5"],
        [],
    ]
    for featurizer in featurizers:
        for tokens in token_lists:
            stock_sequence, stock_sentence = patches._stock_count_features(
                featurizer, "text", [tokens]
            )
            sequence, sentence = patches.count_features(featurizer, "text", [tokens])
            assert same_coo(stock_sequence[0], sequence[0]), tokens
            assert same_coo(stock_sentence[0], sentence[0]), tokens
        assert patches.count_features(featurizer, "no_such_attribute", [["a"]]) == ([None], [None])


def test_word_counts_follow_a_vectorizer_fitted_again() -> None:
    """A vectorizer fitted again (a new vocabulary) is counted with its new vocabulary."""
    vectorizer = CountVectorizer(token_pattern=r"(?u)\b\w+\b").fit(["back pain", "neck"])
    featurizer = SimpleNamespace(vectorizers={"text": vectorizer})
    before = patches.count_features(featurizer, "text", [["neck", "scan"]])
    vectorizer.fit(["neck scan", "scan"])
    after = patches.count_features(featurizer, "text", [["neck", "scan"]])
    stock = patches._stock_count_features(featurizer, "text", [["neck", "scan"]])
    assert before[0][0].shape[1] == 3 and after[0][0].shape[1] == 2
    assert same_coo(stock[0][0], after[0][0]) and same_coo(stock[1][0], after[1][0])


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.arange(4, dtype=np.int64),
        np.zeros((0, 3), dtype=np.float32),
        [[1.0, 2.0]],
    ],
)
def test_arrays_become_the_tensors_tensorflow_makes(value) -> None:
    dtype = tf_dtype(value)
    stock = tf.convert_to_tensor(value, dtype)
    fast = patches.to_tensor(value, dtype)
    assert fast.dtype == stock.dtype and fast.shape == stock.shape
    assert np.array_equal(fast.numpy(), stock.numpy())


def tf_dtype(value):
    return tf.float32 if np.asarray(value).dtype.kind == "f" else tf.int64


RESULTS = [
    {"events": [{"event": "slot", "timestamp": None, "name": "region", "value": "lumbar"}]},
    {"events": [{"event": "slot", "name": "region"}]},  # a slot event needs a value
    {"events": [{"event": "bot", "text": "hi", "data": {}, "metadata": {}}], "responses": []},
    {"events": [{"event": "bot", "text": 3}]},
    {"events": [{"event": "followup", "name": "action_listen"}, {"event": "restart"}]},
    {"events": [{"event": "user", "text": "hi", "parse_data": {"entities": [{"entity": "x"}]}}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": ["slot"]}]},
    {"events": ["slot"]},
    {"events": "slot"},
    {"events": [], "responses": [{"text": "hi"}]},
    {"events": [], "responses": ["hi"]},
    {"responses": []},
    {"events": [{"event": "slot", "timestamp": "yesterday", "name": "a", "value": 1}]},
    {"events": [{"event": "action", "name": "action_answer", "policy": None, "confidence": 1.0}]},
]


@pytest.mark.parametrize("result", RESULTS)
def test_action_results_checked_per_event_type_as_the_whole_schema_checks_them(
    result: dict,
) -> None:
    validator = patches.action_result_validator()
    assert len(validator.by_event_type) > 20  # the per-type path is in use
    assert validator.is_valid(result) == validator.whole.is_valid(result)


def test_both_kinds_of_action_result_are_in_the_cases() -> None:
    whole = patches.action_result_validator().whole
    assert {whole.is_valid(result) for result in RESULTS} == {True, False}


# What the speed-ups decide; the tests start from an environment without them.
NOT_INHERITED = ("RASA_SPEEDUPS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LOG_LEVEL")
# Imports speedups.rasa_main as the Rasa server does, with some installed versions faked,
# then reports what it changed: which patches are in place, and whether Rasa's own
# methods are, the BLAS threads, and how much of the heap a forked worker finds frozen.
SERVER_START = """
import gc, json, os, sys
from speedups import versions
installed_version = versions.installed_version
versions.installed_version = lambda package: {fake}.get(package) or installed_version(package)
import speedups.rasa_main
patches_imported = "speedups.patches" in sys.modules
from speedups import patches
PATCHES = patches.PATCHES
def defined_in(item):
    return getattr(item, "__func__", item).__module__
frozen_in_server = gc.get_freeze_count()
read, write = os.pipe()
if os.fork() == 0:
    os.write(write, str(gc.get_freeze_count()).encode())
    os._exit(0)
os.wait()
print(json.dumps({{
    "patches_imported": patches_imported,
    "installed": [name for owner, name, new in PATCHES if owner.__dict__[name] is new],
    "defined_in": sorted({{defined_in(owner.__dict__[name]) for owner, name, _ in PATCHES}}),
    "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    "frozen_in_server": frozen_in_server,
    "frozen_in_worker": int(os.read(read, 32)),
}}))
"""


def start_server_module(
    switch: str | None, fake_versions: dict[str, str] | None = None
) -> tuple[dict, list[str], int]:
    """What importing speedups.rasa_main did: SERVER_START's report, the lines the
    speed-ups logged, and the exit code. The environment is the test's own, with
    RASA_SPEEDUPS set to switch (None: unset) and nothing preset that it decides."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    if switch is not None:
        env["RASA_SPEEDUPS"] = switch
    script = SERVER_START.format(fake=repr(fake_versions or {}))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    logged = [line for line in result.stderr.splitlines() if " speedups  - " in line]
    report = json.loads(result.stdout.splitlines()[-1]) if result.returncode == 0 else {}
    return report, logged, result.returncode


def test_server_starts_with_every_speed_up_by_default() -> None:
    """Every patch in place, one BLAS thread, and a forked worker finds the imported
    objects frozen (so they stay shared) while the server process itself keeps
    collecting until it forks."""
    report, logged, code = start_server_module(None)
    assert code == 0
    assert report["installed"] == [name for _, name, _ in patches.PATCHES]
    assert report["defined_in"] == ["speedups.patches"]
    assert report["blas_threads"] == "1"
    assert report["frozen_in_server"] == 0
    assert report["frozen_in_worker"] > 100_000
    assert logged == []


@pytest.mark.parametrize("switch", ["off", " OFF "])
def test_switched_off_the_server_runs_rasa_as_it_ships(switch: str) -> None:
    report, logged, code = start_server_module(switch)
    assert code == 0
    assert not report["patches_imported"]
    assert report["installed"] == []
    assert all(module.startswith("rasa.") for module in report["defined_in"])
    assert report["blas_threads"] is None
    assert report["frozen_in_worker"] == 0
    [line] = logged
    assert " INFO " in line and "RASA_SPEEDUPS=off" in line


def test_a_mistyped_switch_stops_the_server() -> None:
    """RASA_SPEEDUPS=of must not leave the speed-ups on while the operator thinks them off."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    result = subprocess.run(
        [sys.executable, "-c", "import speedups.rasa_main"],
        cwd=PROJECT_ROOT,
        env={**env, "RASA_SPEEDUPS": "of"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "RASA_SPEEDUPS must be on or off, not 'of'" in result.stderr


def test_on_an_untested_version_no_patch_is_installed() -> None:
    """A TensorFlow upgrade (say) may change the internals a patch reads."""
    report, logged, code = start_server_module(None, {"tensorflow": "2.13.1"})
    assert code == 0
    assert not report["patches_imported"]  # importing them already reads those internals
    assert report["installed"] == []
    assert all(module.startswith("rasa.") for module in report["defined_in"])
    assert report["blas_threads"] == "1"  # what no library version decides stays
    assert report["frozen_in_worker"] > 100_000
    [line] = logged
    assert " WARNING " in line
    assert "tensorflow 2.13.1" in line and versions.TESTED_VERSIONS["tensorflow"] in line


def test_untested_version_names_the_package_the_expected_and_the_found_version(
    monkeypatch,
) -> None:
    tested = versions.TESTED_VERSIONS
    assert versions.untested_version() is None
    monkeypatch.setattr(
        versions,
        "installed_version",
        lambda package: None if package == "aiohttp" else tested[package],
    )
    untested = versions.untested_version()
    assert untested == versions.UntestedVersion("aiohttp", tested["aiohttp"], None)
    assert "aiohttp not installed" in str(untested) and tested["aiohttp"] in str(untested)


def test_the_tested_versions_are_the_locked_and_installed_ones() -> None:
    """After an upgrade this fails until TESTED_VERSIONS is updated: do that only once
    the differential tests above pass on the new versions (docs/deployment.md)."""
    lock = (PROJECT_ROOT / "requirements.lock").read_text()
    locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", lock, flags=re.MULTILINE))
    for package, tested in versions.TESTED_VERSIONS.items():
        assert locked.get(package) == tested, f"requirements.lock pins {package} differently"
        assert versions.installed_version(package) == tested, f"{package} installed differently"
