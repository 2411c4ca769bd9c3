"""Facebook Messenger (/webhooks/facebook/webhook) with X-Hub-Signature-256 checks.

Rasa's connector checks only the legacy SHA-1 X-Hub-Signature, lets the
header pick the hash function, compares non-constant-time and answers a bad
signature with HTTP 200. Here the body's HMAC-SHA256 with the app secret is
compared in constant time and anything else gets 403, as does the webhook
verification GET with a wrong verify token.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fbmessenger import DEFAULT_API_VERSION, MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.formatting import Choice, FittedReplies
from channels.guarantee import GuaranteedReplyMixin, MessageHandler, ReplyNotDelivered
from channels.verification import VerifiedWebhookMixin

GRAPH_API_URL = f"https://graph.facebook.com/v{DEFAULT_API_VERSION}"
QUICK_REPLY_LIMIT = 13  # Messenger shows at most 13 quick replies
TITLE_LIMIT = 20  # and cuts their titles at 20 characters
ELLIPSIS = "\u2026"


def short_title(title: str) -> str:
    """A quick-reply title within Messenger's limit, cut at a word boundary."""
    if len(title) <= TITLE_LIMIT:
        return title
    cut = title[: TITLE_LIMIT - 1].rsplit(" ", 1)[0]
    return f"{cut}{ELLIPSIS}"


class MessengerReplies(FittedReplies, MessengerBot):
    """Sends text messages; choices become quick replies."""

    max_length = 2000  # Messenger's limit for one text message

    async def send_part(self, recipient_id: str, text: str) -> None:
        self.deliver({"text": text}, recipient_id)

    async def send_choices(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        quick_replies = [
            {
                "content_type": "text",
                "title": short_title(choice["title"]),
                "payload": choice["payload"],
            }
            for choice in choices[:QUICK_REPLY_LIMIT]
        ]
        self.deliver({"text": text, "quick_replies": quick_replies}, recipient_id)

    def deliver(self, message: dict[str, Any], recipient_id: str) -> None:
        """Send one message; the Graph API reports a refusal in its answer, not by raising."""
        answer = self.messenger_client.send(message, recipient_id, "RESPONSE")
        if not isinstance(answer, dict) or "error" in answer:
            raise ReplyNotDelivered("the Graph API did not accept the message")


class PageMessenger(Messenger):
    """Rasa's parser of Messenger events, replying through MessengerReplies."""

    def __init__(self, client: MessengerClient, on_new_message: MessageHandler) -> None:
        self.client = client
        self.on_new_message = on_new_message
        self.last_message: dict[str, Any] = {}

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        out_channel = MessengerReplies(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(
                    text, out_channel, sender_id, input_channel=self.name(), metadata=metadata
                )
            )
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class FacebookWebhook(FacebookInput):
    """The webhook routes; verification is VerifiedWebhookMixin's (FacebookChannel)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> FacebookWebhook:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["verify"],
            credentials["secret"],
            credentials["page-access-token"],
            api_url=credentials.get("api_url", GRAPH_API_URL),
        )

    def __init__(
        self, fb_verify: str, fb_secret: str, fb_access_token: str, api_url: str = GRAPH_API_URL
    ) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.api_url = api_url

    def client(self) -> MessengerClient:
        client = MessengerClient(self.fb_access_token)
        client.graph_url = self.api_url
        return client

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            return response.text(request.args.get("hub.challenge", ""))

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            messenger = PageMessenger(self.client(), on_new_message)
            await messenger.handle(request.json, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerReplies:
        return MessengerReplies(self.client())


class FacebookChannel(GuaranteedReplyMixin, VerifiedWebhookMixin, FacebookWebhook):
    """Messenger channel refusing (403) requests not signed with the app secret."""

    async def is_authentic(self, request: Request) -> bool:
        if request.method == "GET":
            sent = request.args.get("hub.verify_token", "")
            return hmac.compare_digest(sent.encode(), self.fb_verify.encode())
        digest = hmac.new(self.fb_secret.encode(), request.body, hashlib.sha256).hexdigest()
        sent = request.headers.get("X-Hub-Signature-256", "")
        return hmac.compare_digest(sent.encode(), f"sha256={digest}".encode())
