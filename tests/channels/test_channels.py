"""Every messaging channel end to end: recorded webhook payloads posted to a real
Rasa server (all channels on, test secrets), replies captured at the fake
provider APIs. Valid requests get the approved answer with the disclaimer and
native buttons; forged, unsigned or stale ones are refused and produce nothing.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from actions.content import load_content
from actions.votes import Vote
from channels.facebook import short_title
from channels.guarantee import service_unavailable_text
from privacy.settings import InputLimits
from tests.channels.fake_providers import Call, FakeProviders
from tests.channels.providers import (
    SECRETS,
    facebook_signature,
    payload,
    slack_headers,
    teams_token,
    twilio_signature,
)
from tests.stack import Stack, first_sentences

CONTENT = load_content()
DISCLAIMER = CONTENT.disclaimer
QUESTION = "What is a spine MRI?"
ASKED = "what_is_spine_mri"
OFFERED = CONTENT.topics[ASKED].related
CHOSEN = OFFERED[1]  # the patient picks the second offered topic
REFUSAL_GRACE_SECONDS = 0.5
MAX_MESSAGE_CHARS = InputLimits.from_env({}).max_message_chars


def answer(topic_id: str) -> str:
    return CONTENT.answer_text(CONTENT.topics[topic_id])


def assert_reply(text: str, topic_id: str) -> None:
    """The approved answer of the topic, ending with the whole disclaimer."""
    assert text.startswith(answer(topic_id)), text
    assert text.endswith(DISCLAIMER), text


def offered(attribute: str) -> list[str]:
    return [getattr(CONTENT.topics[topic_id], attribute) for topic_id in OFFERED]


# The feedback buttons after a document answer's topic buttons (actions/votes.py).
VOTE_TITLES = [CONTENT.message("feedback_up"), CONTENT.message("feedback_down")]


def vote_payloads(topic_id: str) -> list[str]:
    return [Vote(topic_id, "up").payload, Vote(topic_id, "down").payload]


def assert_nothing_sent(fake: FakeProviders, predicate: Callable[[Call], bool]) -> None:
    time.sleep(REFUSAL_GRACE_SECONDS)
    assert fake.matching(predicate) == []


# --- Slack ------------------------------------------------------------------


def slack_url(stack: Stack) -> str:
    return f"{stack.url}/webhooks/slack/webhook"


def post_slack_event(stack: Stack, event: dict, **signing: object) -> requests.Response:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", **slack_headers(body, **signing)}
    return requests.post(slack_url(stack), data=body, headers=headers, timeout=30)


def slack_event(channel: str, text: str = QUESTION) -> dict:
    event = payload("slack_message")
    event["event"].update(channel=channel, text=text, user=f"U{channel}")
    return event


def to_slack(channel: str) -> Callable[[Call], bool]:
    return lambda call: call.path.endswith("/chat.postMessage") and call.body["channel"] == channel


def test_slack_answers_with_block_buttons_and_takes_a_button_press(
    stack: Stack, fake: FakeProviders
) -> None:
    assert post_slack_event(stack, slack_event("D0ONE")).status_code == 200
    (reply,) = fake.wait_for(to_slack("D0ONE"))
    assert reply.headers["Authorization"] == f"Bearer {SECRETS['SLACK_TOKEN']}"
    assert_reply(reply.body["text"], ASKED)
    section, actions, question, votes = reply.body["blocks"]
    assert section["text"]["text"] == reply.body["text"]
    assert [button["text"]["text"] for button in actions["elements"]] == offered("title")
    assert [button["value"] for button in actions["elements"]] == offered("payload")
    assert question["elements"][0]["text"] == CONTENT.message("feedback_question")
    assert [button["value"] for button in votes["elements"]] == vote_payloads(ASKED)

    press = payload("slack_block_actions")
    press["user"]["id"] = "UD0ONE"
    press["channel"]["id"] = press["container"]["channel_id"] = "D0ONE"
    press["actions"][0]["value"] = actions["elements"][1]["value"]
    body = urlencode({"payload": json.dumps(press)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_headers(body)}
    assert requests.post(slack_url(stack), data=body, headers=headers, timeout=30).ok
    assert_reply(fake.wait_for(to_slack("D0ONE"), count=2)[1].body["text"], CHOSEN)


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "not-the-signing-secret"},
        {"timestamp": int(time.time()) - 10 * 60},
    ],
    ids=["forged", "stale"],
)
def test_slack_refuses_forged_and_stale_requests(
    stack: Stack, fake: FakeProviders, signing: dict
) -> None:
    channel = f"D0{'FORGED' if 'secret' in signing else 'STALE'}"
    assert post_slack_event(stack, slack_event(channel), **signing).status_code == 403
    assert_nothing_sent(fake, to_slack(channel))


def test_slack_refuses_unsigned_requests(stack: Stack, fake: FakeProviders) -> None:
    refused = requests.post(slack_url(stack), json=slack_event("D0UNSIGNED"), timeout=30)
    assert refused.status_code == 403
    assert_nothing_sent(fake, to_slack("D0UNSIGNED"))


# --- Facebook Messenger -----------------------------------------------------


def facebook_url(stack: Stack) -> str:
    return f"{stack.url}/webhooks/facebook/webhook"


def facebook_event(sender: str, name: str = "facebook_message") -> dict:
    event = payload(name)
    event["entry"][0]["messaging"][0]["sender"]["id"] = sender
    return event


def post_facebook(stack: Stack, event: dict, headers: Callable[[bytes], dict]) -> requests.Response:
    body = json.dumps(event).encode()
    all_headers = {"Content-Type": "application/json", **headers(body)}
    return requests.post(facebook_url(stack), data=body, headers=all_headers, timeout=30)


def signed(body: bytes) -> dict:
    return {"X-Hub-Signature-256": facebook_signature(body)}


def to_messenger(sender: str) -> Callable[[Call], bool]:
    return lambda call: (
        call.path == "/facebook/me/messages"
        and call.body["recipient"]["id"] == sender
        and "message" in call.body
    )


def test_messenger_answers_with_quick_replies_and_takes_a_quick_reply(
    stack: Stack, fake: FakeProviders
) -> None:
    assert post_facebook(stack, facebook_event("PSID1"), signed).status_code == 200
    (reply,) = fake.wait_for(to_messenger("PSID1"))
    assert reply.query["access_token"] == SECRETS["FACEBOOK_PAGE_ACCESS_TOKEN"]
    message = reply.body["message"]
    assert_reply(message["text"], ASKED)
    assert [choice["title"] for choice in message["quick_replies"]] == [
        short_title(title) for title in [*offered("title"), *VOTE_TITLES]
    ]
    assert all(len(choice["title"]) <= 20 for choice in message["quick_replies"])
    assert [choice["payload"] for choice in message["quick_replies"]] == [
        *offered("payload"),
        *vote_payloads(ASKED),
    ]

    press = facebook_event("PSID1", "facebook_quick_reply")
    chosen = message["quick_replies"][1]
    press["entry"][0]["messaging"][0]["message"].update(
        text=chosen["title"], quick_reply={"payload": chosen["payload"]}
    )
    assert post_facebook(stack, press, signed).status_code == 200
    assert_reply(fake.wait_for(to_messenger("PSID1"), count=2)[1].body["message"]["text"], CHOSEN)


@pytest.mark.parametrize(
    "headers",
    [
        lambda body: {"X-Hub-Signature-256": facebook_signature(body, secret="wrong")},
        lambda body: {"X-Hub-Signature": facebook_signature(body, algorithm="sha1")},
        lambda body: {},
    ],
    ids=["forged", "legacy-sha1-only", "unsigned"],
)
def test_messenger_refuses_with_403(
    stack: Stack, fake: FakeProviders, headers: Callable[[bytes], dict]
) -> None:
    assert post_facebook(stack, facebook_event("PSID-FORGED"), headers).status_code == 403
    assert_nothing_sent(fake, lambda call: "PSID-FORGED" in json.dumps(call.body))


def test_messenger_webhook_verification(stack: Stack) -> None:
    def verify(token: str) -> requests.Response:
        query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
        return requests.get(facebook_url(stack), params=query, timeout=30)

    accepted = verify(SECRETS["FACEBOOK_VERIFY"])
    assert (accepted.status_code, accepted.text) == (200, "1158201444")
    assert verify("wrong-verify-token").status_code == 403


# --- Twilio SMS and WhatsApp ------------------------------------------------


def twilio_url(stack: Stack) -> str:
    return f"{stack.url}/webhooks/twilio/webhook"


def post_twilio(
    stack: Stack, form: dict[str, str], signature: str | None = None
) -> requests.Response:
    signature = twilio_signature(twilio_url(stack), form) if signature is None else signature
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return requests.post(twilio_url(stack), data=form, headers=headers, timeout=30)


def sms(sender: str, text: str, name: str = "twilio_sms") -> dict[str, str]:
    form = payload(name)
    form.update(From=sender, Body=text)
    return form


def to_phone(number: str) -> Callable[[Call], bool]:
    path = f"/twilio/2010-04-01/Accounts/{SECRETS['TWILIO_ACCOUNT_SID']}/Messages.json"
    return lambda call: call.path == path and call.body["To"] == number


def test_sms_numbered_choice_two_turn_conversation(stack: Stack, fake: FakeProviders) -> None:
    patient = "+15550100011"
    assert post_twilio(stack, sms(patient, QUESTION)).status_code == 204
    (first,) = fake.wait_for(to_phone(patient))
    credentials = f"{SECRETS['TWILIO_ACCOUNT_SID']}:{SECRETS['TWILIO_AUTH_TOKEN']}"
    assert (
        first.headers["Authorization"] == f"Basic {base64.b64encode(credentials.encode()).decode()}"
    )
    assert first.body["From"] == SECRETS["TWILIO_NUMBER"]
    numbered = [f"{number}. {title}" for number, title in enumerate(offered("title"), start=1)]
    yes_no = "Reply Y if this helped, N if not"
    expected = "\n".join([answer(ASKED), *numbered, "Reply 1, 2 or 3", yes_no, DISCLAIMER])
    assert first.body["Body"] == expected

    assert post_twilio(stack, sms(patient, "2")).status_code == 204
    second = fake.wait_for(to_phone(patient), count=2)[1]
    assert_reply(second.body["Body"], CHOSEN)


def test_whatsapp_reply_comes_from_the_whatsapp_number(stack: Stack, fake: FakeProviders) -> None:
    patient = "whatsapp:+15550100012"
    assert post_twilio(stack, sms(patient, QUESTION, "twilio_whatsapp")).status_code == 204
    (reply,) = fake.wait_for(to_phone(patient))
    assert reply.body["From"] == f"whatsapp:{SECRETS['TWILIO_NUMBER']}"
    assert reply.body["Body"].startswith(answer(ASKED))
    assert reply.body["Body"].endswith(
        f"Reply 1, 2 or 3\nReply Y if this helped, N if not\n{DISCLAIMER}"
    )


@pytest.mark.parametrize(
    "signature_for",
    [
        lambda url, form: twilio_signature(url, form, token="not-the-auth-token"),
        lambda url, form: twilio_signature(url, {**form, "Body": "something else"}),
        lambda url, form: "",
    ],
    ids=["forged", "tampered-body", "unsigned"],
)
def test_twilio_refuses_with_403(stack: Stack, fake: FakeProviders, signature_for) -> None:
    patient = "+15550100666"
    form = sms(patient, QUESTION)
    refused = post_twilio(stack, form, signature_for(twilio_url(stack), form))
    assert refused.status_code == 403
    assert_nothing_sent(fake, to_phone(patient))


# --- Telegram ---------------------------------------------------------------

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def telegram_url(stack: Stack, route: str = "webhook") -> str:
    return f"{stack.url}/webhooks/telegram/{route}"


def telegram_update(chat_id: int, name: str = "telegram_message") -> dict:
    update = payload(name)
    message = (
        update["callback_query"]["message"] if "callback_query" in update else update["message"]
    )
    message["chat"]["id"] = chat_id
    return update


def post_telegram(stack: Stack, update: dict, secret: str | None) -> requests.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return requests.post(telegram_url(stack), json=update, headers=headers, timeout=30)


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.path.endswith("/sendMessage") and call.body["chat_id"] == str(chat_id)


def test_telegram_registers_its_webhook_with_the_secret_token(
    stack: Stack, fake: FakeProviders
) -> None:
    (registration,) = fake.matching(lambda call: call.path.endswith("/setWebhook"))
    assert registration.path == f"/telegram/bot{SECRETS['TELEGRAM_TOKEN']}/setWebhook"
    assert registration.body == {
        "url": SECRETS["TELEGRAM_WEBHOOK_URL"],
        "secret_token": SECRETS["TELEGRAM_SECRET_TOKEN"],
    }


def test_telegram_answers_with_inline_keyboard_and_takes_a_button_press(
    stack: Stack, fake: FakeProviders
) -> None:
    secret = SECRETS["TELEGRAM_SECRET_TOKEN"]
    assert post_telegram(stack, telegram_update(2220001), secret).status_code == 200
    (reply,) = fake.wait_for(to_chat(2220001))
    assert_reply(reply.body["text"], ASKED)
    keyboard = json.loads(reply.body["reply_markup"])["inline_keyboard"]
    assert [[button["text"] for button in row] for row in keyboard] == [
        *([title] for title in offered("title")),
        VOTE_TITLES,
    ]
    assert [row[0]["callback_data"] for row in keyboard[:-1]] == offered("payload")

    press = telegram_update(2220001, "telegram_callback_query")
    press["callback_query"]["data"] = keyboard[1][0]["callback_data"]
    assert post_telegram(stack, press, secret).status_code == 200
    assert_reply(fake.wait_for(to_chat(2220001), count=2)[1].body["text"], CHOSEN)


@pytest.mark.parametrize("secret", ["not-the-secret-token", None], ids=["forged", "unsigned"])
def test_telegram_refuses_with_403(stack: Stack, fake: FakeProviders, secret: str | None) -> None:
    assert post_telegram(stack, telegram_update(2220666), secret).status_code == 403
    assert_nothing_sent(fake, to_chat(2220666))


def test_telegram_webhook_registration_route_needs_the_secret(stack: Stack) -> None:
    assert requests.post(telegram_url(stack, "set_webhook"), timeout=30).status_code == 403


# --- Microsoft Teams (Bot Framework) ----------------------------------------


def teams_url(stack: Stack) -> str:
    return f"{stack.url}/webhooks/botframework/webhook"


def service_url(fake: FakeProviders) -> str:
    return f"{fake.url}/teams/service/"


def teams_activity(fake: FakeProviders, conversation: str, text: str = QUESTION) -> dict:
    activity = payload("teams_message")
    activity["conversation"]["id"] = conversation
    activity.update(serviceUrl=service_url(fake), text=text)
    return activity


def post_teams(stack: Stack, activity: dict, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(teams_url(stack), json=activity, headers=headers, timeout=30)


def to_conversation(conversation: str) -> Callable[[Call], bool]:
    path = f"/teams/service/v3/conversations/{conversation}/activities"
    return lambda call: call.path == path


def test_teams_answers_with_hero_card_buttons_and_takes_a_button_press(
    stack: Stack, fake: FakeProviders, teams_key: RSAPrivateKey
) -> None:
    token = teams_token(teams_key, service_url(fake))
    response = post_teams(stack, teams_activity(fake, "a:1CONVERSATION"), token)
    assert response.status_code == 200
    (reply,) = fake.wait_for(to_conversation("a:1CONVERSATION"))
    assert reply.headers["Authorization"] == "Bearer fake-token"
    (card,) = reply.body["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert_reply(card["content"]["text"], ASKED)
    buttons = card["content"]["buttons"]
    assert [button["type"] for button in buttons] == ["messageBack"] * (len(OFFERED) + 2)
    assert [button["title"] for button in buttons] == [*offered("title"), *VOTE_TITLES]
    assert [button["text"] for button in buttons] == [*offered("payload"), *vote_payloads(ASKED)]

    press = teams_activity(fake, "a:1CONVERSATION", text=buttons[1]["text"])
    assert post_teams(stack, press, token).status_code == 200
    second = fake.wait_for(to_conversation("a:1CONVERSATION"), count=2)[1]
    assert_reply(second.body["attachments"][0]["content"]["text"], CHOSEN)


def other_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


TEAMS_FORGERIES = {
    "unsigned": lambda key, url: None,
    "other-key": lambda key, url: teams_token(other_key(), url),
    "expired": lambda key, url: teams_token(key, url, exp=int(time.time()) - 3600),
    "other-audience": lambda key, url: teams_token(key, url, aud="someone-elses-bot"),
    "other-issuer": lambda key, url: teams_token(key, url, iss="https://evil.example"),
    "other-service-url": lambda key, url: teams_token(key, "https://smba.example/other/"),
    "no-expiry": lambda key, url: teams_token(key, url, exp=None),
}


@pytest.mark.parametrize("forge", TEAMS_FORGERIES.values(), ids=TEAMS_FORGERIES.keys())
def test_teams_refuses_with_401(
    stack: Stack, fake: FakeProviders, teams_key: RSAPrivateKey, forge
) -> None:
    activity = teams_activity(fake, "a:1FORGED")
    assert post_teams(stack, activity, forge(teams_key, service_url(fake))).status_code == 401
    assert_nothing_sent(fake, to_conversation("a:1FORGED"))


# --- All channels -----------------------------------------------------------


@pytest.mark.parametrize("channel", ["slack", "facebook", "twilio", "telegram", "botframework"])
def test_channel_is_on(stack: Stack, channel: str) -> None:
    health = requests.get(f"{stack.url}/webhooks/{channel}/", timeout=30)
    assert health.json() == {"status": "ok"}


def test_sms_gets_the_degraded_reply_when_the_action_server_is_down(
    stack: Stack, fake: FakeProviders
) -> None:
    patient = "+15550100013"
    stack.stop_actions()
    try:
        assert post_twilio(stack, sms(patient, QUESTION)).status_code == 204
        (reply,) = fake.wait_for(to_phone(patient))
        assert reply.body["Body"] == service_unavailable_text()
        assert reply.body["Body"].endswith(DISCLAIMER)
    finally:
        stack.start_actions()


MUSIC = "can I listen to music during my MRI?"


def post_to_unreachable(
    channel: str, stack: Stack, fake: FakeProviders, key: RSAPrivateKey
) -> tuple[requests.Response, str, Callable[[Call], bool]]:
    """Post MUSIC on a channel whose provider refuses the reply; return the webhook's
    answer, the sender id the channel stores, and what the provider was asked."""
    if channel == "twilio":
        patient = "+15550100015"
        fake.unreachable.add(patient)
        return post_twilio(stack, sms(patient, MUSIC)), patient, to_phone(patient)
    if channel == "facebook":
        event = facebook_event("PSIDDOWN")
        event["entry"][0]["messaging"][0]["message"]["text"] = MUSIC
        fake.unreachable.add("PSIDDOWN")
        return post_facebook(stack, event, signed), "PSIDDOWN", to_messenger("PSIDDOWN")
    fake.unreachable.add("a:1DOWN")
    activity = teams_activity(fake, "a:1DOWN", text=MUSIC)
    activity["from"]["id"] = sender = "29:1DOWN"  # a conversation of its own
    answer = post_teams(stack, activity, teams_token(key, service_url(fake)))
    return answer, sender, to_conversation("a:1DOWN")


@pytest.mark.parametrize("channel", ["twilio", "facebook", "botframework"])
def test_a_reply_the_provider_refuses_leaves_the_turn_stored_and_asks_for_a_retry(
    stack: Stack, fake: FakeProviders, teams_key: RSAPrivateKey, channel: str
) -> None:
    try:
        refused, sender, asked = post_to_unreachable(channel, stack, fake, teams_key)
    finally:
        fake.unreachable.clear()
    assert refused.status_code == 503  # the provider redelivers, or logs a failed webhook
    assert fake.wait_for(asked)  # the reply was attempted
    assert stored_user_texts(stack, channel, sender) == [MUSIC]
    log = (stack.workdir / "rasa.log").read_text(errors="replace")
    assert f"Sending a reply on {channel} failed" in log
    assert MUSIC not in log


def stored_user_texts(stack: Stack, channel: str, sender: str) -> list[str]:
    """The patient's messages as the tracker store holds them (under the keyed hash)."""
    with sqlite3.connect(stack.tracker_db) as db:
        stored = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
            (stack.stored_sender(channel, sender),),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in stored]


def test_a_rest_client_naming_an_sms_patient_cannot_erase_or_throttle_their_conversation(
    stack: Stack, fake: FakeProviders
) -> None:
    """Whoever knows a patient's number posts as that sender over REST, in the form the
    Twilio channel gives it and with the channel's name in front: "forget me", then
    enough messages to use up a sender's rate limit. The SMS conversation is untouched."""
    patient = "+15550100016"
    assert post_twilio(stack, sms(patient, QUESTION)).status_code == 204
    fake.wait_for(to_phone(patient))
    rest = f"{stack.url}/webhooks/rest/webhook"
    for sender in (patient, f"twilio:{patient}"):
        forget = requests.post(rest, json={"sender": sender, "message": "/forget_me"}, timeout=30)
        assert forget.json()[0]["text"].startswith(CONTENT.replies["forget_me"].text)
        flood = {"sender": sender, "message": "x" * (MAX_MESSAGE_CHARS + 1)}  # counted, not run
        assert {requests.post(rest, json=flood, timeout=30).status_code for _ in range(25)} == {
            200,
            429,
        }
    assert stored_user_texts(stack, "twilio", patient) == [QUESTION]
    # Served, and "2" still picks from the topics offered in the first turn.
    assert post_twilio(stack, sms(patient, "2")).status_code == 204
    assert_reply(fake.wait_for(to_phone(patient), count=2)[1].body["Body"], CHOSEN)
    assert len(fake.matching(to_phone(patient))) == 2  # the REST turns sent it nothing


EMERGENCY = "my dad just collapsed and hes not breathing"


def send_emergency_on(channel: str, stack: Stack, fake: FakeProviders, key: RSAPrivateKey) -> str:
    """Post the emergency on one channel; return the text its provider was asked to show."""
    if channel == "slack":
        post_slack_event(stack, slack_event("D0SOS", EMERGENCY))
        return fake.wait_for(to_slack("D0SOS"))[0].body["text"]
    if channel == "messenger":
        event = facebook_event("PSIDSOS")
        event["entry"][0]["messaging"][0]["message"]["text"] = EMERGENCY
        post_facebook(stack, event, signed)
        return fake.wait_for(to_messenger("PSIDSOS"))[0].body["message"]["text"]
    if channel in ("sms", "whatsapp"):
        patient = "+15550100999" if channel == "sms" else "whatsapp:+15550100998"
        name = "twilio_sms" if channel == "sms" else "twilio_whatsapp"
        post_twilio(stack, sms(patient, EMERGENCY, name))
        return fake.wait_for(to_phone(patient))[0].body["Body"]
    if channel == "telegram":
        update = telegram_update(2220999)
        update["message"]["text"] = EMERGENCY
        post_telegram(stack, update, SECRETS["TELEGRAM_SECRET_TOKEN"])
        return fake.wait_for(to_chat(2220999))[0].body["text"]
    activity = teams_activity(fake, "a:1EMERGENCY", text=EMERGENCY)
    post_teams(stack, activity, teams_token(key, service_url(fake)))
    (reply,) = fake.wait_for(to_conversation("a:1EMERGENCY"))
    return reply.body["text"]  # no buttons: a plain message, not a card


@pytest.mark.parametrize("channel", ["slack", "messenger", "sms", "whatsapp", "telegram", "teams"])
def test_an_emergency_reply_opens_with_the_instruction_to_call_on_every_channel(
    stack: Stack, fake: FakeProviders, teams_key: RSAPrivateKey, channel: str
) -> None:
    text = send_emergency_on(channel, stack, fake, teams_key)
    assert f"call {CONTENT.hospital['emergency_number']} now" in first_sentences(text, 2), text
    assert text.endswith(DISCLAIMER)
