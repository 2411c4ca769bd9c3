"""Long replies are split at each channel's limit without cutting the disclaimer.

The output classes are the real ones, sending through the real provider client
libraries to the fake provider APIs.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.content import load_content
from channels.facebook import FacebookWebhook
from channels.formatting import split_reply
from channels.telegram import TelegramReplies
from channels.twilio import SmsReplies
from tests.channels.fake_providers import FakeProviders
from tests.channels.providers import SECRETS

CONTENT = load_content()
DISCLAIMER = CONTENT.disclaimer
ANSWERS = " ".join(topic.answer for topic in CONTENT.topics.values() if topic.answer)
LONG_TEXT = "\n".join([ANSWERS] * 6) + "\n" + DISCLAIMER
CHOICES = [
    {"title": CONTENT.topics[topic].title, "payload": CONTENT.topics[topic].payload}
    for topic in CONTENT.main_topics[:3]
]
LIMITS = {"sms": 1600, "messenger": 2000, "telegram": 4096}


def words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("limit", LIMITS.values(), ids=LIMITS.keys())
def test_split_at_sentences_with_the_whole_disclaimer_on_every_part(limit: int) -> None:
    parts = split_reply(LONG_TEXT, limit, DISCLAIMER)
    assert len(parts) > 1
    bodies = [part.removesuffix(f"\n{DISCLAIMER}") for part in parts]
    assert all(len(part) <= limit and part.endswith(f"\n{DISCLAIMER}") for part in parts)
    assert all(body.endswith(".") for body in bodies), "cut inside a sentence"
    assert words(" ".join(bodies)) == words(LONG_TEXT.removesuffix(DISCLAIMER))


@given(
    st.lists(st.text(alphabet="abc .!?\n", min_size=1, max_size=300), min_size=1, max_size=30),
    st.integers(min_value=len(DISCLAIMER) + 2, max_value=2000),
)
def test_split_never_loses_text_or_exceeds_the_limit(chunks: list[str], limit: int) -> None:
    text = "".join(chunks) + "\n" + DISCLAIMER
    parts = split_reply(text, limit, DISCLAIMER)
    assert all(len(part) <= limit and part.endswith(DISCLAIMER) for part in parts)
    bodies = "".join(part.removesuffix(DISCLAIMER) for part in parts)
    # Whitespace at the cuts may change; every other character stays, in order.
    assert "".join(words(bodies)) == "".join(words(text.removesuffix(DISCLAIMER)))


def test_a_short_reply_is_one_part() -> None:
    text = f"{ANSWERS[:200]}\n{DISCLAIMER}"
    assert split_reply(text, 1600, DISCLAIMER) == [text]


def send(output, recipient: str) -> None:
    """Send a long reply with choices through a real output channel."""

    async def deliver() -> None:
        await output.send_response(recipient, {"text": LONG_TEXT, "buttons": CHOICES})
        if isinstance(output, TelegramReplies):
            await output.session.close()

    asyncio.run(deliver())


def test_sms_parts_fit_and_only_the_last_lists_the_choices(fake: FakeProviders) -> None:
    account = SECRETS["TWILIO_ACCOUNT_SID"]
    sms = SmsReplies(account, "token", SECRETS["TWILIO_NUMBER"], f"{fake.url}/twilio")
    send(sms, "+15550100099")
    bodies = [
        call.body["Body"] for call in fake.matching(lambda c: c.body.get("To") == "+15550100099")
    ]
    assert len(bodies) > 1
    assert all(len(body) <= 1600 and body.endswith(DISCLAIMER) for body in bodies)
    assert "Reply 1, 2 or 3" in bodies[-1]
    assert not any("Reply 1" in body for body in bodies[:-1])


def test_messenger_parts_fit_and_only_the_last_has_quick_replies(fake: FakeProviders) -> None:
    webhook = FacebookWebhook("verify", "secret", "token", api_url=f"{fake.url}/facebook")
    send(webhook.get_output_channel(), "PSID-LONG")
    messages = [
        call.body["message"]
        for call in fake.matching(lambda c: c.body.get("recipient", {}).get("id") == "PSID-LONG")
    ]
    assert len(messages) > 1
    assert all(len(m["text"]) <= 2000 and m["text"].endswith(DISCLAIMER) for m in messages)
    assert [("quick_replies" in message) for message in messages] == [False] * (
        len(messages) - 1
    ) + [True]


def test_telegram_parts_fit_and_only_the_last_has_the_keyboard(fake: FakeProviders) -> None:
    telegram = TelegramReplies(SECRETS["TELEGRAM_TOKEN"], "secret", f"{fake.url}/telegram")
    send(telegram, "2220099")
    messages = [call.body for call in fake.matching(lambda c: c.body.get("chat_id") == "2220099")]
    assert len(messages) > 1
    assert all(len(m["text"]) <= 4096 and m["text"].endswith(DISCLAIMER) for m in messages)
    keyboards = [json.loads(m["reply_markup"]) if "reply_markup" in m else None for m in messages]
    assert keyboards[:-1] == [None] * (len(messages) - 1)
    assert len(keyboards[-1]["inline_keyboard"]) == len(CHOICES)
