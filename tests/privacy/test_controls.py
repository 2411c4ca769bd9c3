"""Unit tests of the settings, the rate limiter, input cleaning, metadata limits,
conversation ids, the sender-id secret, socket.io session ids and log redaction."""

from __future__ import annotations

import asyncio
import io
import logging
import stat
import time
from pathlib import Path
from typing import Any

import pytest
import structlog
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.guarantee import (
    CLIENT_ADDRESS,
    InputGuard,
    Outcome,
    RateLimiter,
    clean_text,
    guarantee_reply,
    metadata_fits,
)
from channels.socketio import SessionIds
from privacy.log_redaction import install_log_redaction, withhold_text
from privacy.settings import (
    InputLimits,
    SecretError,
    allowed_origins,
    client_address,
    origin_allowed,
    rasa_access_arguments,
    request_max_size,
    sender_id_secret,
    trusted_proxies,
)


def test_api_is_off_without_a_token_and_local_only_with_one() -> None:
    assert "--enable-api" not in rasa_access_arguments({})
    arguments = rasa_access_arguments({"RASA_API_TOKEN": "s3cret"})
    assert arguments[arguments.index("--auth-token") + 1] == "s3cret"
    assert arguments[arguments.index("-i") + 1] == "127.0.0.1"
    jwt = rasa_access_arguments({"RASA_JWT_SECRET": "k"})
    assert "--enable-api" in jwt and "--jwt-secret" in jwt and "127.0.0.1" in jwt


def test_cors_origins_default_to_the_demo_page_and_follow_the_env() -> None:
    assert allowed_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    env = {"ALLOWED_ORIGINS": "https://a.example, https://b.example/"}
    assert rasa_access_arguments(env)[:3] == ["--cors", "https://a.example", "https://b.example"]
    assert origin_allowed("https://b.example", env)
    assert not origin_allowed("https://evil.example", env)
    assert origin_allowed(None, env)  # non-browser clients send no Origin


def test_limits_default_to_the_documented_values() -> None:
    limits = InputLimits.from_env({})
    assert (limits.max_message_chars, limits.per_sender, limits.per_address) == (1000, 20, 600)
    assert limits.window_seconds == 60
    assert InputLimits.from_env({"RATE_LIMIT_PER_MINUTE": "5"}).per_address == 600
    assert InputLimits.from_env({"RATE_LIMIT_PER_IP_PER_MINUTE": "50"}).per_address == 50


def test_metadata_limits_default_to_the_documented_values_and_follow_the_env() -> None:
    limits = InputLimits.from_env({})
    assert (limits.max_metadata_bytes, limits.max_metadata_depth) == (4096, 4)
    assert (limits.max_metadata_keys, limits.max_metadata_string_chars) == (64, 512)
    env = {
        "MAX_METADATA_BYTES": "100",
        "MAX_METADATA_DEPTH": "2",
        "MAX_METADATA_KEYS": "3",
        "MAX_METADATA_STRING_CHARS": "10",
    }
    assert InputLimits.from_env(env) == InputLimits(
        max_metadata_bytes=100,
        max_metadata_depth=2,
        max_metadata_keys=3,
        max_metadata_string_chars=10,
    )


SMALL = InputLimits(
    max_metadata_bytes=120, max_metadata_depth=3, max_metadata_keys=6, max_metadata_string_chars=20
)


@pytest.mark.parametrize(
    "metadata",
    [None, {}, {"a": {"b": {"c": "x" * 20}}}, {"list": [1, 2, 3], "x": None}, {"k" * 20: 1.5}],
)
def test_metadata_within_every_limit_fits(metadata: Any) -> None:
    assert metadata_fits(metadata, SMALL)


@pytest.mark.parametrize(
    "metadata",
    [
        {"a": {"b": {"c": {"d": 1}}}},  # four levels
        {"a": "x" * 21},  # a long string
        {"k" * 21: 1},  # a long key
        {"list": [1, 2, 3, 4, 5, 6]},  # seven entries
        {str(n): "x" * 19 for n in range(5)},  # 136 bytes of JSON
        {"a": "é" * 20, "b": "é" * 20, "c": "é" * 20},  # 136 bytes in UTF-8
    ],
)
def test_metadata_over_any_limit_does_not_fit(metadata: Any) -> None:
    assert not metadata_fits(metadata, SMALL)


def test_a_metadata_bomb_is_refused_without_walking_all_of_it() -> None:
    nested: Any = "deep"
    for _ in range(100_000):
        nested = [nested]
    started = time.perf_counter()
    assert not metadata_fits({"a": nested}, InputLimits())
    assert not metadata_fits({"a": list(range(1_000_000))}, InputLimits())
    assert time.perf_counter() - started < 0.5


def test_conversations_are_named_by_channel_and_replies_go_to_the_channels_sender() -> None:
    seen: list[UserMessage] = []

    async def rasa(message: UserMessage) -> None:
        seen.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "hello"})

    handle = guarantee_reply(rasa, "twilio", InputGuard(InputLimits()))
    outbox = CollectingOutputChannel()
    outcome = asyncio.run(handle(UserMessage("hi", outbox, "whatsapp:+15550100123")))
    assert outcome is Outcome.ANSWERED
    assert seen[0].sender_id == "twilio:whatsapp:+15550100123"
    assert [message["recipient_id"] for message in outbox.messages] == ["whatsapp:+15550100123"]


def test_a_sender_that_names_another_channel_stays_on_its_own() -> None:
    """REST's sender "twilio:+1…" is the REST conversation "rest:twilio:+1…", with its own
    rate limit: it neither reaches nor throttles the Twilio patient's conversation."""
    guard = InputGuard(InputLimits(per_sender=1))
    seen: list[str] = []

    async def rasa(message: UserMessage) -> None:
        seen.append(message.sender_id)
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})

    rest, twilio = guarantee_reply(rasa, "rest", guard), guarantee_reply(rasa, "twilio", guard)
    forged = UserMessage("/forget_me", CollectingOutputChannel(), "twilio:+15550100123")
    assert asyncio.run(rest(forged)) is Outcome.ANSWERED
    patient = UserMessage("hi", CollectingOutputChannel(), "+15550100123")
    assert asyncio.run(twilio(patient)) is Outcome.ANSWERED
    assert seen == ["rest:twilio:+15550100123", "twilio:+15550100123"]


def test_client_metadata_over_the_limits_is_refused_politely_before_rasa() -> None:
    async def rasa(message: UserMessage) -> None:
        raise AssertionError("Rasa must not see it")

    handle = guarantee_reply(rasa, "rest", InputGuard(SMALL), client_metadata=True)
    outbox = CollectingOutputChannel()
    refused = asyncio.run(handle(UserMessage("hi", outbox, "p1", metadata={"a": "x" * 21})))
    assert refused is Outcome.METADATA_TOO_LARGE
    assert outbox.messages[0]["text"] == InputGuard(SMALL).refusal_text(refused)
    assert outbox.messages[0]["recipient_id"] == "p1"


def test_the_sender_id_secret_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "sender_id_secret"
    first = sender_id_secret({}, path)
    assert len(first) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().strip() == first
    assert list(path.parent.iterdir()) == [path]  # no draft left behind
    assert sender_id_secret({}, tmp_path / "other") != first
    assert sender_id_secret({"SENDER_ID_SECRET": "s" * 32}, path) == b"s" * 32
    with pytest.raises(SecretError):
        sender_id_secret({"SENDER_ID_SECRET": "too-short"}, path)


def test_a_secret_made_earlier_is_read_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "sender_id_secret"
    path.write_text("k" * 64 + "\n")
    assert sender_id_secret({}, path) == b"k" * 64


def test_socketio_session_ids_are_recognised_only_when_issued_with_the_secret() -> None:
    sessions = SessionIds(b"a" * 32)
    issued = sessions.issue()
    assert sessions.issued(issued) and issued != sessions.issue()
    token, _, signature = issued.partition(".")
    forged = [
        "1",
        "",
        None,
        {"session_id": issued},
        token,
        f"{token}.",
        f"{token}.{'0' * 32}",
        f"{token[:-1]}{'1' if token.endswith('0') else '0'}.{signature}",
        issued + "0",
        SessionIds(b"b" * 32).issue(),
    ]
    assert not any(sessions.issued(session_id) for session_id in forged)


def test_sanic_reads_at_most_four_times_the_body_limit() -> None:
    assert request_max_size({}) == 4 * 65536
    assert request_max_size({"MAX_BODY_BYTES": "1000"}) == 4000


NGINX = trusted_proxies({"TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() -> None:
    assert trusted_proxies({}) == ()
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"
    assert client_address("203.0.113.9", ["198.51.100.1"], NGINX) == "203.0.113.9"


def test_forwarded_for_is_read_from_the_right_past_trusted_proxies_only() -> None:
    # The patient made up the first entry; nginx (127.0.0.1) appended the real peer.
    forwarded = ["198.51.100.1", "203.0.113.9"]
    assert client_address("127.0.0.1", forwarded, NGINX) == "203.0.113.9"
    # Ingress (10.1.2.3) behind an edge proxy (10.0.0.5): both trusted, both skipped.
    assert client_address("10.1.2.3", ["203.0.113.9", "10.0.0.5"], NGINX) == "203.0.113.9"
    assert client_address("127.0.0.1", [], NGINX) == "127.0.0.1"
    assert client_address("127.0.0.1", ["not-an-address"], NGINX) == "not-an-address"


def test_rate_limiter_refuses_beyond_the_limit_and_recovers_after_the_window() -> None:
    limiter = RateLimiter(limit=3, window_seconds=0.2)
    for _ in range(3):
        assert not limiter.full("a")
        limiter.record("a")
    assert limiter.full("a")
    assert not limiter.full("b")
    time.sleep(0.25)
    assert not limiter.full("a")


def test_guard_limits_each_client_address_across_senders_and_long_messages() -> None:
    guard = InputGuard(InputLimits(max_message_chars=10, per_sender=100, per_address=3))
    token = CLIENT_ADDRESS.set("10.0.0.1")
    try:
        outcomes = [guard.refusal(UserMessage("hi", sender_id=f"s{n}")) for n in range(4)]
        assert outcomes == [None, None, None, Outcome.RATE_LIMITED]
        CLIENT_ADDRESS.set("10.0.0.2")
        assert guard.refusal(UserMessage("hi", sender_id="s9")) is None
        assert guard.refusal(UserMessage("x" * 11, sender_id="s9")) is Outcome.TOO_LONG
    finally:
        CLIENT_ADDRESS.reset(token)
    assert "10" in guard.refusal_text(Outcome.TOO_LONG)


def test_control_characters_and_lone_surrogates_are_removed_but_text_kept() -> None:
    assert clean_text("a\x00b\x1bc\nd\te\ud800") == "abc\nd\te"
    assert clean_text("مرحبا 😀 \u200fok") == "مرحبا 😀 \u200fok"
    assert clean_text(None) == ""


def test_log_records_and_tracebacks_are_redacted() -> None:
    install_log_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.privacy.logs")
    logger.addHandler(handler)
    try:
        logger.warning("patient said %s", "my number is 555-123-4567")
        try:
            raise ValueError("email jane.doe@example.org")
        except ValueError:
            logger.exception("failed for John Smith")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "555-123-4567" not in output and "jane.doe@example.org" not in output
    assert "John Smith" not in output
    assert "[PHONE]" in output and "[EMAIL]" in output and "ValueError" in output


def test_structlog_events_above_debug_carry_no_message_text() -> None:
    install_log_redaction()
    assert structlog.get_config()["processors"][0] is withhold_text
    event = withhold_text(None, "warning", {"event": "x", "user_text": "my back hurts"})
    assert event["user_text"] == "<withheld, 13 chars>"
    assert withhold_text(None, "debug", {"text": "kept"})["text"] == "kept"
