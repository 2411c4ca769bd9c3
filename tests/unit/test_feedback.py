"""Feedback on document answers: what every message says it is, the buttons under an
answer, the votes they record and the action that thanks for one."""

from __future__ import annotations

import itertools

import pytest
import yaml
from rasa.core.actions.action import create_bot_utterance
from rasa_sdk.executor import ActionExecutor

from actions.answers import ActionAnswer
from actions.content import Content
from actions.feedback import ActionFeedback
from actions.replies import ActionFallback, ActionReply
from actions.votes import Vote, feedback_buttons, vote_from_entities, vote_from_payload
from project import PROJECT_ROOT
from tests.unit.builders import make_tracker, run_action

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
INTENTS = [*DOMAIN["intents"], "nlu_fallback"]
RELATED = ["why_cervical_mri", "why_lumbar_mri", "mri_factors"]


def registered_actions() -> dict:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


def only(messages: list[dict]) -> dict:
    assert len(messages) == 1, messages
    return messages[0]


def vote_entities(**values: str) -> list[dict]:
    return [{"entity": f"feedback_{name}", "value": value} for name, value in values.items()]


def feedback_payloads(message: dict) -> list[str]:
    return [b["payload"] for b in message["buttons"] if b["payload"].startswith("/feedback")]


# --- what every message says it is (stored as the BotUttered event's metadata) ---


@pytest.mark.parametrize(("action_name", "intent"), itertools.product(DOMAIN["actions"], INTENTS))
def test_every_message_names_its_reply(action_name: str, intent: str) -> None:
    action = registered_actions()[action_name].__self__
    messages, _ = run_action(action, make_tracker(intent, text="2", slots={"region": None}))
    for message in messages:
        assert isinstance(message["reply"], str) and message["reply"]
        assert ("topic" in message) == (message["reply"] == "answer")


@pytest.mark.parametrize(
    ("action", "intent", "reply"),
    [
        (ActionReply(), "greet", "greet"),
        (ActionReply(), "out_of_scope", "out_of_scope"),
        (ActionReply(), "emergency", "emergency"),
        (ActionReply(), "self_harm", "self_harm"),
        (ActionReply(), "human_handoff", "human_handoff"),
        (ActionFallback(), "nlu_fallback", "nlu_fallback"),
        (ActionAnswer(), "ask_why_mri", "clarify"),
    ],
)
def test_replies_are_named_by_their_content_key(action, intent: str, reply: str) -> None:
    message = only(run_action(action, make_tracker(intent, text="hello"))[0])
    assert message["reply"] == reply
    assert feedback_payloads(message) == []


def test_a_deflected_spine_question_is_named_did_you_mean() -> None:
    tracker = make_tracker("out_of_scope", text="knee mri cost", ranking=["ask_mri_factors"])
    assert only(run_action(ActionReply(), tracker)[0])["reply"] == "did_you_mean"


@pytest.mark.parametrize(
    ("intent", "region", "topic_id"),
    [
        ("ask_what_is_spine_mri", None, "what_is_spine_mri"),
        ("ask_why_mri", "cervical", "why_cervical_mri"),
        ("ask_music_mri", None, "music_mri"),
        ("ask_what_to_expect", None, "what_to_expect"),
    ],
)
def test_an_answer_names_its_topic_and_offers_thumbs_up_and_down(
    content: Content, intent: str, region: str | None, topic_id: str
) -> None:
    tracker = make_tracker(intent, slots={"region": region})
    message = only(run_action(ActionAnswer(), tracker)[0])
    assert (message["reply"], message["topic"]) == ("answer", topic_id)
    related = [content.topics[t].title for t in content.topics[topic_id].related]
    assert [b["title"] for b in message["buttons"]] == [
        *related,
        content.message("feedback_up"),
        content.message("feedback_down"),
    ]
    assert feedback_payloads(message) == [
        f'/feedback{{"feedback_topic":"{topic_id}","feedback_value":"up"}}',
        f'/feedback{{"feedback_topic":"{topic_id}","feedback_value":"down"}}',
    ]


def test_rasa_stores_reply_and_topic_as_the_bot_events_metadata() -> None:
    """Rasa turns the action's message into the BotUttered event as below
    (rasa.core.actions.action.RemoteAction._utter_responses)."""
    message = only(
        run_action(
            ActionAnswer(), make_tracker("ask_mri_surgery", text="why an mri before surgery")
        )[0]
    )
    draft = {key: value for key, value in message.items() if value}
    event = create_bot_utterance(draft)
    assert event.metadata == {"reply": "answer", "topic": "mri_surgery"}
    assert event.text == message["text"]
    assert len(event.data["buttons"]) == len(message["buttons"])


# --- votes ---------------------------------------------------------------------


def test_vote_payloads_are_compact_json_with_the_contracts_entities() -> None:
    assert Vote("mri_factors", "up").payload == (
        '/feedback{"feedback_topic":"mri_factors","feedback_value":"up"}'
    )
    assert Vote("mri_factors", "down", "not_answered").payload == (
        '/feedback{"feedback_topic":"mri_factors","feedback_value":"down",'
        '"feedback_reason":"not_answered"}'
    )


@pytest.mark.parametrize(
    "vote",
    [
        Vote("what_is_spine_mri", "up"),
        Vote("what_is_spine_mri", "down"),
        *(Vote("music_mri", "down", reason) for reason in ("unclear", "not_answered", "other")),
    ],
)
def test_a_vote_survives_its_payload(content: Content, vote: Vote) -> None:
    assert vote_from_payload(vote.payload, content) == vote


@pytest.mark.parametrize(
    "payload",
    [
        "/ask_why_mri",
        '/ask_why_mri{"region": "cervical"}',
        "/feedback",
        "/feedback{broken",
        '/feedback["what_is_spine_mri"]',
        '/feedback{"feedback_topic":"my name is Jo","feedback_value":"up"}',
        '/feedback{"feedback_topic":"what_is_spine_mri","feedback_value":"meh"}',
        '/feedback{"feedback_topic":"what_is_spine_mri","feedback_value":"up",'
        '"feedback_reason":"unclear"}',
        '/feedback{"feedback_topic":"what_is_spine_mri","feedback_value":"down",'
        '"feedback_reason":"I hated it"}',
    ],
)
def test_anything_but_an_offered_vote_is_none(content: Content, payload: str) -> None:
    assert vote_from_payload(payload, content) is None


def test_the_buttons_record_their_votes(content: Content) -> None:
    up, down = feedback_buttons(content, "mri_surgery")
    assert vote_from_payload(up["payload"], content) == Vote("mri_surgery", "up")
    assert vote_from_payload(down["payload"], content) == Vote("mri_surgery", "down")


def test_entities_of_a_parsed_payload_make_the_vote(content: Content) -> None:
    entities = vote_entities(topic="mri_surgery", value="down", reason="unclear")
    assert vote_from_entities(entities, content) == Vote("mri_surgery", "down", "unclear")
    assert vote_from_entities(vote_entities(value="up"), content) is None


# --- the acknowledgement ---------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"topic": "what_is_spine_mri", "value": "up"},
        {"topic": "what_is_spine_mri", "value": "down"},
        {"topic": "what_is_spine_mri", "value": "down", "reason": "other"},
    ],
)
def test_a_vote_is_thanked_with_the_disclaimer_and_the_same_topics(
    content: Content, values: dict[str, str]
) -> None:
    tracker = make_tracker(
        "feedback", entities=vote_entities(**values), slots={"offered_topics": RELATED}
    )
    messages, events = run_action(ActionFeedback(), tracker)
    message = only(messages)
    assert message["text"] == content.with_disclaimer(content.message("feedback_thanks"))
    assert message["text"] == f"Thank you for your feedback.\n{content.disclaimer}"
    assert message["reply"] == "feedback_thanks"
    assert "topic" not in message
    assert [b["payload"] for b in message["buttons"]] == [
        content.topics[t].payload for t in RELATED
    ]
    assert events == [
        {"event": "slot", "name": "offered_topics", "value": RELATED, "timestamp": None}
    ]


@pytest.mark.parametrize(
    "entities",
    [
        [],
        vote_entities(value="up"),
        vote_entities(topic="not_a_topic", value="up"),
        vote_entities(topic="what_is_spine_mri", value="up", reason="unclear"),
    ],
    ids=["typed", "no-topic", "unknown-topic", "reason-for-up"],
)
def test_feedback_without_a_valid_vote_gets_the_rephrase_reply(
    content: Content, entities: list[dict]
) -> None:
    tracker = make_tracker("feedback", text="feedback", entities=entities)
    message = only(run_action(ActionFeedback(), tracker)[0])
    assert message["text"] == content.with_disclaimer(content.reply_text("nlu_fallback"))
    assert message["reply"] == "nlu_fallback"
