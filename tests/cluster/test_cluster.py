"""The production topology under load and failures, through nginx like a patient.

The tests run in file order on one cluster: concurrent conversations first,
then restarts of PostgreSQL and Redis, and last the loss of a Rasa instance.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from ops.cluster import apps, cluster, services
from ops.cluster.config import ClusterConfig
from ops.processes import wait_until_healthy
from ops.web_server import BUNDLE
from tests.cluster.conversations import (
    Conversation,
    Turn,
    follow_up_script,
    opening_script,
    stored_events,
)
from tests.stack import assert_disclaimer_on_every_message, socketio_conversation

CONVERSATIONS = 100


def base_url(config: ClusterConfig) -> str:
    return f"http://127.0.0.1:{config.http_port}"


def new_conversations(config: ClusterConfig, count: int) -> list[Conversation]:
    url = base_url(config)
    return [Conversation(f"cluster-{uuid.uuid4().hex[:12]}", url) for _ in range(count)]


def run_concurrently(conversations: list[Conversation], scripts: list[list[Turn]]) -> None:
    """Every conversation in its own thread, its turns one after the other."""
    with ThreadPoolExecutor(max_workers=len(conversations)) as pool:
        for future in [pool.submit(c.run, s) for c, s in zip(conversations, scripts, strict=True)]:
            future.result()


def assert_stored_as_sent(config: ClusterConfig, conversations: list[Conversation]) -> None:
    """No lost, duplicated or interleaved turn in any conversation's stored events."""
    stored = stored_events(config)
    for patient in conversations:
        assert stored.get(patient.sender) == patient.expected_events(), patient.sender


def rasa_upstreams(config: ClusterConfig) -> list[str]:
    return [f"127.0.0.1:{port}" for port in config.rasa_ports]


@pytest.fixture(scope="module")
def opened(running_cluster: ClusterConfig) -> list[Conversation]:
    """100 conversations of four turns each, all at the same time."""
    conversations = new_conversations(running_cluster, CONVERSATIONS)
    run_concurrently(conversations, [opening_script(n) for n in range(CONVERSATIONS)])
    memory = cluster.memory(running_cluster)
    (running_cluster.root / "memory.json").write_text(json.dumps(memory, indent=2))
    print(f"\nRSS after {CONVERSATIONS} conversations (MB): {memory}")
    return conversations


def test_concurrent_conversations_are_spread_over_both_instances(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    served = {upstream for c in opened for upstream in c.upstreams}
    assert served == set(rasa_upstreams(running_cluster))
    # Round robin without stickiness: consecutive turns move between instances,
    # including the turns that only work with the previous turn's context.
    pairs = sum(len(c.upstreams) - 1 for c in opened)
    assert sum(c.switches() for c in opened) > pairs // 4
    context_moved = [c for c in opened if c.upstreams[2] != c.upstreams[3]]
    assert len(context_moved) >= CONVERSATIONS // 5


def test_every_conversation_is_stored_complete_and_in_order(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    assert_stored_as_sent(running_cluster, opened)


def test_redis_held_the_conversation_locks(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    stats = services.redis_cli(running_cluster, "info", "commandstats").stdout
    lock_writes = int(re.search(r"cmdstat_set:calls=(\d+)", stats).group(1))
    assert lock_writes >= sum(len(c.sent) for c in opened)


def test_nginx_serves_the_widget_page(running_cluster: ClusterConfig) -> None:
    assert BUNDLE.exists(), "the widget is not built: make test-cluster builds it (make web)"
    page = requests.get(base_url(running_cluster) + "/", timeout=10)
    assert page.status_code == 200
    assert 'src="/spine-mri-chat.js"' in page.text
    assert "connect-src" in page.headers["Content-Security-Policy"]
    bundle = requests.get(base_url(running_cluster) + "/spine-mri-chat.js", timeout=10)
    assert bundle.content == BUNDLE.read_bytes()


def test_socketio_over_websocket_through_nginx(running_cluster: ClusterConfig) -> None:
    replies = socketio_conversation(base_url(running_cluster), ["hello", "/ask_why_mri"])
    assert_disclaimer_on_every_message(replies)
    assert len(replies) == 2


def test_postgres_restart_loses_no_conversation(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    services.stop_postgres(running_cluster)
    services.start_postgres(running_cluster)
    assert_stored_as_sent(running_cluster, opened)


def test_every_turn_after_a_postgres_restart_keeps_its_context(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    continued = opened[:10]
    run_concurrently(continued, [follow_up_script(1 + n % 2) for n in range(len(continued))])
    assert_stored_as_sent(running_cluster, continued)


def test_redis_restart_keeps_conversations_going(
    running_cluster: ClusterConfig, opened: list[Conversation]
) -> None:
    services.stop_redis(running_cluster)
    services.start_redis(running_cluster)
    continued = opened[10:20]
    run_concurrently(continued, [follow_up_script(2 - n % 2) for n in range(len(continued))])
    assert_stored_as_sent(running_cluster, opened[10:])


def test_conversations_go_on_when_a_rasa_instance_is_killed_and_it_comes_back(
    running_cluster: ClusterConfig,
) -> None:
    conversations = new_conversations(running_cluster, 20)
    scripts = [opening_script(n) for n in range(len(conversations))]
    run_concurrently(conversations, [script[:3] for script in scripts])
    killed, survivor = rasa_upstreams(running_cluster)
    assert any(c.upstreams[2] == killed for c in conversations)
    killed_pid = apps.running_pid(running_cluster, apps.rasa_name(0))
    assert killed_pid is not None

    os.kill(killed_pid, signal.SIGKILL)
    # Until its last thread has exited, a killed process still holds its listening
    # socket: nginx could connect, send the turn and get a reset (502, and a POST is
    # never retried). supervisord reaps it once it is completely gone.
    deadline = time.monotonic() + 60
    while Path(f"/proc/{killed_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    run_concurrently(conversations, [script[3:] + follow_up_script(2) for script in scripts])
    assert_stored_as_sent(running_cluster, conversations)

    # supervisord restarts the instance; nginx sends it turns again once it answers.
    health = f"http://127.0.0.1:{running_cluster.rasa_ports[0]}/webhooks/rest/"
    wait_until_healthy(health, lambda: True, timeout=600)
    assert apps.running_pid(running_cluster, apps.rasa_name(0)) not in (None, killed_pid)
    # nginx tries it again once its fail_timeout since the last failed connection is over.
    assert reached_upstreams(running_cluster, services.FAIL_TIMEOUT_SECONDS + 20) == {
        killed,
        survivor,
    }


def reached_upstreams(config: ClusterConfig, within_seconds: float) -> set[str]:
    """The Rasa instances that new conversations reach, until both are or time is up."""
    reached: set[str] = set()
    deadline = time.monotonic() + within_seconds
    while len(reached) < len(config.rasa_ports) and time.monotonic() < deadline:
        later = new_conversations(config, 4)
        run_concurrently(later, [opening_script(n)[:2] for n in range(len(later))])
        reached |= {upstream for c in later for upstream in c.upstreams}
    return reached
