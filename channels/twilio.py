"""Twilio SMS and WhatsApp (/webhooks/twilio/webhook) with signature checks.

Rasa's Twilio connector accepts any POST, so anyone could make the assistant
text any number. Here every request must carry a valid X-Twilio-Signature
(HMAC-SHA1 of the webhook URL and the form parameters with the auth token,
checked by the twilio package's RequestValidator). SMS has no buttons, so
choices are sent as a numbered list; the patient answers with the number, and
with Y or N whether a document answer helped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint
from sanic.request import Request, RequestParameters
from twilio.request_validator import RequestValidator

from channels.feedback import votes_by_letter
from channels.formatting import NumberedChoices
from channels.guarantee import GuaranteedReplyMixin, MessageHandler, ReplyNotDelivered
from channels.verification import VerifiedWebhookMixin

TWILIO_API_URL = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"


class SmsReplies(NumberedChoices, TwilioOutput):
    """Sends SMS or WhatsApp messages, whichever the patient wrote on."""

    max_length = 1600  # Twilio's limit for one message body

    def __init__(
        self, account_sid: str, auth_token: str, twilio_number: str, api_url: str = TWILIO_API_URL
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api.base_url = api_url

    async def send_part(self, recipient_id: str, text: str) -> None:
        sender = self.twilio_number
        if recipient_id.startswith(WHATSAPP_PREFIX):
            sender = f"{WHATSAPP_PREFIX}{self.twilio_number}"
        sent = await self._send_message({"to": recipient_id, "from_": sender, "body": text})
        if sent is None:  # Rasa's Twilio output logs the API's error and returns None
            raise ReplyNotDelivered("Twilio did not accept the message")


class TwilioChannel(GuaranteedReplyMixin, VerifiedWebhookMixin, TwilioInput):
    """Rasa's Twilio channel, refusing requests without a valid Twilio signature."""

    # Optional in Rasa's TwilioInput; this channel's constructor requires all three.
    account_sid: str
    auth_token: str
    twilio_number: str

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["account_sid"],
            credentials["auth_token"],
            credentials["twilio_number"],
            api_url=credentials.get("api_url", TWILIO_API_URL),
            webhook_url=credentials.get("webhook_url"),
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        api_url: str = TWILIO_API_URL,
        webhook_url: str | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api_url = api_url
        # Twilio signs the public URL it calls; behind a proxy that differs from
        # the URL the request arrives at, so it can be configured.
        self.webhook_url = webhook_url

    async def is_authentic(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.webhook_url or request.url
        # Twilio signs every parameter, empty ones too; Sanic's request.form drops those.
        params = RequestParameters(parse_qs(request.body.decode(), keep_blank_values=True))
        return bool(signature) and RequestValidator(self.auth_token).validate(
            url, params, signature
        )

    def get_output_channel(self) -> SmsReplies:
        return SmsReplies(self.account_sid, self.auth_token, self.twilio_number, self.api_url)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        """A "Y" or "N" right after a document answer reaches Rasa as the vote's payload."""
        return super().blueprint(votes_by_letter(on_new_message))
