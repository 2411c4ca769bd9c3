"""Shapes bot messages for messaging channels: length limits, choices, disclaimer.

Every bot message is "<answer>\\n<disclaimer>" (actions/messaging.py). Messaging
providers cap the length of one message, and a patient may see any single
message on its own (SMS parts can even arrive out of order), so a long reply is
split at paragraph, then sentence, then word boundaries and *every* part ends
with the whole disclaimer. Quick replies become the channel's native buttons,
or a numbered list on channels that have none; the feedback buttons of a document
answer (actions/votes.py) become "Reply Y if this helped, N if not" there.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rasa.core.channels.channel import OutputChannel

from actions.content import load_content
from actions.votes import vote_from_payload

Choice = dict[str, Any]

# From the widest to the narrowest place where a text may be cut.
BOUNDARIES = (re.compile(r"\n+"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))
JOINERS = ("\n", " ", " ")


def _pieces(text: str, capacity: int, level: int = 0) -> list[str]:
    """Cut text into pieces of at most capacity characters at the widest boundary."""
    if len(text) <= capacity:
        return [text]
    if level == len(BOUNDARIES):
        return [text[start : start + capacity] for start in range(0, len(text), capacity)]
    units = [unit for unit in BOUNDARIES[level].split(text) if unit]
    parts: list[str] = []
    current = ""
    for unit in units:
        for piece in _pieces(unit, capacity, level + 1):
            joined = f"{current}{JOINERS[level]}{piece}" if current else piece
            if len(joined) <= capacity:
                current = joined
            else:
                parts.append(current)
                current = piece
    return [*parts, current] if current else parts


def split_reply(text: str, limit: int, disclaimer: str) -> list[str]:
    """Split a bot message into parts of at most limit characters.

    The disclaimer is never cut: it is taken off the end, the rest is split,
    and it is put back whole at the end of every part.
    """
    if not text.endswith(disclaimer):
        return _pieces(text, limit)
    body = text.removesuffix(disclaimer).rstrip()
    capacity = limit - len(disclaimer) - 1
    if capacity <= 0:
        raise ValueError(f"a {limit}-character limit cannot carry the disclaimer")
    if not body:
        return [disclaimer]
    return [f"{part}\n{disclaimer}" for part in _pieces(body, capacity)]


def split_choices(choices: list[Choice]) -> tuple[list[Choice], list[Choice]]:
    """The topic choices, and the feedback choices that come after them under an answer."""
    content = load_content()
    votes = [c for c in choices if vote_from_payload(str(c.get("payload", "")), content)]
    return [c for c in choices if c not in votes], votes


def number_prompt(count: int) -> list[str]:
    """The prompt "Reply 1, 2 or 3" for that many numbered choices (none for none)."""
    content = load_content()
    numbers = [str(index) for index in range(1, count + 1)]
    if not numbers:
        return []
    if len(numbers) == 1:
        return [content.message("reply_with_number_single", last=numbers[0])]
    return [content.message("reply_with_number", numbers=", ".join(numbers[:-1]), last=numbers[-1])]


def numbered_choices(text: str, choices: list[Choice], disclaimer: str) -> str:
    """Put choices into the text as "1. <title>" lines and a "Reply 1, 2 or 3" prompt.

    The server side already answers a bare number with the n-th offered topic
    (slot offered_topics), so the list only has to show the same order; the
    feedback choices are not numbered (they are not topics) but asked for as
    Y or N (channels/feedback.py reads the answer).
    """
    topics, votes = split_choices(choices)
    lines = [f"{index}. {choice['title']}" for index, choice in enumerate(topics, start=1)]
    yes_no = [load_content().message("reply_yes_no")] if votes else []
    body = text.removesuffix(disclaimer).rstrip()
    tail = [disclaimer] if text.endswith(disclaimer) else []
    return "\n".join([body, *lines, *number_prompt(len(topics)), *yes_no, *tail])


class FittedReplies(OutputChannel):
    """Mix into a provider's output channel (first) to send messages that fit it.

    Subclasses say how to send one message (send_part) and one message with
    buttons (send_choices); this class does the splitting, so both the normal
    turn (send_response) and the guarantee's degraded reply (send_text_message)
    respect the limit and keep the disclaimer.
    """

    max_length: ClassVar[int]

    async def send_part(self, recipient_id: str, text: str) -> None:
        """Send exactly one provider message."""
        raise NotImplementedError

    async def send_choices(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        """Send exactly one provider message with native buttons."""
        raise NotImplementedError

    async def send_reply(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        """Send a bot message as parts within the limit; buttons go on the last part."""
        parts = split_reply(text, self.max_length, load_content().disclaimer)
        for part in parts[:-1]:
            await self.send_part(recipient_id, part)
        if choices:
            await self.send_choices(recipient_id, parts[-1], choices)
        else:
            await self.send_part(recipient_id, parts[-1])

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        message = dict(message)
        buttons, quick_replies = message.pop("buttons", None), message.pop("quick_replies", None)
        choices = buttons or quick_replies or []
        text = message.pop("text", None)
        if text:
            await self.send_reply(recipient_id, text, choices)
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_reply(recipient_id, text, [])


class NumberedChoices(FittedReplies):
    """For channels without buttons: choices become a numbered list in the text."""

    async def send_reply(self, recipient_id: str, text: str, choices: list[Choice]) -> None:
        if choices:
            text = numbered_choices(text, choices, load_content().disclaimer)
        await super().send_reply(recipient_id, text, [])
