"""Privacy and security settings, all read from the environment (see .env.example).

Kept free of Rasa imports so that ops/ and the action server can read them cheaply.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from project import PROJECT_ROOT

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_ALLOWED_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080"
DEFAULT_TRACKER_DB = "var/tracker.db"
SENDER_ID_SECRET_FILE = PROJECT_ROOT / "var" / "sender_id_secret"
MIN_SECRET_CHARS = 32


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    return float(raw) if raw else default


def allowed_origins(env: Mapping[str, str] = os.environ) -> list[str]:
    """Browser origins allowed to use the REST and socket.io channels ("*" = any)."""
    raw = env.get("ALLOWED_ORIGINS") or DEFAULT_ALLOWED_ORIGINS
    return [origin.strip().rstrip("/") for origin in raw.replace(" ", ",").split(",") if origin]


def origin_allowed(origin: str | None, env: Mapping[str, str] = os.environ) -> bool:
    """Requests without an Origin header come from non-browser clients and are allowed."""
    allowed = allowed_origins(env)
    return not origin or "*" in allowed or origin.rstrip("/") in allowed


def retention_days(env: Mapping[str, str] = os.environ) -> float:
    return _number(env, "RETENTION_DAYS", 30)


def tracker_store_url(env: Mapping[str, str] = os.environ) -> str:
    """TRACKER_STORE_URL (any SQLAlchemy URL) wins over the SQLite file TRACKER_DB."""
    url = env.get("TRACKER_STORE_URL", "").strip()
    return url or f"sqlite:///{env.get('TRACKER_DB') or DEFAULT_TRACKER_DB}"


@dataclass(frozen=True)
class InputLimits:
    """What one message may be, and how many a sender or address may send per window."""

    max_message_chars: int = 1000
    max_body_bytes: int = 65536
    per_sender: int = 20
    # Many patients share one public address (guest Wi-Fi, a clinic's NAT, a mobile
    # carrier's NAT): 600 a minute is 30 patients at the per-sender limit, while one
    # address flooding from many made-up senders is still stopped.
    per_address: int = 600
    window_seconds: float = 60.0
    # Metadata a client (REST ``metadata``, socket.io ``metadata``) may send along:
    # the assistant reads none of it, Rasa copies it into the conversation and the
    # action server receives it with every turn, so a little is plenty.
    max_metadata_bytes: int = 4096
    max_metadata_depth: int = 4
    max_metadata_keys: int = 64
    max_metadata_string_chars: int = 512

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> InputLimits:
        def read(name: str, default: float) -> int:
            return int(_number(env, name, default))

        return cls(
            max_message_chars=read("MAX_MESSAGE_CHARS", cls.max_message_chars),
            max_body_bytes=read("MAX_BODY_BYTES", cls.max_body_bytes),
            per_sender=read("RATE_LIMIT_PER_MINUTE", cls.per_sender),
            per_address=read("RATE_LIMIT_PER_IP_PER_MINUTE", cls.per_address),
            window_seconds=_number(env, "RATE_LIMIT_WINDOW_SECONDS", cls.window_seconds),
            max_metadata_bytes=read("MAX_METADATA_BYTES", cls.max_metadata_bytes),
            max_metadata_depth=read("MAX_METADATA_DEPTH", cls.max_metadata_depth),
            max_metadata_keys=read("MAX_METADATA_KEYS", cls.max_metadata_keys),
            max_metadata_string_chars=read(
                "MAX_METADATA_STRING_CHARS", cls.max_metadata_string_chars
            ),
        )


def request_max_size(env: Mapping[str, str] = os.environ) -> int:
    """The most bytes Sanic reads of a request (its own default is 100 MB), and the
    largest socket.io message engine.io accepts (its own default is 1 MB).

    Four times MAX_BODY_BYTES: a body up to that size still gets the polite 413 with
    the disclaimer from the REST channel (a socket.io message, the polite reply),
    which it would not if Sanic cut it off at the limit itself; a larger one is
    refused unread. Reading 256 KB costs far less than the turn it is refused from.
    """
    return 4 * InputLimits.from_env(env).max_body_bytes


class SecretError(ValueError):
    """SENDER_ID_SECRET is set but too short to key the stored sender ids."""


def sender_id_secret(
    env: Mapping[str, str] = os.environ, path: Path = SENDER_ID_SECRET_FILE
) -> bytes:
    """The key of the stored sender ids and of socket.io's session ids.

    SENDER_ID_SECRET when set; otherwise one generated on the first run and kept in
    var/ (mode 0600), so that a restart finds the same conversations. Several
    servers that share one database need the same value: set it for them all.
    """
    configured = env.get("SENDER_ID_SECRET", "").strip()
    if not configured:
        return _kept_secret(path)
    if len(configured) < MIN_SECRET_CHARS:
        raise SecretError(
            f"SENDER_ID_SECRET must have at least {MIN_SECRET_CHARS} characters "
            "(e.g. `openssl rand -hex 32`)"
        )
    return configured.encode()


@cache
def _kept_secret(path: Path) -> bytes:
    """The secret in path, created when missing. Created under a temporary name and
    linked into place, so servers starting together agree on one and none reads half."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another server was first: use its secret
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise SecretError(f"{path} holds no usable secret: delete it to generate a new one")
    return secret.encode()


@cache
def _networks(raw: str) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in raw.replace(" ", ",").split(",")
        if part.strip()
    )


def trusted_proxies(env: Mapping[str, str] = os.environ) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: addresses or networks (CIDR) of the reverse proxies in front.

    Only a request that arrives from one of them has its X-Forwarded-For read; by
    default none is trusted, so a client cannot choose its address by sending one.
    """
    return _networks(env.get("TRUSTED_PROXIES", ""))


def client_address(peer: str, forwarded_for: list[str], proxies: tuple[Network, ...]) -> str:
    """The patient's address: the TCP peer, or, while the hop in question is a trusted
    proxy, the address that proxy reported (X-Forwarded-For read from the right)."""
    hops = [peer, *reversed([hop.strip() for hop in forwarded_for if hop.strip()])]
    for hop in hops:
        if not _is_trusted(hop, proxies):
            return hop
    return hops[-1]


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def rasa_access_arguments(env: Mapping[str, str] = os.environ) -> list[str]:
    """`rasa run` arguments for CORS and the HTTP API.

    The API (conversations, model upload, status) stays off unless RASA_API_TOKEN
    or RASA_JWT_SECRET is set; then it requires that credential and the server
    listens on 127.0.0.1 only (put a reverse proxy in front for the channels).
    """
    arguments = ["--cors", *allowed_origins(env)]
    token = env.get("RASA_API_TOKEN", "").strip()
    jwt_secret = env.get("RASA_JWT_SECRET", "").strip()
    if not (token or jwt_secret):
        return arguments
    arguments += ["--enable-api", "-i", "127.0.0.1"]
    if token:
        arguments += ["--auth-token", token]
    if jwt_secret:
        arguments += [
            "--jwt-secret",
            jwt_secret,
            "--jwt-method",
            env.get("RASA_JWT_METHOD", "HS256"),
        ]
    return arguments
