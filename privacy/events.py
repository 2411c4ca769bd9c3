"""What of a Rasa event is the patient's, and whether the patient asked to be forgotten.

The tracker store (stores/tracker_store.py) stores and publishes only the copies made
here, and erases a conversation when :func:`erasure_requested` says so.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import FORGET_ME_ACTION
from privacy.redaction import redact_value

# Fields of an event's dictionary that can carry what the patient typed.
PATIENT_FIELDS = ("text", "parse_data", "metadata", "value", "entities")


def redacted_dict(event: Event) -> dict[str, Any]:
    """The event's dictionary with its patient-provided fields redacted."""
    data = event.as_dict()
    for field in PATIENT_FIELDS:
        if field in data:
            data[field] = redact_value(data[field])
    return data


def redact_event(event: Event) -> Event:
    """A copy of the event whose patient-provided fields are redacted.

    Rasa returns None for a dictionary without an event name (or of the obsolete
    "topic" event), which an event's own as_dict never is; should it happen, this
    fails here rather than in the event broker.
    """
    copy = Event.from_parameters(redacted_dict(event))
    if copy is None:
        raise ValueError(f"Rasa could not rebuild a {event.type_name!r} event.")
    return copy


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the forget-me action ran since the patient's latest message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ME_ACTION:
            return True
    return False
