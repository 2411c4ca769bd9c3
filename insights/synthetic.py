"""Synthetic conversations as Rasa stores them, for the demo and the tests.

Rows of Rasa's ``events`` table with the JSON the assistant really stores (the
parse data with its intent ranking, the bot's text with the disclaimer and the
buttons) plus the fields of the data contract (docs/insights.md): a user
message's channel and red-flag category, a bot message's ``metadata.reply`` and
``metadata.topic``, and votes as ``feedback`` messages. Each turn also writes the
action, slot and featurisation events Rasa writes, so the table has its real
size and mix.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from actions.content import Content, load_content

MODEL_METADATA = {"model_id": "demo-model", "assistant_id": "spine-mri-assistant"}
INTENTS = ("greet", "thank", "out_of_scope", "ask_what_is_spine_mri", "ask_why_mri", "emergency")


def _row(sender_id: str, timestamp: float, data: dict[str, Any], **columns: Any) -> dict:
    return {
        "sender_id": sender_id,
        "type_name": data["event"],
        "timestamp": timestamp,
        "intent_name": columns.get("intent_name"),
        "action_name": columns.get("action_name"),
        "data": json.dumps({**data, "timestamp": timestamp}),
    }


def user_event(
    sender_id: str,
    timestamp: float,
    text: str,
    intent: str,
    channel: str = "rest",
    entities: dict[str, str] | None = None,
    red_flag: str | None = None,
) -> dict:
    """A patient's message: redacted text, intent, entities, channel, red-flag category."""
    message_id = uuid.uuid4().hex
    ranking = [{"name": intent, "confidence": 0.93}] + [
        {"name": other, "confidence": 0.01} for other in INTENTS if other != intent
    ]
    parse_data: dict[str, Any] = {
        "intent": {"name": intent, "confidence": 0.93},
        "entities": [
            {"entity": name, "value": value, "start": 0, "end": 0, "extractor": "RegexEntity"}
            for name, value in (entities or {}).items()
        ],
        "text": text,
        "message_id": message_id,
        "metadata": {},
        "text_tokens": [[0, len(text)]],
        "intent_ranking": ranking,
    }
    if red_flag is not None:
        learned = "self_harm" if intent == "self_harm" else "emergency"
        parse_data["red_flag"] = {"category": red_flag, "learned": learned}
    data = {
        "event": "user",
        "metadata": MODEL_METADATA,
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": message_id,
    }
    return _row(sender_id, timestamp, data, intent_name=intent)


def feedback_event(
    sender_id: str,
    timestamp: float,
    topic: str,
    value: str,
    reason: str | None = None,
    channel: str = "rest",
) -> dict:
    """A vote on an answer, as the widget's buttons send it."""
    entities = {"feedback_topic": topic, "feedback_value": value}
    if reason is not None:
        entities["feedback_reason"] = reason
    payload = f"/feedback{json.dumps(entities)}"
    return user_event(sender_id, timestamp, payload, "feedback", channel, entities)


def bot_event(
    sender_id: str, timestamp: float, text: str, reply: str | None, topic: str | None = None
) -> dict:
    """A bot message; reply None is a message stored before replies were labelled."""
    metadata = dict(MODEL_METADATA)
    if reply is not None:
        metadata["reply"] = reply
    if topic is not None:
        metadata["topic"] = topic
    data = {
        "event": "bot",
        "metadata": metadata,
        "text": text,
        "data": {"elements": None, "quick_replies": None, "buttons": [], "attachment": None},
    }
    return _row(sender_id, timestamp, data)


def action_event(sender_id: str, timestamp: float, name: str) -> dict:
    data = {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0}
    return _row(sender_id, timestamp, data, action_name=name)


def housekeeping_events(sender_id: str, timestamp: float, action: str) -> list[dict]:
    """What Rasa writes around a turn besides the two messages."""
    return [
        _row(sender_id, timestamp, {"event": "user_featurization"}),
        action_event(sender_id, timestamp, action),
        _row(sender_id, timestamp, {"event": "slot", "name": "offered_topics", "value": []}),
    ]


def session_start_events(sender_id: str, timestamp: float) -> list[dict]:
    return [
        action_event(sender_id, timestamp, "action_session_start"),
        _row(sender_id, timestamp, {"event": "session_started"}),
        action_event(sender_id, timestamp, "action_listen"),
    ]


# --- the demo's realistic mix ------------------------------------------------

CHANNELS = {"socketio": 60, "rest": 15, "twilio": 10, "slack": 5, "telegram": 5, "botframework": 5}
# What a patient's message gets, by share of the messages after the greeting.
OUTCOMES = {
    "answer": 70,
    "did_you_mean": 6,
    "nlu_fallback": 5,
    "out_of_scope": 9,
    "human_handoff": 3,
    "emergency": 1.5,
    "self_harm": 0.5,
    "thank": 5,
}
VOTE_SHARE = 0.15
HELPFUL_SHARE = 0.72
REASONS = {"unclear": 40, "not_answered": 45, "other": 10, None: 5}
# Questions the document does not answer, several ways each (the content gaps).
GAP_THEMES = (
    ("where do I park for my MRI", "is there parking at the hospital", "parking cost for MRI"),
    ("how much does a spine MRI cost", "will my insurance pay for the MRI", "MRI price"),
    ("can I eat before my MRI", "do I need to fast before the scan", "can I drink water before"),
    ("I am claustrophobic can I get sedation", "can I have something to relax me in the MRI"),
    ("can I have an MRI with a pacemaker", "is MRI safe with my pacemaker"),
    ("how long until I get my MRI results", "when will my doctor get the results"),
    ("I have a tattoo is MRI safe", "will my tattoo burn in the MRI"),
    ("can I have an MRI while pregnant", "is spine MRI safe in pregnancy"),
    ("what is the contrast dye", "I am allergic to contrast dye", "do I need gadolinium"),
    ("can my child have an MRI", "MRI for a 6 year old"),
    ("how do I reschedule my appointment", "cancel my MRI appointment"),
    ("what should I wear to the MRI", "can I keep my clothes on"),
)
DETAILS = ("", " please", " tomorrow", " next week", "?", " thanks", " for my back", " for my neck")
EMERGENCY_CATEGORIES = ("chest_pain", "stroke", "breathing", "collapse", "bleeding", "cauda_equina")


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class DemoConversations:
    """Generates conversations of the demo's mix, deterministically from a seed."""

    content: Content = field(default_factory=load_content)
    seed: int = 18
    # Training examples by intent (data/nlu.yml) as the patients' words; without
    # them, the topics' titles and placeholders.
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def _say(self, intent: str, default: str) -> str:
        return self.rng.choice(self.examples.get(intent) or [default])

    def _reply_text(self, outcome: str, topic: str | None) -> str:
        content = self.content
        if topic is not None:
            return content.with_disclaimer(content.answer_text(content.topics[topic]))
        key = outcome if outcome in content.replies else "nlu_fallback"
        return content.with_disclaimer(content.reply_text(key))

    def rows(self, count: int, end: float, days: int) -> Iterator[list[dict]]:
        """count conversations spread over the days before end, one list of rows each."""
        for number in range(count):
            start = end - self.rng.random() * days * 86_400
            yield self.conversation(f"demo-{number:06d}-{self.rng.getrandbits(32):08x}", start)

    def conversation(self, sender_id: str, start: float) -> list[dict]:
        rng = self.rng
        channel = _weighted(rng, CHANNELS)
        now = start
        rows = session_start_events(sender_id, now)
        if rng.random() < 0.4:
            rows += self._turn(sender_id, now, channel, "greet", self._say("greet", "hello"))
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            now += rng.uniform(5, 90)
            rows += self._turn(sender_id, now, channel, _weighted(rng, OUTCOMES), None)
        return rows

    def _turn(
        self, sender_id: str, now: float, channel: str, outcome: str, text: str | None
    ) -> list[dict]:
        rng = self.rng
        topic, category, intent = None, None, outcome
        if outcome == "answer":
            topic = rng.choice(list(self.content.topics))
            intent = self.content.topics[topic].intent
            text = self._say(intent, self.content.topics[topic].title)
        elif outcome in ("nlu_fallback", "out_of_scope"):
            text = rng.choice(rng.choice(GAP_THEMES)) + rng.choice(DETAILS)
        elif outcome == "did_you_mean":
            intent, text = "nlu_fallback", "spine mri thing" + rng.choice(DETAILS)
        elif outcome in ("emergency", "self_harm"):
            category = "suicide_self_harm" if outcome == "self_harm" else None
            category = category or rng.choice(EMERGENCY_CATEGORIES)
            text = self._say(outcome, f"({outcome} message)")
        rows = [user_event(sender_id, now, text or outcome, intent, channel, red_flag=category)]
        action = "action_answer" if topic else "action_reply"
        rows += housekeeping_events(sender_id, now + 0.05, action)
        reply = self._reply_text(outcome, topic)
        rows.append(bot_event(sender_id, now + 0.1, reply, outcome, topic))
        rows.append(action_event(sender_id, now + 0.1, "action_listen"))
        if topic and rng.random() < VOTE_SHARE:
            rows += self._vote(sender_id, now + rng.uniform(3, 30), channel, topic)
        return rows

    def _vote(self, sender_id: str, now: float, channel: str, topic: str) -> list[dict]:
        helpful = self.rng.random() < HELPFUL_SHARE
        reason = None if helpful else _weighted(self.rng, REASONS)
        value = "up" if helpful else "down"
        vote = feedback_event(sender_id, now, topic, value, reason, channel)
        text = self.content.with_disclaimer("Thank you for your feedback.")
        thanks = bot_event(sender_id, now + 0.1, text, "feedback_thanks")
        return [vote, *housekeeping_events(sender_id, now + 0.05, "action_feedback"), thanks]
