"""How a conversation is named: by its channel and sender, and at rest only by a keyed hash.

A sender id alone does not say whose conversation it is: REST lets the client choose
any, so ``{"sender": "whatsapp:+1…"}`` would otherwise reach the WhatsApp patient's
conversation. The channel guarantee (channels/guarantee.py) names every conversation
``<channel>:<sender>`` before Rasa sees it, so the tracker, the conversation lock,
the rate limit and "forget me" all act on one channel's sender.

Sender ids are phone numbers (SMS, WhatsApp) or account ids (Slack, Messenger,
Teams): the tracker store keeps only HMAC-SHA256(secret, conversation id), with the
secret of privacy.settings.sender_id_secret. Whoever has the database but not the
secret cannot tell whose conversations they are, nor test a guessed phone number.
"""

from __future__ import annotations

import hashlib
import hmac

from privacy.settings import sender_id_secret

CHANNEL_SEPARATOR = ":"
# Labels keep the hashes of the secret's different uses apart.
STORED_SENDER_LABEL = b"stored-sender-id\x00"


def conversation_id(channel: str, sender: str) -> str:
    """The id Rasa knows a conversation by: the channel's name, then the sender's id."""
    return f"{channel}{CHANNEL_SEPARATOR}{sender}"


def channel_sender(channel: str, conversation: str) -> str:
    """The sender id the channel knows (its provider addresses replies to it)."""
    return conversation.removeprefix(conversation_id(channel, ""))


def stored_sender_id(conversation: str, secret: bytes | None = None) -> str:
    """The key the tracker store files a conversation under (64 hex digits)."""
    key = sender_id_secret() if secret is None else secret
    return hmac.new(key, STORED_SENDER_LABEL + conversation.encode(), hashlib.sha256).hexdigest()
