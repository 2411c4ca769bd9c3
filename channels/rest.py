"""REST channel (/webhooks/rest/webhook) with the reply guarantee and HTTP-level checks.

Rasa's own route answers 500 to a body that is not a JSON object and processes
requests of any size from any origin. This one answers, always with a polite
message that carries the disclaimer:

* 403 to a browser whose Origin is not in ALLOWED_ORIGINS,
* 413 to a body over MAX_BODY_BYTES (also when Sanic refuses it unread, over
  SANIC_REQUEST_MAX_SIZE), or ``metadata`` over its limits (size, depth,
  keys, string length: MAX_METADATA_*),
* 400 to malformed JSON (nested too deep for the parser too) or a missing/invalid
  ``sender`` or ``message``,
* 429 when the sender or the client address is over the rate limit,
* 200 otherwise (including the "too long" and "service unavailable" replies).

The conversation is the REST client's ``sender`` on the REST channel
(``rest:<sender>``, see channels/guarantee.py), whatever the sender looks like.
Streaming (``?stream=true``) is not offered.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.content import load_content
from channels.guarantee import CLIENT_ADDRESS, GuaranteedReplyMixin, Outcome, shared_guard
from privacy import settings
from privacy.settings import origin_allowed

MAX_SENDER_CHARS = 128  # kept in memory by the rate limiter (stored only as a hash)
STATUS = {Outcome.RATE_LIMITED: 429, Outcome.METADATA_TOO_LARGE: 413}


def client_address(request: Request) -> str:
    """The patient's address (privacy.settings.client_address): the TCP peer, or the
    address a trusted proxy (TRUSTED_PROXIES) reported in X-Forwarded-For."""
    forwarded = [
        hop for header in request.headers.getall("x-forwarded-for", []) for hop in header.split(",")
    ]
    return settings.client_address(request.ip, forwarded, settings.trusted_proxies())


def polite(status: int, text: str) -> HTTPResponse:
    """An error answer shaped like a bot reply (with disclaimer), so every client can show it."""
    return response.json([{"recipient_id": "", "text": text}], status=status)


def bad_request_text() -> str:
    content = load_content()
    return content.with_disclaimer(content.message("bad_request"))


def parse_body(request: Request) -> dict[str, Any] | None:
    """The JSON object of the request with string sender and message, or None."""
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(payload, dict):
        return None
    sender, message = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
        return None
    if not isinstance(message, str):
        return None
    return payload


class RestChannel(GuaranteedReplyMixin, RestInput):
    """Rasa's REST channel; answers even when the action server is down, refuses bad input."""

    client_metadata = True

    def blueprint(self, on_new_message: Any) -> Blueprint:
        handle = self.guarded(on_new_message)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.exception(PayloadTooLarge)
        async def too_large(_: Request, __: PayloadTooLarge) -> HTTPResponse:
            """Sanic refuses a body over SANIC_REQUEST_MAX_SIZE unread, with its own JSON;
            the patient's client gets the polite 413 it gets for any body over the limit."""
            return polite(413, shared_guard().refusal_text(Outcome.TOO_LONG))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not origin_allowed(request.headers.get("origin")):
                return polite(403, bad_request_text())
            if len(request.body or b"") > shared_guard().limits.max_body_bytes:
                return polite(413, shared_guard().refusal_text(Outcome.TOO_LONG))
            payload = parse_body(request)
            if payload is None:
                return polite(400, bad_request_text())
            metadata = payload.get("metadata")
            collector = CollectingOutputChannel()
            message = UserMessage(
                payload["message"],
                collector,
                payload["sender"],
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            CLIENT_ADDRESS.set(client_address(request))
            outcome = await handle(message)
            return response.json(collector.messages, status=STATUS.get(outcome, 200))

        return webhook
