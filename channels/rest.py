"""REST channel (/webhooks/rest/webhook) with the reply guarantee."""

from rasa.core.channels.rest import RestInput

from channels.guarantee import GuaranteedReplyMixin


class RestChannel(GuaranteedReplyMixin, RestInput):
    """Rasa's REST channel; answers even when the action server is down."""
