"""Telegram (/webhooks/telegram/webhook) with the webhook secret token checked.

Rasa's Telegram connector accepts any POSTed update (its only "check" compares
the bot's own name with itself). Here the webhook is registered with
TELEGRAM_SECRET_TOKEN, Telegram sends it back in X-Telegram-Bot-Api-Secret-Token
on every update, and requests without it are refused before any handling.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from aiohttp import ClientError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint
from sanic.request import Request

from channels.feedback import expanding_short_votes, short_vote
from channels.formatting import Choice, FittedReplies, split_choices
from channels.guarantee import GuaranteedReplyMixin, MessageHandler
from channels.verification import VerifiedWebhookMixin

TELEGRAM_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramReplies(FittedReplies, TelegramOutput):
    """Sends messages; choices become an inline keyboard, one button per row."""

    max_length = 4096  # Telegram's limit for one message

    def __init__(self, access_token: str, secret_token: str, api_url: str = TELEGRAM_API_URL):
        # TelegramOutput.__init__ cannot choose the API server, so call Bot's directly.
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))
        self.secret_token = secret_token

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self.send_message(recipient_id, text)

    async def send_choices(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        """Topics one per row; under an answer, thumbs up and down side by side in a last
        row, whose button data is the vote's short form (a payload is too long for it)."""
        topics, votes = split_choices(choices)
        rows = [
            [InlineKeyboardButton(choice["title"], callback_data=choice["payload"])]
            for choice in topics
        ]
        if votes:
            rows.append(
                [
                    InlineKeyboardButton(vote["title"], callback_data=short_vote(vote["payload"]))
                    for vote in votes
                ]
            )
        keyboard = InlineKeyboardMarkup(inline_keyboard=rows)
        await self.send_message(recipient_id, text, reply_markup=keyboard)

    async def set_webhook(self, url: str, **_: Any) -> bool:
        """Register the webhook, always with the secret token Telegram must send back."""
        registered: bool = await self.request(
            "setWebhook", {"url": url, "secret_token": self.secret_token}
        )
        return registered


class TelegramChannel(GuaranteedReplyMixin, VerifiedWebhookMixin, TelegramInput):
    """Rasa's Telegram channel, refusing updates without the webhook's secret token.

    Rasa's /webhooks/telegram/set_webhook route stays, but needs the secret
    header too (an operator can re-register the webhook; nobody else can).
    """

    # Optional in Rasa's TelegramInput; this channel's constructor requires both.
    access_token: str
    webhook_url: str

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["access_token"],
            credentials["verify"],
            credentials["webhook_url"],
            credentials["secret_token"],
            api_url=credentials.get("api_url", TELEGRAM_API_URL),
        )

    def __init__(
        self,
        access_token: str,
        verify: str,
        webhook_url: str,
        secret_token: str,
        api_url: str = TELEGRAM_API_URL,
    ) -> None:
        super().__init__(access_token, verify, webhook_url)
        self.secret_token = secret_token
        self.api_url = api_url

    async def is_authentic(self, request: Request) -> bool:
        sent = request.headers.get(SECRET_HEADER, "").encode()
        return hmac.compare_digest(sent, self.secret_token.encode())

    def get_output_channel(self) -> TelegramReplies:
        # Unlike Rasa's, this has no side effect: the webhook is registered once, below.
        return TelegramReplies(self.access_token, self.secret_token, self.api_url)

    async def _register_webhook(self) -> None:
        bot = self.get_output_channel()
        try:
            await bot.set_webhook(self.webhook_url)
        except (TelegramAPIError, ClientError) as error:
            raise RasaException(f"Failed to register the Telegram webhook: {error}") from error
        finally:
            await bot.session.close()

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        """Register the webhook (with its secret) at start-up, before serving; a pressed
        vote button's short form reaches Rasa as the vote's payload."""
        asyncio.run(self._register_webhook())
        return super().blueprint(expanding_short_votes(on_new_message))
