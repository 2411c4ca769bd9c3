"""The provider side of the channel tests: test secrets, recorded payloads, signing.

Signatures are computed here from the providers' documentation (not with the
code under test), so a connector that checks the wrong thing fails the tests.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from jwt.algorithms import RSAAlgorithm

PAYLOADS = Path(__file__).parent / "payloads"

TELEGRAM_BOT_NAME = "spine_test_bot"
TEAMS_KEY_ID = "test-key"
TEAMS_ISSUER = "https://api.botframework.com"

SECRETS = {
    "SLACK_TOKEN": "xoxb-test-token",
    "SLACK_SIGNING_SECRET": "slack-signing-secret-test",
    "FACEBOOK_VERIFY": "facebook-verify-test",
    "FACEBOOK_SECRET": "facebook-app-secret-test",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "facebook-page-token-test",
    "TWILIO_ACCOUNT_SID": "ACtest",
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-test",
    "TWILIO_NUMBER": "+15550100000",
    "TELEGRAM_TOKEN": "123456:TEST-telegram-token",
    "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret-token-test",
    "TEAMS_APP_ID": "teams-app-id-test",
    "TEAMS_APP_PASSWORD": "teams-app-password-test",
}


def channel_env(fake_url: str) -> dict[str, str]:
    """Every channel on, with test secrets, talking to the fake provider APIs."""
    return {
        **SECRETS,
        "SLACK_API_URL": f"{fake_url}/slack/api/",
        "FACEBOOK_API_URL": f"{fake_url}/facebook",
        "TWILIO_API_URL": f"{fake_url}/twilio",
        "TELEGRAM_API_URL": f"{fake_url}/telegram",
        "TEAMS_TOKEN_URL": f"{fake_url}/teams/token",
        "TEAMS_OPENID_URL": f"{fake_url}/teams/openid",
    }


@cache
def _recorded(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def payload(name: str) -> dict[str, Any]:
    """A fresh copy of a recorded webhook payload, for the test to adapt."""
    return copy.deepcopy(_recorded(name))


def slack_headers(body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict:
    """X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    key = (secret or SECRETS["SLACK_SIGNING_SECRET"]).encode()
    digest = hmac.new(key, f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def facebook_signature(body: bytes, secret: str | None = None, algorithm: str = "sha256") -> str:
    """X-Hub-Signature-256: sha256=HMAC-SHA256(app secret, body)."""
    key = (secret or SECRETS["FACEBOOK_SECRET"]).encode()
    return f"{algorithm}={hmac.new(key, body, algorithm).hexdigest()}"


def twilio_signature(url: str, params: dict[str, str], token: str | None = None) -> str:
    """X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + sorted name+value pairs))."""
    signed = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    key = (token or SECRETS["TWILIO_AUTH_TOKEN"]).encode()
    return base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha1).digest()).decode()


def teams_jwks(key: RSAPrivateKey) -> dict[str, Any]:
    """The OpenID key set Bot Framework publishes, with one key endorsed for Teams."""
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": TEAMS_KEY_ID, "use": "sig", "endorsements": ["msteams"]}]}


def teams_token(key: RSAPrivateKey, service_url: str, **claims: Any) -> str:
    """A Bot Connector token as Microsoft signs it; claims override the valid defaults."""
    now = int(time.time())
    valid = {
        "iss": TEAMS_ISSUER,
        "aud": SECRETS["TEAMS_APP_ID"],
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    chosen = {name: value for name, value in {**valid, **claims}.items() if value is not None}
    return jwt.encode(chosen, key, algorithm="RS256", headers={"kid": TEAMS_KEY_ID})
