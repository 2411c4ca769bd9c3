"""What of a Rasa event is stored, and whether the patient asked to be forgotten.

The tracker store (stores/tracker_store.py) stores and publishes only the copies made
here: every string the patient could have written is redacted; the metadata a client
or provider sent along with a message (which Rasa copies into the user event, its
parse data and the session-start slot) and message ids are dropped, keeping only
Rasa's model and assistant ids; dictionary keys that come from the patient (inside
entity and slot values, e.g. from ``/intent{"key": …}``) are redacted like the
values. The metadata of the assistant's own events (which reply and topic a bot
message is, actions/messaging.py) is kept, redacted like text. The tracker store
erases a conversation when :func:`erasure_requested` says so.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import FORGET_ME_ACTION
from privacy.redaction import redact

# Fields of an event's dictionary that can carry what the patient typed.
PATIENT_FIELDS = ("text", "parse_data", "entities")
METADATA, MESSAGE_ID, VALUE = "metadata", "message_id", "value"
# What Rasa itself puts in an event's metadata: which model and assistant made it.
RASA_METADATA_KEYS = ("model_id", "assistant_id")
# What the actions put in a bot message's metadata (actions/messaging.py): the kind of
# reply and the topic a document answer answered, the content file's own keys, which
# the insights page counts. The action server writes them, never a client: kept as is.
BOT_METADATA_KEYS = ("reply", "topic")


def redacted_dict(event: Event) -> dict[str, Any]:
    """The event's dictionary as stored: see the module docstring."""
    data = event.as_dict()
    data.pop(MESSAGE_ID, None)
    if METADATA in data:
        user_event = data.get("event") == UserUttered.type_name
        data[METADATA] = _rasa_metadata(data[METADATA]) if user_event else _scrubbed(data[METADATA])
        if data.get("event") == BotUttered.type_name:
            data[METADATA].update(_bot_metadata(event.metadata))
    if VALUE in data:
        data[VALUE] = _slot_value(data)
    for field in PATIENT_FIELDS:
        if field in data:
            data[field] = _scrubbed(data[field])
    return data


def _rasa_metadata(metadata: Any) -> dict[str, str]:
    """Only Rasa's own entries (a client could have set them too, so redacted)."""
    if not isinstance(metadata, dict):
        return {}
    return {
        key: redact(metadata[key])
        for key in RASA_METADATA_KEYS
        if isinstance(metadata.get(key), str)
    }


def _bot_metadata(metadata: Any) -> dict[str, str]:
    """What the reply was and which topic it answered (BOT_METADATA_KEYS)."""
    if not isinstance(metadata, dict):
        return {}
    return {key: metadata[key] for key in BOT_METADATA_KEYS if isinstance(metadata.get(key), str)}


def _slot_value(data: dict[str, Any]) -> Any:
    """A slot's value redacted; the session-start metadata slot's dropped."""
    if data.get("event") == SlotSet.type_name and data.get("name") == SESSION_START_METADATA_SLOT:
        return None
    return _scrubbed(data[VALUE], patient_keys=True)


def _scrubbed(value: Any, patient_keys: bool = False) -> Any:
    """value with every string redacted; in Rasa's own dictionaries (patient_keys
    False) metadata and message ids dropped; below a "value", keys redacted too."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_scrubbed(item, patient_keys) for item in value]
    if not isinstance(value, dict):
        return value
    if patient_keys:
        return {redact(str(key)): _scrubbed(item, True) for key, item in value.items()}
    return {
        key: _scrubbed(item, key == VALUE)
        for key, item in value.items()
        if key not in (METADATA, MESSAGE_ID)
    }


def redact_event(event: Event) -> Event:
    """A copy of the event as it is stored (:func:`redacted_dict`).

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
