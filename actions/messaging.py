"""Sends bot messages: the single path every action uses to talk to a patient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import Content, Topic
from actions.votes import feedback_buttons

OFFERED_TOPICS_SLOT = "offered_topics"
REGION_SLOT = "region"
ANSWER_REPLY = "answer"


def send(
    dispatcher: CollectingDispatcher,
    content: Content,
    text: str,
    topic_ids: Iterable[str] = (),
    *,
    reply: str,
    topic: str | None = None,
) -> list[dict[str, Any]]:
    """Utter text with the disclaimer and the given topics as quick replies.

    `reply` names what the message is: "answer" for a document answer, else the
    content key of the reply ("out_of_scope", "clarify", ...); `topic` is the
    topic a document answer answers, and such a message also offers the feedback
    buttons. Both travel as the message's metadata, which Rasa stores in the
    BotUttered event, so the stored conversation says what every reply was.

    Returns the event that remembers which topics were offered, so a patient
    can later pick one by number ("2") on channels without buttons.
    """
    topic_ids = list(topic_ids)
    buttons = [
        {"title": content.topics[topic_id].title, "payload": content.topics[topic_id].payload}
        for topic_id in topic_ids
    ]
    metadata: dict[str, Any] = {"reply": reply}
    if topic is not None:
        buttons += feedback_buttons(content, topic)
        metadata["topic"] = topic
    dispatcher.utter_message(text=content.with_disclaimer(text), buttons=buttons, **metadata)
    return [SlotSet(OFFERED_TOPICS_SLOT, topic_ids)]


def send_answer(
    dispatcher: CollectingDispatcher, content: Content, topic: Topic
) -> list[dict[str, Any]]:
    """Send a topic's answer (or its honest "no details") with its related topics.

    A region's answer uses the region up: a later general question asks again.
    """
    text = content.answer_text(topic)
    events = send(dispatcher, content, text, topic.related, reply=ANSWER_REPLY, topic=topic.id)
    if topic.region is not None:
        events.append(SlotSet(REGION_SLOT, None))
    return events
