"""Conversational and safety replies: greeting, hand-off, out of scope, emergencies.

A message that would get the out-of-scope or the rephrase reply but asks a topic's
question in the words that topic's `when_deflected` lists ("how long does an mri
take") gets that topic's reply. Any other message about MRI or the spine is never
deflected bare: the patient is offered the topics closest to their words ("Did you
mean ...?"), as the NLU ranked them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import Content, load_content
from actions.messaging import REGION_SLOT, send, send_answer

FALLBACK_REPLY = "nlu_fallback"
DID_YOU_MEAN_REPLY = "did_you_mean"
WHICH_TOPIC_REPLY = "which_topic"
OUT_OF_SCOPE_REPLY = "out_of_scope"
DEFLECTIONS = frozenset({FALLBACK_REPLY, OUT_OF_SCOPE_REPLY})
# Small talk whose replies are all harmless: when the NLU wavers only between two of
# these but is this sure of the pair, the patient gets the likelier one.
SMALL_TALK = frozenset({"greet", "thank", "goodbye"})
SMALL_TALK_PAIR_CONFIDENCE = 0.9


def named_region(tracker: Tracker) -> str | None:
    """The one spine region the latest message names, not one remembered from earlier:
    a later question about the scan in general must not get a region's answer."""
    regions = set(tracker.get_latest_entity_values(REGION_SLOT))
    return regions.pop() if len(regions) == 1 else None


def closest_topics(
    content: Content, ranking: Iterable[dict[str, Any]], region: str | None = None
) -> list[str]:
    """Topic ids in the order the NLU ranked their intents, at most max_topics.

    An intent with several topics (the why-question: neck or lower back) offers
    each of them, the region the message names first ("how much is an mri of my
    lower back" is not offered the neck first); the main topics fill up a ranking
    that names too few.
    """
    by_region = sorted(
        content.topics.items(),
        key=lambda item: region is not None and item[1].region not in (None, region),
    )
    chosen: list[str] = []
    intents = [entry.get("name") for entry in ranking]
    for intent in [*intents, *(content.topics[t].intent for t in content.main_topics)]:
        chosen += [
            topic_id
            for topic_id, topic in by_region
            if topic.intent == intent and topic_id not in chosen
        ]
    return chosen[: content.did_you_mean.max_topics]


def small_talk_intent(ranking: Iterable[dict[str, Any]]) -> str | None:
    """The likelier of two small-talk intents the NLU wavered between ("thanks, bye":
    goodbye 0.54, thank 0.46), so a patient saying goodbye is not asked to say it
    another way; None when anything else is in the running."""
    top_two = [entry for entry in ranking if entry.get("name") != FALLBACK_REPLY][:2]
    names = [entry.get("name") for entry in top_two]
    together = sum(float(entry.get("confidence") or 0.0) for entry in top_two)
    sure = together >= SMALL_TALK_PAIR_CONFIDENCE
    return names[0] if len(top_two) == 2 and SMALL_TALK.issuperset(names) and sure else None


def reply(
    dispatcher: CollectingDispatcher, key: str, tracker: Tracker | None = None
) -> list[dict[str, Any]]:
    """Send the reply stored under key, with the topic menu if it asks for one.

    A deflection of a message that still asks a topic's question becomes that
    topic's reply; of any other message about spine MRI, "Did you mean ...?" with
    the closest topics, asked as "Which of these ...?" when the message was only too
    vague ("is it safe").
    """
    content = load_content()
    key = key if key in content.replies else FALLBACK_REPLY
    message = tracker.latest_message if tracker is not None else {}
    text = message.get("text") or ""
    asked = content.topic_asked_when_deflected(text) if key in DEFLECTIONS else None
    if asked is not None:
        return send_answer(dispatcher, content, asked)
    if key in DEFLECTIONS and content.did_you_mean.applies_to(text):
        region = named_region(tracker) if tracker is not None else None
        closest = closest_topics(content, message.get("intent_ranking") or [], region)
        vague = content.did_you_mean.is_vague(text)
        offer = WHICH_TOPIC_REPLY if vague else DID_YOU_MEAN_REPLY
        return send(dispatcher, content, content.reply_text(offer), closest, reply=offer)
    menu = content.main_topics if content.replies[key].menu else ()
    return send(dispatcher, content, content.reply_text(key), menu, reply=key)


class ActionReply(Action):
    """Replies to the latest intent with the reply of the same name."""

    def name(self) -> str:
        return "action_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return reply(dispatcher, tracker.latest_message["intent"]["name"], tracker)


class ActionFallback(Action):
    """Asks the patient to rephrase, or offers the closest topics, instead of guessing;
    small talk the NLU only wavered over gets its reply."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        return reply(dispatcher, small_talk_intent(ranking) or FALLBACK_REPLY, tracker)
