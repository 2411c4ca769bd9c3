"""The runtime speed-ups change how fast Rasa runs, never what it answers."""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bench.conversations import conversations
from ops.processes import free_port
from project import DEFAULT_MODEL, PROJECT_ROOT
from speedups import patches

RASA_CREATE_STATES = patches._stock_create_states
MESSAGES = sorted({text for story in conversations() for text in story})


async def parses(model: str) -> list[dict]:
    agent = Agent.load(model)
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


@pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="needs the trained model (make train)")
def test_model_loaded_without_training_step_parses_identically(monkeypatch) -> None:
    stock = asyncio.run(parses(str(DEFAULT_MODEL)))
    patches.install()
    try:
        fast = asyncio.run(parses(str(DEFAULT_MODEL)))
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


@pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="needs the trained model (make train)")
def test_graph_run_in_order_gives_what_dask_gives() -> None:
    agent = Agent.load(str(DEFAULT_MODEL))
    for story in conversations():
        stock = graph_outputs(patches._stock_run_graph, agent, story)
        fast = graph_outputs(patches.run_graph_in_order, agent, story)
        assert fast == stock, story
        assert any(output[0] != ACTION_LISTEN_NAME for output in stock[1:])


def counting(calls: list[int]):
    """Rasa's _create_states, noting the length of every tracker it is asked about."""

    def create_states(tracker, *args, **kwargs):
        calls.append(len(tracker.events))
        return RASA_CREATE_STATES(tracker, *args, **kwargs)

    return create_states


@pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="needs the trained model (make train)")
def test_states_computed_once_predict_what_rasa_predicts(monkeypatch) -> None:
    agent = Agent.load(str(DEFAULT_MODEL))
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


def test_workers_are_forked_with_the_heap_frozen() -> None:
    """A forked worker finds the imported objects frozen (so they stay shared), the
    server process itself keeps collecting until it forks."""
    script = (
        "import gc, os, speedups.rasa_main\n"
        "assert gc.get_freeze_count() == 0\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0 if gc.get_freeze_count() > 100_000 else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, timeout=300)
    assert result.returncode == 0
