"""Answers the document's questions, asking for the spine region when needed."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import Content, Topic, load_content
from actions.messaging import OFFERED_TOPICS_SLOT, REGION_SLOT, send, send_answer
from actions.replies import FALLBACK_REPLY, OUT_OF_SCOPE_REPLY, named_region, reply

WHY_INTENT = "ask_why_mri"
REGION_INTENTS = {WHY_INTENT, "inform_region"}
CHOOSE_INTENT = "choose_option"
REGION_CHOICES = ("why_cervical_mri", "why_lumbar_mri")
CLARIFY_REPLY = "clarify"
UNKNOWN_OPTION_MESSAGE = "choose_option_unknown"
FIRST_NUMBER = re.compile(r"\d+")
# A button's payload ("/ask_mri_surgery") asks for its topic by name.
BUTTON_PAYLOAD_PREFIX = "/"


def chosen_option(tracker: Tracker) -> int | None:
    """The option number the patient typed, from the entity or the text itself."""
    values = [str(value) for value in tracker.get_latest_entity_values("option")]
    text = values[0] if values else tracker.latest_message.get("text") or ""
    match = FIRST_NUMBER.search(text)
    return int(match.group()) if match else None


def offered_topic(tracker: Tracker, content: Content) -> Topic | None:
    """The topic behind a numbered choice, if that number was offered last turn."""
    offered = tracker.get_slot(OFFERED_TOPICS_SLOT) or []
    number = chosen_option(tracker)
    if number is None or not 1 <= number <= len(offered):
        return None
    return content.topics.get(offered[number - 1])


def requested_topic(intent: str, tracker: Tracker, content: Content) -> Topic | None:
    """The topic the patient asked for, or None when the question is incomplete."""
    if intent == CHOOSE_INTENT:
        return offered_topic(tracker, content)
    if intent in REGION_INTENTS:
        # A region the content does not know (the NLU tagged "lower" in "why mri of upper
        # spine not lower") counts as none named, so the question's own words decide.
        topic = content.topic_for(WHY_INTENT, tracker.get_slot(REGION_SLOT))
        if topic is None and intent == WHY_INTENT:
            return content.topic_mentioned_in_why(tracker.latest_message.get("text") or "")
        return topic
    topic = content.topic_for(intent)
    text = tracker.latest_message.get("text") or ""
    if topic is None or not topic.is_purpose_question(text):
        return topic
    return purpose_topic(text, named_region(tracker), content) or topic


def purpose_topic(text: str, region: str | None, content: Content) -> Topic | None:
    """The "why an MRI" answer a question asking what the scan is for names: its
    region's ("c spine mri what for"), or the reason it names ("MRI after spinal
    fusion, what is it for" asks about the operation)."""
    if region is not None:
        return content.topic_for(WHY_INTENT, region)
    return content.topic_mentioned_in_why(text)


def names_the_subject(topic: Topic, intent: str, tracker: Tracker) -> bool:
    """Whether the patient's words name what the topic's answer is about: the
    classifier may give "can i fly after spine surgery" the MRI-and-surgery topic,
    which says nothing about flying. A chosen option or a button asked by name."""
    text = tracker.latest_message.get("text") or ""
    if intent == CHOOSE_INTENT or text.startswith(BUTTON_PAYLOAD_PREFIX):
        return True
    return topic.names_its_subject(text)


def region_can_complete(intent: str, tracker: Tracker, content: Content) -> bool:
    """Whether naming a region would let a region-less "why an MRI" question get an
    answer: "what conditions might stop me from having an MRI" is no why-question of
    either region (both hold it back), so asking "neck or lower back?" would lead
    nowhere; it is deflected instead, where its own topic's lists can answer it."""
    if intent != WHY_INTENT:
        return True
    return any(
        names_the_subject(content.topics[choice], intent, tracker) for choice in REGION_CHOICES
    )


def ask_to_complete(
    intent: str, dispatcher: CollectingDispatcher, content: Content
) -> list[dict[str, Any]]:
    """Ask for what is missing instead of guessing an answer."""
    if intent in REGION_INTENTS:
        prompt = content.message("clarify_region")
        return send(dispatcher, content, prompt, REGION_CHOICES, reply=CLARIFY_REPLY)
    if intent == CHOOSE_INTENT:
        prompt, key = content.message(UNKNOWN_OPTION_MESSAGE), UNKNOWN_OPTION_MESSAGE
    else:
        prompt, key = content.reply_text(FALLBACK_REPLY), FALLBACK_REPLY
    return send(dispatcher, content, prompt, content.main_topics, reply=key)


class ActionAnswer(Action):
    """Gives the approved answer for the question the patient asked."""

    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        content = load_content()
        intent = tracker.latest_message["intent"]["name"]
        topic = requested_topic(intent, tracker, content)
        if topic is None:
            if not region_can_complete(intent, tracker, content):
                return reply(dispatcher, OUT_OF_SCOPE_REPLY, tracker)
            return ask_to_complete(intent, dispatcher, content)
        if not names_the_subject(topic, intent, tracker):
            return reply(dispatcher, OUT_OF_SCOPE_REPLY, tracker)
        return send_answer(dispatcher, content, topic)
