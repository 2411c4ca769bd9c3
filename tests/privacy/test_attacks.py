"""Issue #17's attacks against one running assistant.

Bounded work: the worst inputs (64 KB of digits, of letters, and of "a." repeated; as
message text where the transport takes it, and as metadata) each finish within a
second, and another patient's turns meanwhile stay as fast as without them.

One conversation per socket.io session: a session id the server did not issue is
replaced by a new one (a client asking for "1" joined everyone's "1" before), and a
message for a session its socket does not hold is refused.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests

from actions.content import load_content
from channels.socketio import SessionIds
from privacy.settings import InputLimits
from tests.stack import SocketIOPatient, Stack, assert_disclaimer_on_every_message, running_stack

CONTENT = load_content()
LIMITS = InputLimits.from_env({})
BODY = LIMITS.max_body_bytes  # 64 KB
PATTERNS = {"digits": "0123456789", "letters": "abcdefghijklmnopqrstuvwxyz", "a-dots": "a."}
TURN_SECONDS = 1.0
ATTEMPTS = 3
ROUNDS = 2
ALONE_TURNS = 10
QUESTION = "What is a spine MRI?"
GRACE_SECONDS = 1.0


def worst(pattern: str, size: int) -> str:
    """size characters of one pattern: a run without spaces, "@" or anything to stop at."""
    unit = PATTERNS[pattern]
    return (unit * (size // len(unit) + 1))[:size]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Every input below comes from one address and many from one sender: the rate
    # limits are tested elsewhere and must not refuse them here.
    env = {"RATE_LIMIT_PER_MINUTE": "100000"}
    with running_stack(tmp_path_factory.mktemp("attacks"), env) as running:
        yield running


def rest(stack: Stack, body: dict) -> requests.Response:
    return requests.post(f"{stack.url}/webhooks/rest/webhook", json=body, timeout=60)


def new_sender() -> str:
    return f"attack-{uuid.uuid4().hex[:8]}"


# --- bounded work -----------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    """One worst input: how to send it, and what the patient must get back."""

    name: str
    send: Callable[[Stack], dict]  # returns the (first) bot message
    expected: str | None  # how the reply starts; None: any answer of the assistant


def rest_turn(body: dict, status: int) -> Callable[[Stack], dict]:
    def send(stack: Stack) -> dict:
        response = rest(stack, {"sender": new_sender(), **body})
        assert response.status_code == status, (response.status_code, response.text[:200])
        messages = response.json()
        assert_disclaimer_on_every_message(messages)
        return messages[0]

    return send


def socketio_turn(text: str, **fields: object) -> Callable[[Stack], dict]:
    def send(stack: Stack) -> dict:
        patient = SocketIOPatient(stack.url)
        try:
            patient.request_session()
            reply = patient.say(text, **fields)
        finally:
            patient.close()
        assert_disclaimer_on_every_message([reply])
        return reply

    return send


TOO_LONG = CONTENT.message("message_too_long", max_chars=str(LIMITS.max_message_chars))
BAD_REQUEST = CONTENT.message("bad_request")
AT_THE_CAPS = LIMITS.max_metadata_bytes // (LIMITS.max_metadata_string_chars + 10)


def attacks(pattern: str) -> list[Attack]:
    """Each way in for one pattern: too big for the transport, refused by a limit, or
    as large as is allowed (these run the whole turn: NLU, actions, redaction, storage)."""
    at_limit = worst(pattern, LIMITS.max_message_chars)
    string_cap = worst(pattern, LIMITS.max_metadata_string_chars)
    capped_metadata = {f"k{n}": string_cap for n in range(AT_THE_CAPS)}
    under_body = worst(pattern, BODY - 200)
    return [
        Attack(
            f"REST text 64 KB {pattern}",
            rest_turn({"message": worst(pattern, BODY)}, 413),
            TOO_LONG,
        ),
        Attack(f"REST text at the limit {pattern}", rest_turn({"message": at_limit}, 200), None),
        Attack(
            f"REST metadata 64 KB {pattern}",
            rest_turn({"message": "hello", "metadata": {"note": worst(pattern, BODY)}}, 413),
            TOO_LONG,
        ),
        Attack(
            f"REST metadata just under the body limit {pattern}",
            rest_turn({"message": "hello", "metadata": {"note": under_body}}, 413),
            BAD_REQUEST,
        ),
        Attack(
            f"REST metadata at its limits {pattern}",
            rest_turn({"message": "hello", "metadata": capped_metadata}, 200),
            None,
        ),
        Attack(f"socket.io text 64 KB {pattern}", socketio_turn(worst(pattern, BODY)), TOO_LONG),
        Attack(f"socket.io text at the limit {pattern}", socketio_turn(at_limit), None),
        Attack(
            f"socket.io metadata 64 KB {pattern}",
            socketio_turn("hello", metadata={"note": worst(pattern, BODY)}),
            BAD_REQUEST,
        ),
        Attack(
            f"socket.io customData 64 KB {pattern}",
            socketio_turn("hello", customData={"note": worst(pattern, BODY)}),
            None,
        ),
    ]


ATTACKS = [attack for pattern in PATTERNS for attack in attacks(pattern)]


class OtherPatient(threading.Thread):
    """Asks a question over REST, again and again, timing each turn, until stopped."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.latencies: list[float] = []
        self.stopping = threading.Event()

    def turn(self) -> float:
        started = time.perf_counter()
        messages = self.stack.say(new_sender(), QUESTION)
        elapsed = time.perf_counter() - started
        assert messages[0]["text"].startswith(CONTENT.topics["what_is_spine_mri"].answer or "")
        return elapsed

    def run(self) -> None:
        while not self.stopping.is_set():
            self.latencies.append(self.turn())

    def stop(self) -> list[float]:
        self.stopping.set()
        self.join(timeout=60)
        return self.latencies


def timed(attack: Attack, stack: Stack) -> float:
    started = time.perf_counter()
    reply = attack.send(stack)
    elapsed = time.perf_counter() - started
    if attack.expected is not None:
        assert reply["text"].startswith(attack.expected), (attack.name, reply["text"][:120])
    return elapsed


@dataclass
class Round:
    """One measurement: each input's fastest attempt, and the other patient's turns
    before (alone) and while the inputs were sent."""

    best: dict[str, float]
    alone: list[float]
    during: list[float]

    def failures(self) -> list[str]:
        """What is too slow: any input's fastest attempt at a second or more; any of the
        other patient's turns at a second or more, or its median more than doubled."""
        failures = [f"{name}: {s:.2f} s" for name, s in self.best.items() if s >= TURN_SECONDS]
        if max(self.during) >= TURN_SECONDS:
            failures.append(f"other patient's slowest turn: {max(self.during):.2f} s")
        median_alone, median_during = statistics.median(self.alone), statistics.median(self.during)
        if median_during > 2 * median_alone + 0.05:
            failures.append(f"other patient's median: {median_alone:.3f} -> {median_during:.3f} s")
        return failures

    def report(self) -> str:
        lines = [f"{seconds * 1000:7.0f} ms  {name}" for name, seconds in self.best.items()]
        for label, latencies in (("alone", self.alone), ("during the inputs", self.during)):
            median, slowest = statistics.median(latencies) * 1000, max(latencies) * 1000
            lines.append(
                f"other patient {label}: median {median:.0f} ms, slowest {slowest:.0f} ms "
                f"({len(latencies)} turns)"
            )
        return "\n".join(lines)


def measure(stack: Stack) -> Round:
    alone = [OtherPatient(stack).turn() for _ in range(ALONE_TURNS)]
    other = OtherPatient(stack)
    other.start()
    try:
        best = {
            attack.name: min(timed(attack, stack) for _ in range(ATTEMPTS)) for attack in ATTACKS
        }
    finally:
        during = other.stop()
    return Round(best, alone, during)


def test_worst_inputs_take_under_a_second_and_do_not_slow_another_patient(stack: Stack) -> None:
    """Each input's fastest of three attempts must be under a second: a slow pattern is
    slow every time, a busy machine's hiccup is not. Meanwhile another patient asks a
    question again and again: none of its turns may take a second, nor its median turn
    double. A round that misses is measured once more (the machine may be busy with
    other work); a slow input or a stalled event loop misses both."""
    for _ in range(2):
        OtherPatient(stack).turn()  # the first turns of a new server are slow
    for _ in range(ROUNDS):
        measured = measure(stack)
        print(f"\n{measured.report()}")
        if not measured.failures():
            break
    assert not measured.failures(), measured.report()


def test_a_body_sanic_refuses_unread_still_gets_the_polite_413(stack: Stack) -> None:
    body = json.dumps({"sender": new_sender(), "message": "a" * (4 * BODY + 1)})
    started = time.perf_counter()
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert time.perf_counter() - started < TURN_SECONDS
    assert response.status_code == 413
    assert_disclaimer_on_every_message(response.json())
    assert response.json()[0]["text"].startswith(TOO_LONG)


def test_a_deeply_nested_body_gets_a_polite_400(stack: Stack) -> None:
    depth = BODY // 2 - 100
    body = '{"sender": "deep", "message": "hi", "metadata": ' + "[" * depth + "]" * depth + "}"
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400
    assert_disclaimer_on_every_message(response.json())


def test_a_socketio_message_over_the_engineio_limit_closes_only_that_connection(
    stack: Stack,
) -> None:
    patient = SocketIOPatient(stack.url)
    closed = threading.Event()
    patient.client.on("disconnect", closed.set)
    patient.request_session()
    patient.send("x" * (4 * BODY + 1))
    assert closed.wait(10), "the server read a message over 4 x MAX_BODY_BYTES"
    patient.close()
    assert_disclaimer_on_every_message(stack.say(new_sender(), QUESTION))


# --- socket.io sessions ------------------------------------------------------------


def test_a_session_id_the_server_did_not_issue_gets_a_new_one(stack: Stack) -> None:
    first, second = SocketIOPatient(stack.url), SocketIOPatient(stack.url)
    try:
        confirmed = {first.request_session("1"), second.request_session("1")}
        assert "1" not in confirmed and len(confirmed) == 2
        assert all(len(session_id) == 65 for session_id in confirmed)
        assert_disclaimer_on_every_message([first.say("hello")])
        with pytest.raises(queue.Empty):
            second.replies.get(timeout=GRACE_SECONDS)
    finally:
        first.close()
        second.close()


def test_a_message_for_a_session_the_socket_does_not_hold_is_refused(stack: Stack) -> None:
    patient, intruder = SocketIOPatient(stack.url), SocketIOPatient(stack.url)
    try:
        session = patient.request_session()
        intruder.request_session()
        refused = intruder.say("my name is Mallory", session_id=session)
        assert refused["text"] == CONTENT.with_disclaimer(BAD_REQUEST)
        with pytest.raises(queue.Empty):
            patient.replies.get(timeout=GRACE_SECONDS)
        intruder.request_session("1")  # a session it was never given: replaced, still refused
        assert intruder.say("hello", session_id=session)["text"].startswith(BAD_REQUEST)
    finally:
        patient.close()
        intruder.close()
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ?",
            (stack.stored_sender("socketio", session),),
        ).fetchall()
    assert not [data for (data,) in rows if json.loads(data).get("event") == "user"]


def test_a_reconnecting_widget_keeps_its_conversation_with_its_session(stack: Stack) -> None:
    first = SocketIOPatient(stack.url)
    try:
        session = first.request_session()
        assert first.say("Why would my doctor order a spine MRI?")["text"].startswith(
            CONTENT.message("clarify_region")
        )
    finally:
        first.close()
    again = SocketIOPatient(stack.url)
    try:
        assert again.request_session(session) == session
        lower_back = again.say("lower back")
    finally:
        again.close()
    assert lower_back["text"].startswith(CONTENT.answer_text(CONTENT.topics["why_lumbar_mri"]))


def test_session_ids_are_signed_with_this_servers_secret(stack: Stack) -> None:
    patient = SocketIOPatient(stack.url)
    try:
        session = patient.request_session()
    finally:
        patient.close()
    assert SessionIds(stack.env["SENDER_ID_SECRET"].encode()).issued(session)
    assert not SessionIds(b"another secret of 32 characters!").issued(session)
