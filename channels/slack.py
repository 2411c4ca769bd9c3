"""Slack (/webhooks/slack/webhook) with the reply guarantee and native buttons.

Rasa's Slack connector already verifies X-Slack-Signature (HMAC-SHA256 over
the timestamp and body, constant-time compare, requests older than five
minutes refused). Here the same check also runs as middleware before any
handler code, and refusals are 403 instead of Rasa's 400.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.slack import SlackBot, SlackInput
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from actions.content import load_content
from channels.formatting import Choice, FittedReplies, split_choices
from channels.guarantee import GuaranteedReplyMixin
from channels.verification import VerifiedWebhookMixin

SLACK_API_URL = AsyncWebClient.BASE_URL
BUTTON_TITLE_LIMIT = 75  # Slack's limit for a button's text


def block_buttons(choices: list[Choice], kind: str) -> list[dict[str, Any]]:
    """Block Kit buttons whose value is the choice's payload (sent back when pressed)."""
    return [
        {
            "type": "button",
            "action_id": f"{kind}-{number}",
            "text": {"type": "plain_text", "text": choice["title"][:BUTTON_TITLE_LIMIT]},
            "value": choice["payload"],
        }
        for number, choice in enumerate(choices, start=1)
    ]


class SlackReplies(FittedReplies, SlackBot):
    """Posts with chat.postMessage; choices become a Block Kit actions block."""

    max_length = 3000  # the limit of a section block's text

    def __init__(
        self,
        token: str,
        slack_channel: str | None,
        thread_id: str | None,
        proxy: str | None,
        api_url: str = SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)

    async def send_part(self, recipient_id: str, text: str) -> None:
        await self._post_message(channel=self.slack_channel or recipient_id, text=text)

    async def send_choices(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        """The text, its topic buttons, and under an answer "Was this helpful?" with
        the feedback buttons in a block of their own."""
        topics, votes = split_choices(choices)
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "plain_text", "text": text}}
        ]
        if topics:
            blocks.append({"type": "actions", "elements": block_buttons(topics, "choice")})
        if votes:
            question = load_content().message("feedback_question")
            blocks.append(
                {"type": "context", "elements": [{"type": "plain_text", "text": question}]}
            )
            blocks.append({"type": "actions", "elements": block_buttons(votes, "feedback")})
        await self._post_message(
            channel=self.slack_channel or recipient_id, text=text, blocks=blocks
        )


class SlackChannel(GuaranteedReplyMixin, VerifiedWebhookMixin, SlackInput):
    """Rasa's Slack channel; the API URL is configurable (SLACK_API_URL) for tests."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["slack_token"],
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            slack_signing_secret=credentials["slack_signing_secret"],
            api_url=credentials.get("api_url", SLACK_API_URL),
        )

    def __init__(self, *args: Any, api_url: str = SLACK_API_URL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = api_url

    async def is_authentic(self, request: Request) -> bool:
        return self.is_request_from_slack_authentic(request)

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> SlackReplies:
        return SlackReplies(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )
