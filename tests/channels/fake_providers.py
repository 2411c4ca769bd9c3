"""A local stand-in for the providers' APIs (Slack, Graph, Twilio, Telegram, Bot Framework).

The Rasa server under test is pointed at it through the *_API_URL variables,
so every outgoing API call of a connector is captured here instead of leaving
the machine. It answers with the minimal documented success responses.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ops.processes import free_port


@dataclass
class Call:
    """One request a connector made to a provider's API."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    return {key: values[0] for key, values in parse_qs(raw.decode()).items()}


def _telegram_result(method: str, body: dict[str, Any], bot_name: str) -> Any:
    if method == "getMe":
        return {"id": 1, "is_bot": True, "first_name": "Test", "username": bot_name}
    if method == "sendMessage":
        chat = {"id": int(body["chat_id"]), "type": "private"}
        return {"message_id": 1, "date": int(time.time()), "chat": chat, "text": body["text"]}
    return True


@dataclass
class FakeProviders:
    """The fake API server; calls are recorded in arrival order."""

    telegram_bot_name: str
    teams_jwks: dict[str, Any] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    # Recipients whose messages the fake refuses as an unavailable API would (503).
    unreachable: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler_class())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, call: Call) -> None:
        with self._arrived:
            self.calls.append(call)
            self._arrived.notify_all()

    def matching(self, predicate: Callable[[Call], bool]) -> list[Call]:
        with self._arrived:
            return [call for call in self.calls if predicate(call)]

    def wait_for(
        self, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 30
    ) -> list[Call]:
        """The first `count` matching calls, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(found := [call for call in self.calls if predicate(call)]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} API call(s), got {found}")
                self._arrived.wait(remaining)
            return found[:count]

    def _refused(self, call: Call) -> bool:
        """A message to an unreachable recipient: SMS number, Messenger id, Teams conversation."""
        recipients = {call.body.get("To"), (call.body.get("recipient") or {}).get("id")}
        activities = r"/teams/service/v3/conversations/([^/]+)/activities"
        conversation = re.fullmatch(activities, call.path)
        if conversation:
            recipients.add(conversation.group(1))
        return bool(recipients & self.unreachable)

    def respond(self, call: Call) -> tuple[int, Any]:
        """The provider's documented success answer to a call."""
        path = call.path
        if self._refused(call):
            return 503, {"error": {"message": "Service unavailable", "code": 2}}
        if path.startswith("/slack/api/"):
            return 200, {"ok": True, "channel": call.body.get("channel"), "ts": "1.000001"}
        if path.startswith("/facebook/"):
            return 200, {"recipient_id": call.body["recipient"]["id"], "message_id": "m_1"}
        if path.startswith("/twilio/"):
            return 201, {"sid": "SM" + "0" * 32, "status": "queued", **call.body}
        if match := re.fullmatch(r"/telegram/bot[^/]+/(\w+)", path):
            result = _telegram_result(match.group(1), call.body, self.telegram_bot_name)
            return 200, {"ok": True, "result": result}
        if path == "/teams/token":
            return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": "fake-token"}
        if path == "/teams/openid":
            return 200, {"jwks_uri": f"{self.url}/teams/keys"}
        if path == "/teams/keys":
            return 200, self.teams_jwks
        if path.startswith("/teams/service/v3/conversations/"):
            return 200, {"id": "activity-1"}
        return 404, {"error": f"no fake for {path}"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                url = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = Call(
                    method=self.command,
                    path=url.path,
                    query={key: values[0] for key, values in parse_qs(url.query).items()},
                    headers=dict(self.headers),
                    body=_parse_body(self.headers.get("Content-Type", ""), raw),
                )
                fake.record(call)
                status, answer = fake.respond(call)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

            def log_message(self, *_: Any) -> None:
                """Quiet: the calls are recorded instead."""

        return Handler
