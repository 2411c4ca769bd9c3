"""Channels are switched on by their environment variables alone (channels/config.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from channels.config import CHANNELS, ChannelConfigError, credentials, write_credentials
from tests.channels.providers import SECRETS

BASE = {"channels.rest.RestChannel", "channels.socketio.SocketIOChannel"}


def test_no_variables_means_only_rest_and_socketio() -> None:
    assert set(credentials({})) == BASE


def test_empty_values_count_as_unset() -> None:
    assert set(credentials(dict.fromkeys(SECRETS, ""))) == BASE


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.title)
def test_a_fully_configured_channel_is_on(channel) -> None:
    env = {var: SECRETS[var] for var in channel.required.values()}
    settings = credentials(env)[channel.connector]
    assert settings == {key: SECRETS[var] for key, var in channel.required.items()}


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.title)
def test_a_half_configured_channel_names_what_is_missing(channel) -> None:
    first, *rest = channel.required.values()
    with pytest.raises(ChannelConfigError) as error:
        credentials({first: SECRETS[first]})
    assert channel.title in str(error.value)
    assert all(var in str(error.value).split("(")[0] for var in rest)
    assert first not in str(error.value).split("(")[0]


def test_optional_api_urls_are_passed_only_when_set() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": "AC1",
        "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_NUMBER": "+1",
        "TWILIO_API_URL": "http://127.0.0.1:9/twilio",
    }
    settings = credentials(env)["channels.twilio.TwilioChannel"]
    assert settings["api_url"] == "http://127.0.0.1:9/twilio"
    assert "webhook_url" not in settings


def test_written_credentials_are_private_yaml(tmp_path: Path) -> None:
    path = write_credentials(SECRETS, tmp_path / "credentials.yml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(yaml.safe_load(path.read_text())) == BASE | {c.connector for c in CHANNELS}
