"""The patient's right to be forgotten: "forget me" / "delete my conversation".

The action server cannot reach the Rasa server's tracker store, so this action
only confirms; the tracker store (stores/tracker_store.py) sees that this
action ran in the turn and deletes the whole conversation instead of saving
it. Importing this module also redacts the action server's logs.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import reply
from privacy import FORGET_ME_ACTION
from privacy.log_redaction import install_log_redaction

install_log_redaction()

FORGET_ME_REPLY = "forget_me"


class ActionForgetMe(Action):
    """Confirms the erasure that the tracker store carries out after this turn."""

    def name(self) -> str:
        return FORGET_ME_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return reply(dispatcher, FORGET_ME_REPLY)
