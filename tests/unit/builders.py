"""Builders for action tests: real rasa-sdk trackers and dispatchers, no mocks."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    intent: str,
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    ranking: list[str] | None = None,
    confidences: list[float] | None = None,
) -> Tracker:
    """A tracker whose latest message has the given intent, entities, slots and
    intent ranking (names, most confident first; confidences 0.5, 0.25, ... unless
    given)."""
    scores = confidences or [0.5 / (rank + 1) for rank in range(len(ranking or []))]
    return Tracker(
        sender_id="patient",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
            "intent_ranking": [
                {"name": name, "confidence": score}
                for name, score in zip(ranking or [], scores, strict=True)
            ],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_action(action: Action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    """Run an action as the action server would; return (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events
