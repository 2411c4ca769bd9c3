"""Unit tests of the settings, the rate limiter, input cleaning and log redaction."""

from __future__ import annotations

import io
import logging
import time

import structlog
from rasa.core.channels.channel import UserMessage

from channels.guarantee import CLIENT_ADDRESS, InputGuard, Outcome, RateLimiter, clean_text
from privacy.log_redaction import install_log_redaction, withhold_text
from privacy.settings import (
    InputLimits,
    allowed_origins,
    client_address,
    origin_allowed,
    rasa_access_arguments,
    request_max_size,
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
