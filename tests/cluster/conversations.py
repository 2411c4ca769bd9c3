"""Scripted multi-turn conversations through the cluster's nginx, checked turn by turn.

Every turn's expected reply comes from content/spine_mri.yml. Two turns only
make sense with the conversation's stored context: "option N" picks from the
topics the previous turn offered, so an instance that did not see the previous
turn (a lost, late or interleaved event) gives a different answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import psycopg2
import requests

from actions.content import load_content
from ops.cluster.config import ClusterConfig
from stores.keys import conversation_id, stored_sender_id

CONTENT = load_content()
REGION_CHOICES = ("why_cervical_mri", "why_lumbar_mri")


def choose(option: int) -> str:
    """The message of a patient who taps option N (Rasa's /intent{entities} syntax)."""
    return "/choose_option" + json.dumps({"option": str(option)})


def reply_text(key: str) -> str:
    return CONTENT.reply_text(key)


def answer(topic_id: str) -> str:
    return CONTENT.answer_text(CONTENT.topics[topic_id])


@dataclass(frozen=True)
class Turn:
    """What the patient says and the start of the reply the document prescribes."""

    text: str
    expected: str


def opening_script(number: int) -> list[Turn]:
    """Four turns, two of which depend on the turn before them; varied per conversation."""
    topic = 1 + number % len(CONTENT.main_topics)
    region = 1 + (number // len(CONTENT.main_topics)) % len(REGION_CHOICES)
    return [
        Turn("hello", reply_text("greet")),
        Turn(choose(topic), answer(CONTENT.main_topics[topic - 1])),
        Turn("/ask_why_mri", CONTENT.message("clarify_region")),
        Turn(choose(region), answer(REGION_CHOICES[region - 1])),
    ]


def follow_up_script(region: int) -> list[Turn]:
    """Two more turns for a conversation that already exists."""
    return [
        Turn("/ask_why_mri", CONTENT.message("clarify_region")),
        Turn(choose(region), answer(REGION_CHOICES[region - 1])),
    ]


@dataclass
class Conversation:
    """One patient talking to the cluster over REST; remembers who answered each turn."""

    sender: str
    base_url: str
    sent: list[Turn] = field(default_factory=list)
    bot_texts: list[str] = field(default_factory=list)
    upstreams: list[str] = field(default_factory=list)
    session: requests.Session = field(default_factory=requests.Session)

    def say(self, turn: Turn) -> None:
        """One turn: exactly one bot message, the expected text, then the disclaimer."""
        response = self.session.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": turn.text},
            timeout=300,  # 100 patients at once on a busy 2-core machine queue up
        )
        response.raise_for_status()
        # Which instances took the turn and the ones before it, for a failure's message.
        served = (self.upstreams, response.headers.get("X-Upstream"))
        messages = response.json()
        assert len(messages) == 1, (self.sender, turn.text, messages, served)
        text = messages[0]["text"]
        assert text.startswith(turn.expected), (self.sender, turn.text, text, served)
        assert text.endswith("\n" + CONTENT.disclaimer), (self.sender, text, served)
        self.sent.append(turn)
        self.bot_texts.append(text)
        # "a, b" when nginx retried on b after a refused the connection: b answered.
        self.upstreams.append(response.headers["X-Upstream"].split(", ")[-1])

    def run(self, turns: list[Turn]) -> None:
        for turn in turns:
            self.say(turn)

    def switches(self) -> int:
        """How often consecutive turns were answered by different Rasa instances."""
        return sum(a != b for a, b in zip(self.upstreams, self.upstreams[1:], strict=False))

    def expected_events(self) -> list[tuple[str, str]]:
        """The tracker's user/bot events if nothing was lost, duplicated or interleaved."""
        events = []
        for turn, bot_text in zip(self.sent, self.bot_texts, strict=True):
            events += [("user", turn.text), ("bot", bot_text)]
        return events


class StoredConversations(Mapping[str, list[tuple[str, str]]]):
    """Conversations' user and bot messages by REST sender. The store files each under
    a keyed hash of "rest:<sender>" (stores/keys.py, with the secret the cluster's Rasa
    instances share: SENDER_ID_SECRET or var/sender_id_secret), so they are looked up
    the same way."""

    def __init__(self, by_stored_key: dict[str, list[tuple[str, str]]]) -> None:
        self.by_stored_key = by_stored_key

    def __getitem__(self, sender: str) -> list[tuple[str, str]]:
        return self.by_stored_key[stored_sender_id(conversation_id("rest", sender))]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_stored_key)  # the stored keys: the senders cannot be recovered

    def __len__(self) -> int:
        return len(self.by_stored_key)


def stored_events(config: ClusterConfig) -> StoredConversations:
    """Every conversation's user and bot messages in PostgreSQL, in stored order."""
    with psycopg2.connect(config.tracker_store_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT sender_id, type_name, data FROM events "
            "WHERE type_name IN ('user', 'bot') ORDER BY id"
        )
        rows = cursor.fetchall()
    connection.close()
    events: dict[str, list[tuple[str, str]]] = {}
    for key, kind, data in rows:
        events.setdefault(key, []).append((kind, json.loads(data)["text"]))
    return StoredConversations(events)
