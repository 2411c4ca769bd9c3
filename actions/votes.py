"""What a patient's vote on a document answer ("Was this helpful?") looks like.

A vote is never free text: it arrives as a button's payload,
``/feedback{"feedback_topic":"why_cervical_mri","feedback_value":"down"}`` (a "down"
optionally with ``"feedback_reason"``), which Rasa parses without the NLU and stores
as the patient's event, intent ``feedback`` with these entities: the record the
insights page counts. The actions offer and acknowledge votes (actions/feedback.py);
channels whose buttons cannot carry the payload translate to it (channels/feedback.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from actions.content import Content

FEEDBACK_INTENT = "feedback"
TOPIC_ENTITY = "feedback_topic"
VALUE_ENTITY = "feedback_value"
REASON_ENTITY = "feedback_reason"
VALUES = ("up", "down")
REASONS = ("unclear", "not_answered", "other")


@dataclass(frozen=True)
class Vote:
    """One patient's verdict on one topic's answer."""

    topic: str
    value: str
    reason: str | None = None

    @property
    def payload(self) -> str:
        """The payload that records this vote, in compact JSON as the widget writes it."""
        entities = {TOPIC_ENTITY: self.topic, VALUE_ENTITY: self.value}
        if self.reason is not None:
            entities[REASON_ENTITY] = self.reason
        return f"/{FEEDBACK_INTENT}{json.dumps(entities, separators=(',', ':'))}"


def valid_vote(topic: Any, value: Any, reason: Any, content: Content) -> Vote | None:
    """The vote if every part is one the assistant offers, else None.

    Anyone can type a payload by hand; only known topics, values and reasons make
    a vote, so nothing typed can pass for one.
    """
    if topic not in content.topics or value not in VALUES:
        return None
    if reason is not None and (value != "down" or reason not in REASONS):
        return None
    return Vote(topic, value, reason)


def vote_from_entities(entities: Iterable[dict[str, Any]], content: Content) -> Vote | None:
    """The vote carried by a feedback message's entities (as Rasa parsed the payload)."""
    found = {entity.get("entity"): entity.get("value") for entity in entities}
    return valid_vote(
        found.get(TOPIC_ENTITY), found.get(VALUE_ENTITY), found.get(REASON_ENTITY), content
    )


def vote_from_payload(payload: str, content: Content) -> Vote | None:
    """The vote a button's payload records, or None for any other payload."""
    prefix = f"/{FEEDBACK_INTENT}"
    if not payload.startswith(prefix + "{"):
        return None
    try:
        entities = json.loads(payload.removeprefix(prefix))
    except ValueError:
        return None
    if not isinstance(entities, dict):
        return None
    return valid_vote(
        entities.get(TOPIC_ENTITY), entities.get(VALUE_ENTITY), entities.get(REASON_ENTITY), content
    )


def feedback_buttons(content: Content, topic_id: str) -> list[dict[str, str]]:
    """The thumbs up and down offered with a document answer, after its topic buttons."""
    return [
        {"title": content.message(f"feedback_{value}"), "payload": Vote(topic_id, value).payload}
        for value in VALUES
    ]
