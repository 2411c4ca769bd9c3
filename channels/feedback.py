"""Votes on document answers on channels whose buttons cannot carry a vote's payload.

Telegram's button data holds at most 64 bytes, less than a vote's payload
(``/feedback{"feedback_topic":...}``, actions/votes.py); SMS and WhatsApp have no
buttons at all, so the patient answers "Y" or "N". Both are turned into that payload
here, between the reply guarantee and Rasa, so every channel's votes are stored
alike: as the patient's event with intent ``feedback`` and the vote's entities.
"""

from __future__ import annotations

import re

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Sanic
from sanic.exceptions import SanicException

from actions.content import load_content
from actions.messaging import ANSWER_REPLY
from actions.votes import valid_vote, vote_from_payload
from channels.guarantee import MessageHandler

# Telegram's short form of a vote's payload, e.g. "vote:down:prostate_cancer_mri".
SHORT_VOTE = re.compile(r"vote:(?P<value>\w+):(?P<topic>\w+)")
# "Y", "yes", "N", "No." ... on its own, as a reply to "Reply Y if this helped, N if not".
LETTER_VOTE = re.compile(r"\s*(?:(?P<up>y|yes)|n|no)\s*[.!]*\s*", re.IGNORECASE)


def short_vote(payload: str) -> str | None:
    """The short form of a vote's payload (for a Telegram button), None for other payloads."""
    vote = vote_from_payload(payload, load_content())
    return None if vote is None else f"vote:{vote.value}:{vote.topic}"


def expanding_short_votes(on_new_message: MessageHandler) -> MessageHandler:
    """Rasa's handler, given a pressed short-form vote button as the vote's payload."""

    async def handle(message: UserMessage) -> None:
        match = SHORT_VOTE.fullmatch(message.text or "")
        if match:
            vote = valid_vote(match["topic"], match["value"], None, load_content())
            if vote is not None:
                message.text = vote.payload
        await on_new_message(message)

    return handle


async def last_answered_topic(conversation_id: str) -> str | None:
    """The topic of the bot's latest message if that message was a document answer.

    Read from the stored conversation (what every reply was is in its BotUttered
    event's metadata, actions/messaging.py), so it holds across restarts and
    server instances.
    """
    try:
        agent = Sanic.get_app().ctx.agent
    except (SanicException, AttributeError):
        return None
    tracker = await agent.tracker_store.retrieve(conversation_id)
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, BotUttered):
            metadata = event.metadata or {}
            return metadata.get("topic") if metadata.get("reply") == ANSWER_REPLY else None
    return None


def votes_by_letter(on_new_message: MessageHandler) -> MessageHandler:
    """Rasa's handler, given "Y" or "N" right after a document answer as the vote's payload.

    At any other time "yes" and "no" are ordinary messages for the NLU.
    """

    async def handle(message: UserMessage) -> None:
        match = LETTER_VOTE.fullmatch(message.text or "")
        if match:
            topic = await last_answered_topic(message.sender_id)
            value = "up" if match["up"] else "down"
            vote = valid_vote(topic, value, None, load_content())
            if vote is not None:
                message.text = vote.payload
        await on_new_message(message)

    return handle
