"""Conversational and safety replies: greeting, hand-off, out of scope, emergencies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import load_content
from actions.messaging import send

FALLBACK_REPLY = "nlu_fallback"


def reply(dispatcher: CollectingDispatcher, key: str) -> list[dict[str, Any]]:
    """Send the reply stored under key, with the topic menu if it asks for one."""
    content = load_content()
    chosen = content.replies.get(key) or content.replies[FALLBACK_REPLY]
    topics = content.main_topics if chosen.menu else ()
    return send(dispatcher, content, content.render(chosen.text), topics)


class ActionReply(Action):
    """Replies to the latest intent with the reply of the same name."""

    def name(self) -> str:
        return "action_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return reply(dispatcher, tracker.latest_message["intent"]["name"])


class ActionFallback(Action):
    """Asks the patient to rephrase instead of guessing an answer."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return reply(dispatcher, FALLBACK_REPLY)
