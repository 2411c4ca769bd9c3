"""Guarantees that every patient message gets a reply carrying the disclaimer.

Rasa drops a turn silently when the action server is down or an action fails
(it logs the error and predicts ``action_listen``). A patient must never be
left with silence, so every channel of this project wraps Rasa's message
handler: if the turn produced no bot message, the channel sends the content
file's "service unavailable" message (with the hospital's contact and the
disclaimer) itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint

from actions.content import load_content

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]


class ReplyRecorder(OutputChannel):
    """Passes every bot message through to the real channel, noting that it did."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.replied = False

    @classmethod
    def name(cls) -> str:
        return "reply_recorder"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def service_unavailable_text() -> str:
    """The degraded reply: apology, hospital contact and disclaimer."""
    content = load_content()
    return content.with_disclaimer(content.message("service_unavailable"))


def guarantee_reply(on_new_message: MessageHandler) -> MessageHandler:
    """Wrap Rasa's handler so that no patient message goes unanswered."""

    async def handle(message: UserMessage) -> None:
        recorder = ReplyRecorder(message.output_channel)
        message.output_channel = recorder
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Handling a message failed; sending the degraded reply.")
        if not recorder.replied:
            await recorder.inner.send_text_message(message.sender_id, service_unavailable_text())

    return handle


class GuaranteedReplyMixin(InputChannel):
    """Mix into an input channel (before Rasa's class) to add the guarantee."""

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        return super().blueprint(guarantee_reply(on_new_message))
