"""Privacy, access and input controls against one real running assistant.

One stack (action server + Rasa server, started once because start-up is the
slow part) serves the whole module, with the HTTP API switched on behind a
token and a short rate-limit window. The tests run in file order: access
checks, PII over REST and socket.io, forget-me, the rate limit, property-based
fuzzing of the REST webhook (hypothesis, at least 500 generated inputs), and
last, with the servers stopped, a byte search of everything they wrote for the
patient's raw personal data.
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.content import load_content
from project import PROJECT_ROOT
from tests.stack import (
    Stack,
    assert_disclaimer_on_every_message,
    running_stack,
    socketio_conversation,
)

TOKEN = secrets.token_hex(16)
WINDOW_SECONDS = 10
PER_SENDER = 20
# The per-address limit is exercised in test_controls.py: every request here
# comes from 127.0.0.1, and the fuzzing needs more than 20 a window.
PER_ADDRESS = 1_000_000
DEMO_ORIGIN = "http://localhost:8080"
CONTENT = load_content()


def personal_data() -> dict[str, str]:
    """Values unique to this run, so a byte search cannot match anything else."""
    digits = "".join(random.choices("0123456789", k=16))
    return {
        "name": "Margaret Thornbury",
        "phone": f"555-{digits[:3]}-{digits[3:7]}",
        "mrn": digits[7:15],
        "email": f"m.thornbury{digits[:6]}@example.org",
        "dob": f"{random.randint(1, 28)}/{random.randint(1, 12)}/19{digits[14:16]}",
    }


def pii_message(values: dict[str, str]) -> str:
    return (
        f"Hi, my name is {values['name']}, born {values['dob']}, MRN {values['mrn']}, "
        f"phone {values['phone']}, e-mail {values['email']}. What is a spine MRI?"
    )


RUN_STARTED = time.time()
REST_PII, SOCKET_PII = personal_data(), personal_data()
INFO_MARKER = f"quokkaflux{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {
        "RASA_API_TOKEN": TOKEN,
        "RATE_LIMIT_PER_MINUTE": str(PER_SENDER),
        "RATE_LIMIT_PER_IP_PER_MINUTE": str(PER_ADDRESS),
        "RATE_LIMIT_WINDOW_SECONDS": str(WINDOW_SECONDS),
        "ALLOWED_ORIGINS": DEMO_ORIGIN,
    }
    with running_stack(tmp_path_factory.mktemp("privacy"), env) as running:
        yield running


def webhook(stack: Stack) -> str:
    return f"{stack.url}/webhooks/rest/webhook"


def post(stack: Stack, sender: str, text: str) -> requests.Response:
    return requests.post(webhook(stack), json={"sender": sender, "message": text}, timeout=60)


def socketio_turn(url: str, text: str, origin: str | None = None) -> dict:
    """One message over socket.io, as a browser page at origin would send it."""
    return socketio_conversation(url, [text], origin)[0]


def stored_senders(stack: Stack) -> set[str]:
    with sqlite3.connect(stack.tracker_db) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/status"),
        ("GET", "/conversations/anyone/tracker"),
        ("PUT", "/model"),
        ("POST", "/conversations/anyone/messages"),
    ],
)
def test_api_refuses_requests_without_credentials(stack: Stack, method: str, path: str) -> None:
    assert requests.request(method, stack.url + path, timeout=30).status_code == 401
    wrong = requests.request(method, f"{stack.url}{path}?token=wrong", timeout=30)
    assert wrong.status_code == 401


def test_api_answers_with_the_token(stack: Stack) -> None:
    assert requests.get(f"{stack.url}/status?token={TOKEN}", timeout=30).status_code == 200


def test_socketio_refuses_a_foreign_origin_and_serves_the_allowed_one(stack: Stack) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio_turn(stack.url, "hello", origin="http://evil.example")
    assert_disclaimer_on_every_message([socketio_turn(stack.url, "hello", origin=DEMO_ORIGIN)])
    assert_disclaimer_on_every_message([socketio_turn(stack.url, "hello")])  # same origin


def test_rest_refuses_a_foreign_browser_origin(stack: Stack) -> None:
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": "origin-test", "message": "hello"},
        headers={"Origin": "http://evil.example"},
        timeout=30,
    )
    assert response.status_code == 403
    assert_disclaimer_on_every_message(response.json())
    preflight = requests.options(
        f"{stack.url}/webhooks/rest/webhook",
        headers={"Origin": DEMO_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == DEMO_ORIGIN


def test_messages_full_of_pii_are_answered_over_rest_and_socketio(stack: Stack) -> None:
    response = post(stack, "pii-rest", pii_message(REST_PII))
    assert response.status_code == 200
    assert_disclaimer_on_every_message(response.json())
    assert_disclaimer_on_every_message([socketio_turn(stack.url, pii_message(SOCKET_PII))])


def test_no_message_text_is_logged_at_info(stack: Stack) -> None:
    assert post(stack, "info-log", f"{INFO_MARKER} what is a spine MRI?").status_code == 200
    assert INFO_MARKER not in (stack.workdir / "rasa.log").read_text(errors="replace")


def test_forget_me_confirms_and_erases_the_conversation(stack: Stack) -> None:
    sender = f"forget-{uuid.uuid4().hex[:6]}"
    assert post(stack, sender, "hello").status_code == 200
    assert stack.stored_sender("rest", sender) in stored_senders(stack)
    reply = post(stack, sender, "delete my conversation").json()
    assert_disclaimer_on_every_message(reply)
    assert reply[0]["text"].startswith(CONTENT.replies["forget_me"].text)
    assert stack.stored_sender("rest", sender) not in stored_senders(stack)


def test_rate_limit_refuses_the_21st_message_politely_then_serves_again(stack: Stack) -> None:
    time.sleep(WINDOW_SECONDS)  # earlier tests' messages leave the window
    sender = f"flood-{uuid.uuid4().hex[:6]}"
    for _ in range(PER_SENDER):
        assert post(stack, sender, "hello").status_code == 200
    refused = post(stack, sender, "hello")
    assert refused.status_code == 429
    assert_disclaimer_on_every_message(refused.json())
    assert refused.json()[0]["text"].startswith(CONTENT.message("rate_limited"))
    time.sleep(WINDOW_SECONDS)
    served = post(stack, sender, "hello")
    assert served.status_code == 200
    assert_disclaimer_on_every_message(served.json())


# Hypothesis draws batches of inputs; each batch is sent concurrently (the
# server handles different senders in parallel), 20 x 25 = 500 messages a run.
BATCHES, BATCH_SIZE, CLIENTS = 20, 25, 6
NASTY = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "😀🙏🏽👨‍👩‍👧",
    "مرحبا، هل التصوير بالرنين المغناطيسي آمن؟",
    "שלום \u202eevil\u202c",
    "<script>alert('x')</script>",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "{{7*7}} ${jndi:ldap://x}",
    "/restart",
    "/forget_me",
    '/greet{"region": "lumbar"}',
    "/{",
    "a" * 1_000_000,
    "x" * 1001,
    "y" * 1000,
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
)
metadata = st.none() | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
malformed_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(json.dumps, st.recursive(st.none() | st.booleans() | st.integers(), st.lists)),
    st.builds(lambda message: json.dumps({"message": message}), st.text(max_size=50)),
    st.builds(lambda sender: json.dumps({"sender": sender, "message": 3}), st.text(max_size=5)),
    st.just(json.dumps({"sender": "s" * 200, "message": "hello"})),
)
FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Where rasa.log stood when the fuzzing began (the websocket tests before it log
# a known engine.io/Sanic traceback on disconnect, unrelated to input).
FUZZ_LOG_START: dict[str, int] = {}


def send_all(url: str, bodies: list[bytes]) -> list[requests.Response]:
    def send(body: bytes) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        return requests.post(url, data=body, headers=headers, timeout=120)

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(send, bodies))


@settings(FUZZ_SETTINGS, max_examples=BATCHES)
@given(batch=st.lists(st.tuples(texts, metadata), min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_fuzzed_messages_are_all_answered_with_the_disclaimer(
    stack: Stack, batch: list[tuple[str, dict | None]]
) -> None:
    FUZZ_LOG_START.setdefault(
        "offset", len((stack.workdir / "rasa.log").read_text(errors="replace"))
    )
    bodies = [
        json.dumps({"sender": f"fuzz-{uuid.uuid4().hex[:8]}", "message": text, "metadata": meta})
        for text, meta in batch
    ]
    for response in send_all(webhook(stack), [body.encode() for body in bodies]):
        assert response.status_code in (200, 413), response.text[:200]
        assert_disclaimer_on_every_message(response.json())


@settings(FUZZ_SETTINGS, max_examples=BATCHES // 5)
@given(batch=st.lists(malformed_bodies, min_size=BATCH_SIZE, max_size=BATCH_SIZE))
def test_fuzzed_malformed_bodies_get_a_polite_400(stack: Stack, batch: list[str | bytes]) -> None:
    bodies = [body.encode() if isinstance(body, str) else body for body in batch]
    for response in send_all(webhook(stack), bodies):
        assert response.status_code == 400, response.text[:200]
        assert_disclaimer_on_every_message(response.json())


def test_server_is_still_healthy_and_answering_after_the_fuzzing(stack: Stack) -> None:
    assert requests.get(f"{stack.url}/webhooks/rest/", timeout=30).status_code == 200
    messages = stack.say(f"after-{uuid.uuid4().hex[:6]}", "What is a spine MRI?")
    assert_disclaimer_on_every_message(messages)
    answer = load_content().topics["what_is_spine_mri"].answer or ""
    assert messages[0]["text"].startswith(answer)
    log = (stack.workdir / "rasa.log").read_text(errors="replace")
    assert "Traceback" not in log[FUZZ_LOG_START.get("offset", 0) :]


def test_no_raw_personal_data_anywhere_on_disk_after_the_servers_stop(stack: Stack) -> None:
    stack.stop_rasa()
    stack.stop_actions()
    with sqlite3.connect(stack.tracker_db) as db:
        stored = "\n".join(row[0] for row in db.execute("SELECT data FROM events"))
    assert "[NAME]" in stored and "[PHONE]" in stored and "[MRN]" in stored  # the store redacted
    # Conversations are filed under keyed hashes, not the senders' ids.
    assert stack.stored_sender("rest", "pii-rest") in stored_senders(stack)
    assert b"pii-rest" not in stack.tracker_db.read_bytes()
    raw_values = [value.encode() for data in (REST_PII, SOCKET_PII) for value in data.values()]
    raw_values += [b"Thornbury", REST_PII["mrn"].encode(), SOCKET_PII["phone"].encode()]
    written = files_written(stack.workdir, since=RUN_STARTED)
    assert any(path.name == "tracker.db" for path in written)
    for path in written:
        data = path.read_bytes()
        for value in raw_values:
            assert value not in data, f"{value!r} found in {path}"


def files_written(workdir: Path, since: float) -> list[Path]:
    """Everything the servers wrote: their folder, plus project files changed during the run."""
    candidates = list(workdir.rglob("*"))
    for folder in ("var", "reports", ".rasa"):
        candidates += (PROJECT_ROOT / folder).rglob("*")
    return [
        path
        for path in candidates
        if path.is_file() and (path.is_relative_to(workdir) or path.stat().st_mtime >= since)
    ]
