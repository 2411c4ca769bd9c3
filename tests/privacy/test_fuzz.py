"""Property-based fuzzing of the REST webhook against a real running assistant.

Hypothesis generates at least 500 inputs per run: odd message texts (control
characters, emoji, right-to-left script, injection strings, huge words) and
malformed bodies. The server must never answer 5xx, must answer every
well-formed turn with the disclaimer, and must still be healthy afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.content import load_content
from tests.stack import Stack, assert_disclaimer_on_every_message, running_stack

EXAMPLES = 500
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
malformed_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(json.dumps, st.recursive(st.none() | st.booleans() | st.integers(), st.lists)),
    st.builds(lambda message: json.dumps({"message": message}), texts),
    st.builds(lambda sender: json.dumps({"sender": sender, "message": 3}), st.text(max_size=5)),
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {"RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_PER_IP_PER_MINUTE": "100000"}
    with running_stack(tmp_path_factory.mktemp("fuzz"), env) as running:
        yield running


def webhook(stack: Stack) -> str:
    return f"{stack.url}/webhooks/rest/webhook"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts, metadata=st.none() | st.dictionaries(st.text(max_size=5), st.text(max_size=5)))
def test_every_message_is_answered_with_the_disclaimer(
    stack: Stack, text: str, metadata: dict | None
) -> None:
    body = {"sender": f"fuzz-{uuid.uuid4().hex[:8]}", "message": text, "metadata": metadata}
    response = requests.post(webhook(stack), json=body, timeout=60)
    assert response.status_code in (200, 413), response.text[:200]
    assert_disclaimer_on_every_message(response.json())


@settings(
    max_examples=EXAMPLES // 5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=malformed_bodies)
def test_malformed_bodies_get_a_polite_400(stack: Stack, body: str | bytes) -> None:
    response = requests.post(webhook(stack), data=body, timeout=60)
    assert response.status_code == 400, response.text[:200]
    assert_disclaimer_on_every_message(response.json())


def test_server_is_still_healthy_and_answering_after_the_fuzzing(stack: Stack) -> None:
    assert requests.get(f"{stack.url}/webhooks/rest/", timeout=30).status_code == 200
    messages = stack.say(f"after-{uuid.uuid4().hex[:6]}", "What is a spine MRI?")
    assert_disclaimer_on_every_message(messages)
    answer = load_content().topics["what_is_spine_mri"].answer or ""
    assert messages[0]["text"].startswith(answer)
    log = (stack.workdir / "rasa.log").read_text(errors="replace")
    assert "Traceback" not in log
