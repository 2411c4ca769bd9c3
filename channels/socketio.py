"""Socket.IO channel (/socket.io) used by the web widget, with the reply guarantee.

Rasa's SocketIOInput switches the origin check off (``cors_allowed_origins=[]``);
this subclass switches it back on for ALLOWED_ORIGINS plus the server's own
origin (same-origin pages, and clients such as websocket-client that send the
server's address as Origin), tells the shared guard
the client's address (for the per-address rate limit) and answers malformed
events politely instead of failing inside the handler.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.guarantee import CLIENT_ADDRESS, GuaranteedReplyMixin
from channels.rest import bad_request_text, client_address
from privacy.settings import allowed_origins


class SocketIOChannel(GuaranteedReplyMixin, SocketIOInput):
    """Rasa's Socket.IO channel; answers even when the action server is down."""

    def blueprint(self, on_new_message: Any) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        assert self.sio is not None  # set by Rasa's blueprint
        self._check_origins(self.sio.eio)
        handlers = self.sio.handlers[self.namespace or "/"]
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

    def _checked(self, handle_message: Any) -> Any:
        """Wrap Rasa's message event handler with input checks and the client address."""

        async def checked(sid: str, data: Any) -> None:
            assert self.sio is not None
            if not self._well_formed(data):
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
