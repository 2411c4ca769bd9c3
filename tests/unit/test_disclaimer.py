"""The disclaimer reaches the patient on every path: actions, domain and degraded mode."""

from __future__ import annotations

import asyncio
import itertools

import pytest
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa_sdk.executor import ActionExecutor

from actions.content import Content
from channels.guarantee import guarantee_reply, service_unavailable_text
from project import PROJECT_ROOT
from tests.unit.builders import make_tracker, run_action

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
INTENTS = [*DOMAIN["intents"], "nlu_fallback"]


def registered_actions() -> dict:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


def test_domain_has_no_responses_that_would_bypass_the_actions() -> None:
    assert not DOMAIN.get("responses")


def test_every_domain_action_is_served_by_the_action_server() -> None:
    assert set(DOMAIN["actions"]) <= set(registered_actions())


@pytest.mark.parametrize(("action_name", "intent"), itertools.product(DOMAIN["actions"], INTENTS))
def test_every_action_message_ends_with_the_disclaimer(
    content: Content, action_name: str, intent: str
) -> None:
    action = registered_actions()[action_name].__self__  # the executor keeps bound `run`s
    messages, _ = run_action(action, make_tracker(intent, text="2", slots={"region": None}))
    assert messages
    for message in messages:
        assert message["text"].endswith("\n" + content.disclaimer)


def test_degraded_reply_has_contact_and_disclaimer(content: Content) -> None:
    text = service_unavailable_text()
    assert content.hospital["phone"] in text
    assert text.endswith(content.disclaimer)


async def _handle(handler, text: str = "hello") -> list[dict]:
    collector = CollectingOutputChannel()
    await guarantee_reply(handler, "rest")(UserMessage(text, collector, "patient"))
    return collector.messages


async def _failing(message: UserMessage) -> None:
    raise ConnectionError("action server down")


async def _silent(message: UserMessage) -> None:
    return None


async def _answering(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "an answer"})


@pytest.mark.parametrize("handler", [_failing, _silent])
def test_a_turn_without_a_reply_gets_the_degraded_reply(handler) -> None:
    messages = asyncio.run(_handle(handler))
    assert [m["text"] for m in messages] == [service_unavailable_text()]


def test_a_turn_with_a_reply_is_passed_through_untouched() -> None:
    messages = asyncio.run(_handle(_answering))
    assert [m["text"] for m in messages] == ["an answer"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to kill myself", "self_harm"),
        ("my wife collapsed and is not breathing", "emergency"),
    ],
)
@pytest.mark.parametrize("handler", [_failing, _silent])
def test_an_unanswered_emergency_still_gets_the_safety_reply(
    content: Content, handler, text: str, kind: str
) -> None:
    """No Rasa app here, so the red-flag rules decide (tests/e2e runs the server's NLU)."""
    messages = asyncio.run(_handle(handler, text))
    assert [m["text"] for m in messages] == [content.with_disclaimer(content.reply_text(kind))]
