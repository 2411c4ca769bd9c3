"""A real running assistant for end-to-end tests: action server + Rasa server.

Both servers start on free ports with their own SQLite tracker store in a
temporary folder, through the same functions `make run` uses.
"""

from __future__ import annotations

import queue
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
import socketio

from actions.content import load_content
from ops.processes import (
    DEFAULT_MODEL,
    Server,
    free_port,
    start_action_server,
    start_rasa_server,
    wait_until_healthy,
)
from stores.keys import conversation_id, stored_sender_id


@dataclass
class Stack:
    """The running servers and how to reach and restart them."""

    workdir: Path
    env: dict[str, str]
    rasa_port: int
    action_port: int
    model: Path
    rasa: Server | None = None
    actions: Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def tracker_db(self) -> Path:
        return Path(self.env["TRACKER_DB"])

    def stored_sender(self, channel: str, sender: str) -> str:
        """The sender_id column of a conversation: a keyed hash, with this stack's secret."""
        secret = self.env["SENDER_ID_SECRET"].encode()
        return stored_sender_id(conversation_id(channel, sender), secret)

    def start(self) -> None:
        """Both servers at once, as `make run` starts them: the action server's start-up
        overlaps the Rasa server's instead of coming before it."""
        self._launch_actions()
        self._launch_rasa()
        self._wait_for_actions()
        self._wait_for_rasa()

    def start_actions(self) -> None:
        self._launch_actions()
        self._wait_for_actions()

    def stop_actions(self) -> None:
        if self.actions:
            self.actions.stop()

    def start_rasa(self) -> None:
        self._launch_rasa()
        self._wait_for_rasa()

    def _launch_actions(self) -> None:
        self.actions = start_action_server(self.action_port, self.env, self.workdir / "actions.log")

    def _launch_rasa(self) -> None:
        self.rasa = start_rasa_server(
            self.rasa_port, self.env, self.workdir / "rasa.log", model=self.model
        )

    def _wait_for_actions(self) -> None:
        assert self.actions is not None
        wait_until_healthy(self.actions.health_url, self.actions.process)

    def _wait_for_rasa(self) -> None:
        assert self.rasa is not None
        wait_until_healthy(self.rasa.health_url, self.rasa.process, timeout=180)

    def stop_rasa(self) -> None:
        if self.rasa:
            self.rasa.stop()

    def say(self, sender: str, text: str, timeout: float = 30) -> list[dict]:
        """Send one message over REST and return the bot's messages."""
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()


@contextmanager
def running_stack(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Start both servers; stop them afterwards even if the test fails."""
    if not DEFAULT_MODEL.exists():
        raise RuntimeError("no trained model: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    # A private copy: a retrain during the tests must not change the model under them.
    model = Path(shutil.copy(DEFAULT_MODEL, workdir / DEFAULT_MODEL.name))
    action_port, rasa_port = free_port(), free_port()
    env = {
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(workdir / "tracker.db"),
        # Every test client is 127.0.0.1: the per-address rate limit (default 600 a
        # minute) would throttle whole suites. tests/privacy sets its own limits.
        "RATE_LIMIT_PER_IP_PER_MINUTE": "100000",
        "SENDER_ID_SECRET": secrets.token_hex(32),
        **(extra_env or {}),
    }
    stack = Stack(
        workdir=workdir, env=env, rasa_port=rasa_port, action_port=action_port, model=model
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop_rasa()
        stack.stop_actions()


def assert_disclaimer_on_every_message(messages: list[dict]) -> None:
    """Every bot message of a turn ends with the document's disclaimer."""
    disclaimer = load_content().disclaimer
    assert messages, "the bot sent nothing"
    for message in messages:
        assert message.get("text", "").endswith(disclaimer), message


class SocketIOPatient:
    """A socket.io client that talks as the web widget does: it asks for a session
    (the server confirms the one asked for if it issued it, else a new one), then
    sends its messages with the confirmed session id."""

    def __init__(self, url: str, origin: str | None = None) -> None:
        """With an origin, the long-polling transport is used, because websocket-client
        always sends its own Origin header (the server's address, i.e. the same origin)."""
        self.client = socketio.Client()
        self.replies: queue.Queue = queue.Queue()
        self.confirmed: queue.Queue = queue.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", self.confirmed.put)
        self.client.connect(
            url,
            headers={"Origin": origin} if origin else {},
            transports=["polling" if origin else "websocket"],
            socketio_path="/socket.io",
        )
        self.session_id = ""

    def request_session(self, session_id: str | None = None) -> str:
        """The session the server confirmed for the one requested (None: a new one)."""
        self.client.emit("session_request", {"session_id": session_id})
        self.session_id = self.confirmed.get(timeout=10)
        return self.session_id

    def send(self, text: str, **fields: object) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id, **fields})

    def say(self, text: str, **fields: object) -> dict:
        """One message, and the first bot message that arrives after it."""
        self.send(text, **fields)
        return self.replies.get(timeout=60)

    def close(self) -> None:
        self.client.disconnect()


def socketio_conversation(url: str, texts: list[str], origin: str | None = None) -> list[dict]:
    """Hold a conversation over Socket.IO as the web widget does; one reply per text."""
    patient = SocketIOPatient(url, origin)
    try:
        patient.request_session()
        return [patient.say(text) for text in texts]
    finally:
        patient.close()


SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


def first_sentences(text: str, count: int) -> str:
    """The opening sentences of a reply: an emergency reply must name the number there."""
    return " ".join(SENTENCE_END.split(text.strip())[:count])
