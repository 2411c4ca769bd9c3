"""Socket.IO channel (/socket.io) used by the web widget, with the reply guarantee.

Rasa's SocketIOInput switches the origin check off (``cors_allowed_origins=[]``);
this subclass switches it back on for ALLOWED_ORIGINS plus the server's own
origin (same-origin pages, and clients such as websocket-client that send the
server's address as Origin), tells the shared guard
the client's address (for the per-address rate limit) and answers malformed
events politely instead of failing inside the handler.

Session ids are the server's. With ``session_persistence`` (credentials.yml) a
socket receives the replies sent to the room named after its session id, and
Rasa lets the client name it: a client that asked for "1" would join, and read,
everyone else's "1". Here ``session_request`` confirms a session id only if this
server issued it (signed with the sender-id secret, so every instance sharing the
secret recognises it after a reconnect) and issues a new one otherwise, and a
message is accepted only with the session its socket holds. A session id is
unguessable and works like a password for its conversation; the widget keeps it
in sessionStorage only. Rasa 3.6's own ``session_request`` also calls
python-socketio 5's ``enter_room`` (a coroutine) without awaiting it, so its
sockets never joined their room and received no reply; this one awaits it.

Engine.io accepts messages of up to 4 x MAX_BODY_BYTES, as Sanic does for HTTP
(privacy.settings.request_max_size), instead of its 1 MB default; a larger one
closes the connection.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.guarantee import CLIENT_ADDRESS, GuaranteedReplyMixin
from channels.rest import bad_request_text, client_address
from privacy.settings import allowed_origins, request_max_size, sender_id_secret

SESSION_LABEL = b"socketio-session-id\x00"
SESSION_SEPARATOR = "."
MAX_SESSION_ID_CHARS = 128


class SessionIds:
    """Issues session ids (random, with an HMAC signature) and recognises its own.

    Stateless: nothing to share between Rasa instances but the secret.
    """

    def __init__(self, secret: bytes) -> None:
        self.key = hmac.new(secret, SESSION_LABEL, hashlib.sha256).digest()

    def issue(self) -> str:
        token = secrets.token_hex(16)
        return f"{token}{SESSION_SEPARATOR}{self._signature(token)}"

    def issued(self, session_id: Any) -> bool:
        """Whether session_id is one that a server with this secret issued."""
        if not isinstance(session_id, str) or len(session_id) > MAX_SESSION_ID_CHARS:
            return False
        token, _, signature = session_id.partition(SESSION_SEPARATOR)
        return bool(token) and hmac.compare_digest(signature, self._signature(token))

    def _signature(self, token: str) -> str:
        return hmac.new(self.key, token.encode(), hashlib.sha256).hexdigest()[:32]


class SocketIOChannel(GuaranteedReplyMixin, SocketIOInput):
    """Rasa's Socket.IO channel; answers even when the action server is down."""

    client_metadata = True

    def blueprint(self, on_new_message: Any) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        assert self.sio is not None  # set by Rasa's blueprint
        self._check_origins(self.sio.eio)
        self.sio.eio.max_http_buffer_size = request_max_size()
        self.sessions = SessionIds(sender_id_secret())
        handlers = self.sio.handlers[self.namespace or "/"]
        handlers["session_request"] = self._session_request
        handlers[self.user_message_evt] = self._checked(handlers[self.user_message_evt])
        return socketio_webhook

    @staticmethod
    def _check_origins(engine: Any) -> None:
        """Allow ALLOWED_ORIGINS and the same origin; engine.io offers one or the other."""
        origins = allowed_origins()
        if "*" in origins:
            engine.cors_allowed_origins = "*"
            return
        # None is engine.io's same-origin mode; its per-request list is extended with
        # ours (a private method: python-engineio is pinned in requirements.lock).
        engine.cors_allowed_origins = None
        same_origin = engine._cors_allowed_origins
        engine._cors_allowed_origins = lambda environ: [*origins, *same_origin(environ)]

    async def _session_request(self, sid: str, data: Any = None) -> None:
        """Confirm the requested session if this server issued it, else a new one; with
        session persistence, the socket leaves any earlier session's room and joins this."""
        assert self.sio is not None
        requested = data.get("session_id") if isinstance(data, dict) else None
        session_id = requested if self.sessions.issued(requested) else self.sessions.issue()
        if self.session_persistence:
            for room in self.sio.rooms(sid, self.namespace):
                if room != sid:
                    await self.sio.leave_room(sid, room, self.namespace)
            await self.sio.enter_room(sid, session_id, self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    def _checked(self, handle_message: Any) -> Any:
        """Wrap Rasa's message event handler with input checks and the client address."""

        async def checked(sid: str, data: Any) -> None:
            assert self.sio is not None
            if not self._well_formed(data) or not self._holds_session(sid, data):
                text = bad_request_text()
                await SocketIOOutput(self.sio, self.bot_message_evt).send_text_message(sid, text)
                return
            request = self.sio.get_environ(sid, self.namespace or "/").get("sanic.request")
            CLIENT_ADDRESS.set(client_address(request) if request is not None else None)
            await handle_message(sid, data)

        return checked

    def _well_formed(self, data: Any) -> bool:
        """Rasa's handler fails on these (or, without a session id, stays silent)."""
        if not isinstance(data, dict) or not isinstance(data.get(self.metadata_key, {}), dict):
            return False
        return bool(data.get("session_id")) or not self.session_persistence

    def _holds_session(self, sid: str, data: dict[str, Any]) -> bool:
        """With session persistence, the message's session must be the one this socket
        was confirmed (a session id the server issued, and whose room the socket is in)."""
        if not self.session_persistence:
            return True
        assert self.sio is not None
        session_id = data["session_id"]
        return self.sessions.issued(session_id) and session_id in self.sio.rooms(
            sid, self.namespace
        )
