"""Turns environment variables into the Rasa server's channel configuration.

Rasa reads its channels from a static credentials file and refuses unset
``${VARS}`` in it, yet each messaging channel must be switched on by its
environment variables alone. So the server is started with a file generated
here: credentials.yml (REST and Socket.IO, always on) plus every messaging
channel whose variables are all set. A channel with only some of its variables
set is a deployment mistake that would silently leave patients unanswered, so
it stops start-up with the names of the missing variables.

This module must stay free of Rasa imports: `make run` calls it before starting
anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from project import PROJECT_ROOT

BASE_CREDENTIALS = PROJECT_ROOT / "credentials.yml"


class ChannelConfigError(ValueError):
    """A messaging channel is only partly configured."""


@dataclass(frozen=True)
class Channel:
    """A messaging channel: its connector class and where its settings come from."""

    title: str
    connector: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)

    def settings(self, env: Mapping[str, str]) -> dict[str, str] | None:
        """The connector's credentials, or None when the channel is off."""
        present = {key: env.get(var, "") for key, var in self.required.items()}
        missing = [self.required[key] for key, value in present.items() if not value]
        if len(missing) == len(self.required):
            return None
        if missing:
            raise ChannelConfigError(
                f"{self.title} is half configured: set {', '.join(missing)} "
                f"(or unset {', '.join(self.required.values())} to switch it off)"
            )
        optional = {key: env[var] for key, var in self.optional.items() if env.get(var)}
        return {**present, **optional}


CHANNELS = (
    Channel(
        "Slack",
        "channels.slack.SlackChannel",
        {"slack_token": "SLACK_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        {"api_url": "SLACK_API_URL"},
    ),
    Channel(
        "Facebook Messenger",
        "channels.facebook.FacebookChannel",
        {
            "verify": "FACEBOOK_VERIFY",
            "secret": "FACEBOOK_SECRET",
            "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN",
        },
        {"api_url": "FACEBOOK_API_URL"},
    ),
    Channel(
        "Twilio SMS/WhatsApp",
        "channels.twilio.TwilioChannel",
        {
            "account_sid": "TWILIO_ACCOUNT_SID",
            "auth_token": "TWILIO_AUTH_TOKEN",
            "twilio_number": "TWILIO_NUMBER",
        },
        {"api_url": "TWILIO_API_URL", "webhook_url": "TWILIO_WEBHOOK_URL"},
    ),
    Channel(
        "Telegram",
        "channels.telegram.TelegramChannel",
        {
            "access_token": "TELEGRAM_TOKEN",
            "verify": "TELEGRAM_BOT_NAME",
            "webhook_url": "TELEGRAM_WEBHOOK_URL",
            "secret_token": "TELEGRAM_SECRET_TOKEN",
        },
        {"api_url": "TELEGRAM_API_URL"},
    ),
    Channel(
        "Microsoft Teams",
        "channels.teams.TeamsChannel",
        {"app_id": "TEAMS_APP_ID", "app_password": "TEAMS_APP_PASSWORD"},
        {"token_url": "TEAMS_TOKEN_URL", "openid_url": "TEAMS_OPENID_URL"},
    ),
)


def messaging_channels(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The switched-on messaging channels by connector; raises on half-configured ones."""
    enabled: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for channel in CHANNELS:
        try:
            settings = channel.settings(env)
        except ChannelConfigError as problem:
            problems.append(str(problem))
            continue
        if settings is not None:
            enabled[channel.connector] = settings
    if problems:
        raise ChannelConfigError("; ".join(problems))
    return enabled


def enabled_titles(env: Mapping[str, str]) -> list[str]:
    """Human names of the switched-on messaging channels (for start-up messages)."""
    enabled = messaging_channels(env)
    return [channel.title for channel in CHANNELS if channel.connector in enabled]


def credentials(env: Mapping[str, str]) -> dict[str, Any]:
    """The whole credentials mapping: the base file plus the enabled channels."""
    base = yaml.safe_load(BASE_CREDENTIALS.read_text(encoding="utf-8"))
    return {**base, **messaging_channels(env)}


def write_credentials(env: Mapping[str, str], path: Path) -> Path:
    """Write the credentials for this environment, readable only by the owner (secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        yaml.safe_dump(credentials(env), file, sort_keys=False)
    return path
