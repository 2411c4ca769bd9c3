"""Refuses webhook requests that the messaging provider did not sign.

The check runs as Sanic request middleware of the channel's blueprint, so it
happens before any of Rasa's handler code: a forged request gets 401/403 and
causes no conversation turn, no reply and no call to the provider's API.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, ClassVar

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class VerifiedWebhookMixin(InputChannel):
    """Mix in after GuaranteedReplyMixin; subclasses implement is_authentic."""

    refusal_status: ClassVar[HTTPStatus] = HTTPStatus.FORBIDDEN

    async def is_authentic(self, request: Request) -> bool:
        """Whether the provider really sent this request (signature, token, ...)."""
        raise NotImplementedError

    def _is_health_check(self, request: Request) -> bool:
        """GET /webhooks/<channel>/ only says the channel is up; it needs no signature."""
        return request.method == "GET" and request.path.rstrip("/").endswith(f"/{self.name()}")

    async def _refuse_unverified(self, request: Request) -> HTTPResponse | None:
        if self._is_health_check(request) or await self.is_authentic(request):
            return None
        logger.warning("Refused an unsigned or forged %s request to %s.", self.name(), request.path)
        return response.text("request not verified", status=self.refusal_status)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        blueprint.middleware("request")(self._refuse_unverified)
        return blueprint
