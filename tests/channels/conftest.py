"""One Rasa server with every messaging channel on, and the fake provider APIs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from tests.channels.fake_providers import FakeProviders
from tests.channels.providers import TELEGRAM_BOT_NAME, channel_env, teams_jwks
from tests.stack import Stack, running_stack


@pytest.fixture(scope="package")
def teams_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="package")
def fake(teams_key: RSAPrivateKey) -> Iterator[FakeProviders]:
    providers = FakeProviders(telegram_bot_name=TELEGRAM_BOT_NAME, teams_jwks=teams_jwks(teams_key))
    providers.start()
    yield providers
    providers.stop()


@pytest.fixture(scope="package")
def stack(fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("channels"), channel_env(fake.url)) as running:
        yield running
