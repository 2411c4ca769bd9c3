"""Microsoft Teams via Bot Framework (/webhooks/botframework/webhook).

Rasa's connector fetches Microsoft's signing keys at start-up (so the server
cannot start offline), and of the checks Microsoft requires of a bot it does
only the signature and the audience; it lets the token header choose the
algorithm and accepts tokens without expiry. A token for one conversation's
serviceUrl could then be replayed with another serviceUrl, and the bot would
send its own OAuth token to that address. Here, before any handling, the
Bearer JWT must be RS256-signed by a key from Bot Framework's OpenID metadata
that is endorsed for the activity's channelId, have issuer
https://api.botframework.com, audience TEAMS_APP_ID, an unexpired exp (five
minutes of clock skew) and a serviceurl claim equal to the activity's
serviceUrl. Keys are fetched on first use and refreshed daily (or when an
unknown key id appears, at most every five minutes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from http import HTTPStatus
from typing import Any, ClassVar

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt import InvalidKeyError, PyJWTError
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import (
    BEARER_REGEX,
    MICROSOFT_OAUTH2_PATH,
    MICROSOFT_OAUTH2_URL,
    MICROSOFT_OPEN_ID_URI,
    BotFramework,
    BotFrameworkInput,
)
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.formatting import Choice, FittedReplies
from channels.guarantee import GuaranteedReplyMixin, MessageHandler, ReplyNotDelivered
from channels.verification import VerifiedWebhookMixin

logger = logging.getLogger(__name__)

TOKEN_URL = f"{MICROSOFT_OAUTH2_URL}/{MICROSOFT_OAUTH2_PATH}"
ISSUER = "https://api.botframework.com"
TOKEN_SCOPE = "https://api.botframework.com/.default"
CLOCK_SKEW_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
UNKNOWN_KEY_RETRY_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10
HERO_CARD = "application/vnd.microsoft.card.hero"


class SigningKeys:
    """Bot Framework's public signing keys (JWKS), fetched lazily and cached."""

    def __init__(self, openid_url: str) -> None:
        self.openid_url = openid_url
        self.keys: dict[str, dict[str, Any]] = {}
        self.fetched_at = float("-inf")

    def _fetch(self) -> None:
        metadata = requests.get(self.openid_url, timeout=HTTP_TIMEOUT_SECONDS)
        metadata.raise_for_status()
        jwks = requests.get(metadata.json()["jwks_uri"], timeout=HTTP_TIMEOUT_SECONDS)
        jwks.raise_for_status()
        self.keys = {key["kid"]: key for key in jwks.json()["keys"]}
        self.fetched_at = time.monotonic()

    async def get(self, key_id: str) -> dict[str, Any] | None:
        age = time.monotonic() - self.fetched_at
        if age > KEYS_MAX_AGE_SECONDS or (
            key_id not in self.keys and age > UNKNOWN_KEY_RETRY_SECONDS
        ):
            try:
                await asyncio.to_thread(self._fetch)
            except (requests.RequestException, KeyError, ValueError):
                logger.exception("Could not fetch Bot Framework keys from %s.", self.openid_url)
        return self.keys.get(key_id)


class TeamsReplies(FittedReplies, BotFramework):
    """Posts activities to the conversation; choices become a hero card's buttons."""

    # Teams takes about 28 KB per message; 7,000 characters fit even at 4 bytes each.
    max_length = 7000
    _tokens: ClassVar[dict[tuple[str, str], tuple[dict[str, str], float]]] = {}

    def __init__(
        self,
        app_id: str,
        app_password: str,
        conversation: dict[str, Any],
        bot: dict[str, Any],
        service_url: str,
        token_url: str = TOKEN_URL,
    ) -> None:
        # Rasa annotates bot as str, but it is the activity's recipient object (Rasa's own
        # webhook passes postdata["recipient"]) and is sent back as the reply's "from".
        super().__init__(app_id, app_password, conversation, bot, service_url)  # type: ignore[arg-type]
        self.token_url = token_url

    async def _get_headers(self) -> dict[str, str] | None:
        """The bot's OAuth token from TEAMS_TOKEN_URL, cached until shortly before expiry."""
        cache_key = (self.token_url, self.app_id)
        headers, valid_until = self._tokens.get(cache_key, ({}, 0.0))
        if time.monotonic() < valid_until:
            return headers
        form = {
            "client_id": self.app_id,
            "client_secret": self.app_password,
            "grant_type": "client_credentials",
            "scope": TOKEN_SCOPE,
        }
        reply = await asyncio.to_thread(
            requests.post, self.token_url, data=form, timeout=HTTP_TIMEOUT_SECONDS
        )
        if not reply.ok:
            logger.error("Could not get a Bot Framework token: HTTP %s", reply.status_code)
            return None
        token = reply.json()
        headers = {
            "content-type": "application/json",
            "Authorization": f"Bearer {token['access_token']}",
        }
        expires_in = int(token["expires_in"]) - 60
        self._tokens[cache_key] = (headers, time.monotonic() + expires_in)
        return headers

    async def send(self, message_data: dict[str, Any]) -> None:
        """Post an activity; Rasa's own send only logs a refusal, and blocks the loop."""
        headers = await self._get_headers()
        if headers is None:
            raise ReplyNotDelivered("no Bot Framework token")
        uri = f"{self.global_uri}conversations/{self.conversation['id']}/activities"
        reply = await asyncio.to_thread(
            requests.post, uri, headers=headers, json=message_data, timeout=HTTP_TIMEOUT_SECONDS
        )
        if not reply.ok:
            raise ReplyNotDelivered(f"the Bot Framework answered HTTP {reply.status_code}")

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.send(self.prepare_message(recipient_id, {"text": text}))

    async def send_choices(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        buttons = [
            {
                "type": "messageBack",
                "title": choice["title"],
                "text": choice["payload"],
                "displayText": choice["title"],
            }
            for choice in choices
        ]
        card = {"contentType": HERO_CARD, "content": {"text": text, "buttons": buttons}}
        await self.send(self.prepare_message(recipient_id, {"attachments": [card]}))


class TeamsWebhook(BotFrameworkInput):
    """The webhook routes; verification is VerifiedWebhookMixin's (TeamsChannel)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsWebhook:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["app_id"],
            credentials["app_password"],
            token_url=credentials.get("token_url", TOKEN_URL),
            openid_url=credentials.get("openid_url", MICROSOFT_OPEN_ID_URI),
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        token_url: str = TOKEN_URL,
        openid_url: str = MICROSOFT_OPEN_ID_URI,
    ) -> None:
        # Not calling Rasa's __init__: it downloads the keys at start-up.
        self.app_id = app_id
        self.app_password = app_password
        self.token_url = token_url
        self.signing_keys = SigningKeys(openid_url)

    def _user_message(self, activity: dict[str, Any], request: Request) -> UserMessage:
        out_channel = TeamsReplies(
            self.app_id,
            self.app_password,
            activity["conversation"],
            activity["recipient"],
            activity["serviceUrl"],
            self.token_url,
        )
        return UserMessage(
            text=activity.get("text", ""),
            output_channel=out_channel,
            sender_id=activity["from"]["id"],
            input_channel=self.name(),
            metadata=self.add_attachments_to_metadata(activity, self.get_metadata(request)),
        )

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        botframework_webhook = Blueprint("botframework_webhook", __name__)

        @botframework_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @botframework_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            activity = request.json
            if activity.get("type") == "message":
                await on_new_message(self._user_message(activity, request))
            return response.text("success")

        return botframework_webhook


class TeamsChannel(GuaranteedReplyMixin, VerifiedWebhookMixin, TeamsWebhook):
    """Teams channel refusing (401) activities without a valid Bot Framework token."""

    refusal_status = HTTPStatus.UNAUTHORIZED

    async def _claims(self, token: str, channel_id: str | None) -> dict[str, Any]:
        key_id = jwt.get_unverified_header(token).get("kid", "")
        key = await self.signing_keys.get(key_id)
        if key is None:
            raise InvalidKeyError(f"unknown signing key {key_id!r}")
        if "endorsements" in key and channel_id not in key["endorsements"]:
            raise InvalidKeyError(f"key {key_id!r} is not endorsed for {channel_id!r}")
        public_key = RSAAlgorithm.from_jwk(key)
        # from_jwk builds a private key from a JWK with private parts; it cannot verify.
        if not isinstance(public_key, RSAPublicKey):
            raise InvalidKeyError(f"key {key_id!r} is not a public key")
        return jwt.decode(
            token,
            key=public_key,
            algorithms=["RS256"],
            audience=self.app_id,
            issuer=ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )

    async def is_authentic(self, request: Request) -> bool:
        bearer = BEARER_REGEX.match(request.headers.get("Authorization", ""))
        activity = request.json
        if not bearer or not isinstance(activity, dict):
            return False
        try:
            claims = await self._claims(bearer.group(1), activity.get("channelId"))
        except PyJWTError as error:
            logger.warning("Refused a Bot Framework token: %s", error)
            return False
        return claims.get("serviceurl") == activity.get("serviceUrl")
