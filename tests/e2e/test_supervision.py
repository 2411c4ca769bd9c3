"""`make run` keeps the service up: the README's set-up, its default ports and settings.

A killed action server leaves the Rasa server answering with the degraded reply,
and the document's answers come back within 30 s without anyone touching anything.
A killed Rasa server comes back, and the conversation's context is kept.
Only SIGTERM (or Ctrl-C) stops everything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
import requests

from actions.content import load_content
from channels.guarantee import service_unavailable_text
from ops.run import RUN_DIR
from ops.supervision import program_pid
from project import PROJECT_ROOT
from tests.stack import assert_disclaimer_on_every_message

T = TypeVar("T")
CONTENT = load_content()
REST = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}/webhooks/rest/webhook"
CONFIG = RUN_DIR / "supervisord.conf"


def say(sender: str, text: str, timeout: float = 30) -> list[dict]:
    response = requests.post(REST, json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    messages = response.json()
    assert_disclaimer_on_every_message(messages)
    return messages


def answered(sender: str, text: str) -> list[dict] | None:
    """The reply, or None while the Rasa server does not accept connections."""
    try:
        return say(sender, text, timeout=10)
    except requests.RequestException:
        return None


def wait_for(check: Callable[[], T], timeout: float, what: str) -> T:
    """Poll check() until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    pytest.fail(f"{what} not within {timeout:.0f} s")


def answer_of(topic: str) -> str:
    return CONTENT.answer_text(CONTENT.topics[topic])


@pytest.fixture(scope="module")
def make_run() -> Iterator[subprocess.Popen]:
    """`make run` as the README gives it, in its own process group (as a terminal's)."""
    process = subprocess.Popen(["make", "run"], cwd=PROJECT_ROOT, start_new_session=True)
    sender = f"warm-up-{uuid.uuid4().hex[:8]}"
    try:
        wait_for(lambda: answered(sender, "hello"), 900, "make run answering")
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)


PATIENTS_BEHIND_ONE_ADDRESS = 30
QUESTIONS = [
    "hello",
    "what is a spine MRI?",
    "why would I need an MRI of my lower back?",
    "can I listen to music during the scan?",
    "thanks",
]


def post(sender: str, text: str) -> requests.Response:
    return requests.post(REST, json={"sender": sender, "message": text}, timeout=60)


def test_thirty_patients_behind_one_address_are_all_answered_at_the_defaults(
    make_run: subprocess.Popen,
) -> None:
    """A hospital's guest Wi-Fi: every patient comes from the same address."""

    def patient(number: int) -> list[int]:
        sender = f"wifi-{number}-{uuid.uuid4().hex[:6]}"
        return [post(sender, question).status_code for question in QUESTIONS]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        runs = pool.map(patient, range(PATIENTS_BEHIND_ONE_ADDRESS))
        statuses = [code for codes in runs for code in codes]
    assert time.monotonic() - started < 60, "the 150 messages must fall in one minute"
    assert statuses == [200] * PATIENTS_BEHIND_ONE_ADDRESS * len(QUESTIONS)


def test_one_sender_flooding_gets_429_at_the_defaults(make_run: subprocess.Popen) -> None:
    sender = f"flood-{uuid.uuid4().hex[:6]}"
    statuses = [post(sender, "hello").status_code for _ in range(25)]
    assert statuses[:20] == [200] * 20
    assert set(statuses[20:]) == {429}


def test_a_killed_action_server_gives_the_degraded_reply_then_answers_again(
    make_run: subprocess.Popen,
) -> None:
    sender = f"patient-{uuid.uuid4().hex[:8]}"
    question = "why would I need an MRI of my neck?"
    assert say(sender, question)[0]["text"].startswith(answer_of("why_cervical_mri"))

    os.kill(program_pid(CONFIG, "action-server") or 0, signal.SIGKILL)
    degraded = say(sender, question)
    assert [message["text"] for message in degraded] == [service_unavailable_text()]

    started = time.monotonic()
    wait_for(
        lambda: say(sender, question)[0]["text"].startswith(answer_of("why_cervical_mri")),
        30,
        "the document's answer after the action server was killed",
    )
    assert time.monotonic() - started <= 30
    assert make_run.poll() is None


def test_a_killed_rasa_server_comes_back_with_the_conversation(
    make_run: subprocess.Popen,
) -> None:
    sender = f"patient-{uuid.uuid4().hex[:8]}"
    clarify = say(sender, "Why would my doctor order a spine MRI?")
    assert clarify[0]["text"].startswith(CONTENT.message("clarify_region"))
    killed = program_pid(CONFIG, "rasa-server")

    os.kill(killed or 0, signal.SIGKILL)
    reply = wait_for(lambda: answered(sender, "neck"), 300, "the restarted Rasa server")

    assert program_pid(CONFIG, "rasa-server") not in (None, killed)
    assert reply[0]["text"].startswith(answer_of("why_cervical_mri"))
    assert make_run.poll() is None


def test_sigterm_stops_every_server(make_run: subprocess.Popen) -> None:
    pids = [program_pid(CONFIG, name) for name in ("action-server", "rasa-server", "web-server")]
    assert all(pids), pids
    os.killpg(make_run.pid, signal.SIGTERM)
    make_run.wait(timeout=120)
    for pid in pids:
        wait_for(lambda pid=pid: not os.path.exists(f"/proc/{pid}"), 30, f"process {pid} gone")
