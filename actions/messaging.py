"""Sends bot messages: the single path every action uses to talk to a patient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content import Content

OFFERED_TOPICS_SLOT = "offered_topics"


def send(
    dispatcher: CollectingDispatcher,
    content: Content,
    text: str,
    topic_ids: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Utter text with the disclaimer and the given topics as quick replies.

    Returns the event that remembers which topics were offered, so a patient
    can later pick one by number ("2") on channels without buttons.
    """
    topic_ids = list(topic_ids)
    buttons = [
        {"title": content.topics[topic_id].title, "payload": content.topics[topic_id].payload}
        for topic_id in topic_ids
    ]
    dispatcher.utter_message(text=content.with_disclaimer(text), buttons=buttons)
    return [SlotSet(OFFERED_TOPICS_SLOT, topic_ids)]
