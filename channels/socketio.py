"""Socket.IO channel (/socket.io) used by the web widget, with the reply guarantee."""

from rasa.core.channels.socketio import SocketIOInput

from channels.guarantee import GuaranteedReplyMixin


class SocketIOChannel(GuaranteedReplyMixin, SocketIOInput):
    """Rasa's Socket.IO channel; answers even when the action server is down."""
