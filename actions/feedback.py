"""Acknowledges a patient's vote on a document answer (actions/votes.py says what one is).

The vote is already stored, as the patient's own event, before this action runs;
the action records nothing more. It only thanks the patient, with the disclaimer
like every bot message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import load_content
from actions.messaging import OFFERED_TOPICS_SLOT, send
from actions.replies import FALLBACK_REPLY, reply
from actions.votes import vote_from_entities

THANKS_MESSAGE = "feedback_thanks"


class ActionFeedback(Action):
    """Thanks the patient for a vote and offers the same topics again.

    Offering the topics that came with the answer again keeps them at hand (the
    widget replaces a message's quick replies with the next message's) and keeps
    "2" meaning the same topic on SMS. A feedback intent without a valid vote (typed
    text the NLU took for feedback) gets the rephrase reply instead of thanks.
    """

    def name(self) -> str:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        content = load_content()
        if vote_from_entities(tracker.latest_message.get("entities") or [], content) is None:
            return reply(dispatcher, FALLBACK_REPLY, tracker)
        offered = [t for t in tracker.get_slot(OFFERED_TOPICS_SLOT) or [] if t in content.topics]
        text = content.message(THANKS_MESSAGE)
        return send(dispatcher, content, text, offered, reply=THANKS_MESSAGE)
