"""Guarantees that every patient message gets a reply carrying the disclaimer,
and guards every channel against bad input and floods.

Rasa drops a turn silently when the action server is down or an action fails
(it logs the error and predicts ``action_listen``). A patient must never be
left with silence, so every channel of this project wraps Rasa's message
handler: if the turn produced no bot message, the channel sends the content
file's "service unavailable" message (with the hospital's contact and the
disclaimer) itself. A patient in danger must not get an apology instead of the
emergency number: when the message is an emergency or a crisis (by the NLU of
this server, whose red-flag detector needs no action server), the degraded reply
is the emergency or crisis reply.

The same wrapper is the one place where channel-independent input checks
live, so Slack, Twilio, REST and socket.io behave alike: control characters
are removed, over-long messages, metadata over its limits (from the channels
whose client writes it) and senders (or client addresses) over the rate limit
get a polite reply with the disclaimer and never reach Rasa, so nothing of them
is stored.

It also names the conversation: Rasa sees the sender as ``<channel>:<sender>``
(stores/keys.py), so one channel's client cannot reach, erase or throttle
another channel's conversation by choosing its sender id; replies go out to the
channel's own sender id. Importing this module also switches on log redaction
in the Rasa server (every channel imports it).
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
import unicodedata
from collections import deque
from collections.abc import Awaitable, Callable
from enum import Enum
from functools import cache
from typing import Any, ClassVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import text as text_response

from actions.content import load_content
from components.red_flags import KINDS, load_rules
from privacy.log_redaction import install_log_redaction
from privacy.settings import InputLimits
from stores.keys import channel_sender, conversation_id

install_log_redaction()
logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]

# The client's network address for the message being handled, set by channels
# that know it (REST, socket.io) so the per-address rate limit can apply.
CLIENT_ADDRESS: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_address", default=None
)
# Set when a reply of the request's turn could not be sent: the channel's webhook
# then answers 503, which providers that redeliver (Telegram, Slack, Messenger) take
# as "try again" and Twilio logs as a failed webhook. The turn itself is stored.
SEND_FAILED: contextvars.ContextVar[bool] = contextvars.ContextVar("send_failed", default=False)
KEEP_CONTROL = {"\n", "\t"}


class Outcome(Enum):
    """How a turn ended; HTTP channels map it to a status code."""

    ANSWERED = "answered"
    DEGRADED = "degraded"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"
    METADATA_TOO_LARGE = "metadata_too_large"
    SEND_FAILED = "send_failed"


class ReplyNotDelivered(RuntimeError):
    """A channel's provider did not accept a reply (for outputs that report it by value)."""


class ReplyRecorder(OutputChannel):
    """Passes every bot message through to the real channel, noting that it did.

    Rasa addresses replies to the conversation id (``<channel>:<sender>``); the
    channel's provider knows only the sender (a phone number, a Slack channel), so
    the prefix comes off here. A message the channel fails to send (its provider's
    API down or refusing) must not end the turn: Rasa would then store nothing of
    it, not even the patient's message. The failure is logged without the text and
    noted instead.
    """

    def __init__(self, inner: OutputChannel, channel: str) -> None:
        self.inner = inner
        self.channel = channel
        self.replied = False
        self.failed = False

    @classmethod
    def name(cls) -> str:
        return "reply_recorder"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        recipient = channel_sender(self.channel, recipient_id)
        await self.deliver(self.inner.send_response(recipient, message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """A message of the channel guarantee's own (refusal, degraded reply)."""
        recipient = channel_sender(self.channel, recipient_id)
        await self.deliver(self.inner.send_text_message(recipient, text, **kwargs))

    async def deliver(self, sending: Awaitable[None]) -> None:
        try:
            await sending
        except Exception as error:
            self.failed = True
            SEND_FAILED.set(True)
            logger.warning(
                "Sending a reply on %s failed (%s); the turn is stored and the "
                "provider is asked to retry.",
                self.inner.name(),
                type(error).__name__,
            )

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


class RateLimiter:
    """Sliding-window counter per key (sender id, client address); in memory, per process."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self.hits: dict[str, deque[float]] = {}

    def full(self, key: str) -> bool:
        """Whether key has used up its messages for the current window."""
        return len(self._window(key, time.monotonic())) >= self.limit

    def record(self, key: str) -> None:
        now = time.monotonic()
        self._window(key, now).append(now)

    def _window(self, key: str, now: float) -> deque[float]:
        window = self.hits.setdefault(key, deque())
        while window and window[0] <= now - self.window:
            window.popleft()
        if len(self.hits) > 10_000:  # forget idle keys so memory stays bounded
            self.hits = {k: w for k, w in self.hits.items() if w and w[-1] > now - self.window}
            self.hits[key] = window
        return window


class InputGuard:
    """Channel-independent checks applied before Rasa sees a message."""

    def __init__(self, limits: InputLimits) -> None:
        self.limits = limits
        self.senders = RateLimiter(limits.per_sender, limits.window_seconds)
        self.addresses = RateLimiter(limits.per_address, limits.window_seconds)

    def refusal(self, message: UserMessage) -> Outcome | None:
        """Why this message must not reach Rasa, or None when it may (counts the message)."""
        keys = [(self.senders, f"sender:{message.sender_id}")]
        address = CLIENT_ADDRESS.get()
        if address is not None:
            keys.append((self.addresses, f"address:{address}"))
        if any(limiter.full(key) for limiter, key in keys):
            return Outcome.RATE_LIMITED
        for limiter, key in keys:
            limiter.record(key)
        if len(message.text or "") > self.limits.max_message_chars:
            return Outcome.TOO_LONG
        return None

    def metadata_refusal(self, metadata: Any) -> Outcome | None:
        """METADATA_TOO_LARGE when client-written metadata is over any of its limits."""
        return None if metadata_fits(metadata, self.limits) else Outcome.METADATA_TOO_LARGE

    def refusal_text(self, outcome: Outcome) -> str:
        """The polite reply (with disclaimer) for a refused message."""
        content = load_content()
        if outcome is Outcome.TOO_LONG:
            text = content.message("message_too_long", max_chars=str(self.limits.max_message_chars))
        elif outcome is Outcome.METADATA_TOO_LARGE:
            text = content.message("bad_request")
        else:
            text = content.message("rate_limited")
        return content.with_disclaimer(text)


def metadata_fits(metadata: Any, limits: InputLimits) -> bool:
    """Whether metadata stays within the limits: nesting depth, number of keys and list
    items (all levels), length of every key and string, and its size as JSON.

    Walked without recursion and given up on at the first excess, so that even a
    body of nothing but brackets costs no more than reading it.
    """
    pending: list[tuple[Any, int]] = [(metadata, 0)]
    entries = 0
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if len(value) > limits.max_metadata_string_chars:
                return False
        elif isinstance(value, dict | list):
            entries += len(value)
            if depth >= limits.max_metadata_depth or entries > limits.max_metadata_keys:
                return False
            children = list(value.values()) if isinstance(value, dict) else value
            pending += [(child, depth + 1) for child in children]
            if isinstance(value, dict):
                pending += [(str(key), depth + 1) for key in value]
    size = len(json.dumps(metadata, ensure_ascii=False).encode())
    return size <= limits.max_metadata_bytes


@cache
def shared_guard() -> InputGuard:
    """One guard per server process, so limits hold across all channels."""
    return InputGuard(InputLimits.from_env())


def clean_text(text: Any) -> str:
    """Text without control characters or lone surrogates (which break logs and JSON)."""
    if not isinstance(text, str):
        return ""
    return "".join(
        character
        for character in text
        if character in KEEP_CONTROL or unicodedata.category(character) not in ("Cc", "Cs")
    )


def service_unavailable_text() -> str:
    """The degraded reply: apology, hospital contact and disclaimer."""
    content = load_content()
    return content.with_disclaimer(content.message("service_unavailable"))


async def safety_intent(text: str) -> str | None:
    """ "emergency" or "self_harm" when the message is one, by this server's NLU.

    The NLU (learned layer and red-flag rules) runs in the Rasa server itself; only
    where no Rasa app is running (a channel tested on its own) do the rules decide alone.
    """
    try:
        agent = Sanic.get_app().ctx.agent
    except (SanicException, AttributeError):
        return load_rules().classify(text)
    parse = await agent.parse_message(text)
    intent = (parse.get("intent") or {}).get("name")
    return intent if intent in KINDS else None


async def degraded_text(text: str) -> str:
    """What a patient gets when the assistant could not answer: the emergency or
    crisis reply for a message in danger, else the apology with the contact."""
    kind = await safety_intent(text)
    if kind is None:
        return service_unavailable_text()
    content = load_content()
    return content.with_disclaimer(content.reply_text(kind))


def guarantee_reply(
    on_new_message: MessageHandler,
    channel: str,
    guard: InputGuard | None = None,
    client_metadata: bool = False,
) -> Callable[[UserMessage], Awaitable[Outcome]]:
    """Wrap Rasa's handler so that no patient message goes unanswered or unchecked.

    channel names the conversations (stores/keys.py); client_metadata: the channel's
    metadata comes from its client as sent, and is held to the metadata limits.
    """
    guard = guard or shared_guard()

    async def handle(message: UserMessage) -> Outcome:
        recorder = ReplyRecorder(message.output_channel, channel)
        message.output_channel = recorder
        message.sender_id = conversation_id(channel, message.sender_id)
        message.text = clean_text(message.text)
        refusal = guard.refusal(message)
        if refusal is None and client_metadata:
            refusal = guard.metadata_refusal(message.metadata)
        if refusal is not None:
            await recorder.send_text_message(message.sender_id, guard.refusal_text(refusal))
            return refusal
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Handling a message failed; sending the degraded reply.")
        if recorder.replied:
            return Outcome.SEND_FAILED if recorder.failed else Outcome.ANSWERED
        try:
            text = await degraded_text(message.text)
        except Exception:
            logger.exception("Classifying an unanswered message failed; sending the apology.")
            text = service_unavailable_text()
        await recorder.send_text_message(message.sender_id, text)
        return Outcome.SEND_FAILED if recorder.failed else Outcome.DEGRADED

    return handle


class GuaranteedReplyMixin(InputChannel):
    """Mix into an input channel (before Rasa's class) to add the guarantee and the guard."""

    # Whether the client writes the metadata itself (REST, socket.io), so it is held to
    # the metadata limits. Providers' metadata (Teams' message as HTML, Slack's ids) is
    # built by Rasa from a signed request and grows with the message.
    client_metadata: ClassVar[bool] = False

    def guarded(
        self, on_new_message: MessageHandler
    ) -> Callable[[UserMessage], Awaitable[Outcome]]:
        """Rasa's handler wrapped with the checks and the reply guarantee."""
        return guarantee_reply(on_new_message, self.name(), client_metadata=self.client_metadata)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        blueprint = super().blueprint(self.guarded(on_new_message))
        blueprint.middleware(retry_when_a_reply_failed, "response")
        return blueprint


async def retry_when_a_reply_failed(_: Request, __: HTTPResponse) -> HTTPResponse | None:
    """503 instead of the channel's own answer when a reply of the turn was not sent."""
    if SEND_FAILED.get():
        return text_response("reply not delivered; the message was stored", status=503)
    return None
