"""Votes on document answers on every messaging channel, stored as the insights page
reads them: a user event with intent ``feedback`` and the vote's entities, next to
the answer's bot event whose metadata names the reply and its topic.

SMS and WhatsApp vote by replying Y or N, Slack, Telegram and Teams with their
native buttons (Telegram's carry a short form: its button data holds 64 bytes).
"""

from __future__ import annotations

import json
import sqlite3
import time
from urllib.parse import urlencode

import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from actions.votes import Vote
from channels.feedback import short_vote
from tests.channels.fake_providers import FakeProviders
from tests.channels.providers import SECRETS, payload, slack_headers, teams_token
from tests.channels.test_channels import (
    ASKED,
    CHOSEN,
    CONTENT,
    DISCLAIMER,
    QUESTION,
    assert_reply,
    post_slack_event,
    post_teams,
    post_telegram,
    post_twilio,
    service_url,
    slack_event,
    slack_url,
    sms,
    teams_activity,
    telegram_update,
    to_chat,
    to_conversation,
    to_phone,
    to_slack,
)
from tests.stack import Stack

THANKS = f"{CONTENT.message('feedback_thanks')}\n{DISCLAIMER}"
TELEGRAM_DATA_LIMIT = 64  # bytes of an inline button's callback_data


def stored_votes(stack: Stack, channel: str, count: int = 1) -> list[dict]:
    """The feedback events of a channel's conversations, once there are `count`: the text
    Rasa stored, the vote's entities, and the reply and topic of the conversation's bot
    events up to it. Rasa stores a turn after sending its replies, hence the wait."""
    deadline = time.monotonic() + 30
    while len(votes := _stored_votes(stack, channel)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return votes


def _stored_votes(stack: Stack, channel: str) -> list[dict]:
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute(
            "SELECT sender_id, id, data FROM events WHERE type_name = 'user'"
            " AND intent_name = 'feedback' ORDER BY id"
        ).fetchall()
        votes = []
        for sender_id, event_id, data in rows:
            event = json.loads(data)
            if event.get("input_channel") != channel:
                continue
            bots = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' AND id < ?"
                " ORDER BY id",
                (sender_id, event_id),
            ).fetchall()
            entities = event["parse_data"]["entities"]
            votes.append(
                {
                    "text": event["text"],
                    "entities": {e["entity"]: e["value"] for e in entities},
                    "replies": [reply_of(json.loads(bot)) for (bot,) in bots],
                }
            )
    return votes


def reply_of(bot_event: dict) -> dict[str, str]:
    """What a bot message's metadata says it was (the contract the insights page reads)."""
    return {k: v for k, v in bot_event["metadata"].items() if k in ("reply", "topic")}


def vote_entities(topic: str, value: str) -> dict[str, str]:
    return {"feedback_topic": topic, "feedback_value": value}


def assert_thanked_again_with_the_same_numbers(body: str) -> None:
    """The thanks lists the answer's topics again with their numbers, but asks no Y/N."""
    assert body.startswith(CONTENT.message("feedback_thanks"))
    assert "Reply 1, 2 or 3" in body
    assert CONTENT.message("reply_yes_no") not in body
    assert body.endswith(DISCLAIMER)


def test_sms_y_and_n_after_an_answer_are_votes_and_2_still_picks_the_second_topic(
    stack: Stack, fake: FakeProviders
) -> None:
    patient = "+15550100021"

    def reply(number: int) -> str:
        return fake.wait_for(to_phone(patient), number)[number - 1].body["Body"]

    assert post_twilio(stack, sms(patient, QUESTION)).status_code == 204
    assert CONTENT.message("reply_yes_no") in reply(1)
    assert post_twilio(stack, sms(patient, "Y")).status_code == 204
    assert_thanked_again_with_the_same_numbers(reply(2))
    assert post_twilio(stack, sms(patient, "2")).status_code == 204
    assert_reply(reply(3), CHOSEN)
    assert post_twilio(stack, sms(patient, "no")).status_code == 204
    assert_thanked_again_with_the_same_numbers(reply(4))

    up, down = stored_votes(stack, "twilio", count=2)
    assert up["text"] == Vote(ASKED, "up").payload
    assert up["entities"] == vote_entities(ASKED, "up")
    assert up["replies"][-1] == {"reply": "answer", "topic": ASKED}
    assert down["entities"] == vote_entities(CHOSEN, "down")
    assert down["replies"][-2:] == [
        {"reply": "feedback_thanks"},
        {"reply": "answer", "topic": CHOSEN},
    ]

    # After the thanks (not an answer) "yes" is an ordinary message, not a vote.
    assert post_twilio(stack, sms(patient, "yes")).status_code == 204
    assert not reply(5).startswith(CONTENT.message("feedback_thanks"))
    assert len(stored_votes(stack, "twilio")) == 2


def test_whatsapp_no_after_an_answer_is_a_down_vote(stack: Stack, fake: FakeProviders) -> None:
    patient = "whatsapp:+15550100022"
    assert post_twilio(stack, sms(patient, QUESTION, "twilio_whatsapp")).status_code == 204
    fake.wait_for(to_phone(patient))
    assert post_twilio(stack, sms(patient, " No. ", "twilio_whatsapp")).status_code == 204
    assert_thanked_again_with_the_same_numbers(fake.wait_for(to_phone(patient), 2)[1].body["Body"])
    # The SMS test's two votes came first.
    assert stored_votes(stack, "twilio", count=3)[2]["entities"] == vote_entities(ASKED, "down")


def test_slack_feedback_buttons_record_a_vote(stack: Stack, fake: FakeProviders) -> None:
    assert post_slack_event(stack, slack_event("D0VOTE")).status_code == 200
    (reply,) = fake.wait_for(to_slack("D0VOTE"))
    votes_block = reply.body["blocks"][-1]
    press = payload("slack_block_actions")
    press["user"]["id"] = "UD0VOTE"
    press["channel"]["id"] = press["container"]["channel_id"] = "D0VOTE"
    press["actions"][0].update(action_id="feedback-2", value=votes_block["elements"][1]["value"])
    body = urlencode({"payload": json.dumps(press)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_headers(body)}
    assert requests.post(slack_url(stack), data=body, headers=headers, timeout=30).ok
    assert fake.wait_for(to_slack("D0VOTE"), 2)[1].body["text"] == THANKS
    (vote,) = stored_votes(stack, "slack")
    assert vote["entities"] == vote_entities(ASKED, "down")
    assert vote["replies"][-1] == {"reply": "answer", "topic": ASKED}


def test_telegram_vote_buttons_carry_a_short_form_that_is_stored_as_the_vote(
    stack: Stack, fake: FakeProviders
) -> None:
    secret = SECRETS["TELEGRAM_SECRET_TOKEN"]
    assert post_telegram(stack, telegram_update(2220021), secret).status_code == 200
    (reply,) = fake.wait_for(to_chat(2220021))
    vote_row = json.loads(reply.body["reply_markup"])["inline_keyboard"][-1]
    assert [button["callback_data"] for button in vote_row] == [
        f"vote:up:{ASKED}",
        f"vote:down:{ASKED}",
    ]

    press = telegram_update(2220021, "telegram_callback_query")
    press["callback_query"]["data"] = vote_row[0]["callback_data"]
    assert post_telegram(stack, press, secret).status_code == 200
    assert fake.wait_for(to_chat(2220021), 2)[1].body["text"] == THANKS
    (vote,) = stored_votes(stack, "telegram")
    assert vote["text"] == Vote(ASKED, "up").payload
    assert vote["entities"] == vote_entities(ASKED, "up")


def test_every_telegram_vote_button_fits_its_64_bytes() -> None:
    for topic_id in CONTENT.topics:
        for value in ("up", "down"):
            data = short_vote(Vote(topic_id, value).payload)
            assert data is not None and len(data.encode()) <= TELEGRAM_DATA_LIMIT, data


def test_teams_feedback_buttons_record_a_vote(
    stack: Stack, fake: FakeProviders, teams_key: RSAPrivateKey
) -> None:
    token = teams_token(teams_key, service_url(fake))
    assert post_teams(stack, teams_activity(fake, "a:1VOTE"), token).status_code == 200
    (reply,) = fake.wait_for(to_conversation("a:1VOTE"))
    down = reply.body["attachments"][0]["content"]["buttons"][-1]
    assert down["title"] == CONTENT.message("feedback_down")

    press = teams_activity(fake, "a:1VOTE", text=down["text"])
    assert post_teams(stack, press, token).status_code == 200
    thanks = fake.wait_for(to_conversation("a:1VOTE"), 2)[1].body
    assert thanks["attachments"][0]["content"]["text"] == THANKS
    (vote,) = stored_votes(stack, "botframework")
    assert vote["entities"] == vote_entities(ASKED, "down")
