"""The cluster's configuration, read from environment variables only.

The same variables configure the Docker images, deploy/compose.yml and the
Helm values (deploy/docker, deploy/helm), so the tested topology and the deployment
files describe one system. .env.example documents each variable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from project import PROJECT_ROOT

DEFAULTS = {
    "CLUSTER_DIR": "var/cluster",
    "CLUSTER_HTTP_PORT": "8000",
    "CLUSTER_RASA_PORTS": "5005,5006",
    "CLUSTER_ACTION_PORTS": "5055,5056",
    "CLUSTER_ACTIONS_PROXY_PORT": "5050",
    "TRACKER_STORE_URL": "postgresql://rasa:rasa-cluster@127.0.0.1:5433/rasa",
    "REDIS_URL": "redis://127.0.0.1:6380/1",
    "SANIC_WORKERS": "1",
    "CLUSTER_MODEL": "models/current.tar.gz",
    "ALLOWED_ORIGINS": "",
}


# Where the cluster's files go when the service accounts (postgres, redis, www-data)
# cannot reach the checkout: a root user's clone in /root or in `mktemp -d` (0700).
REACHABLE_PARENT = Path("/var/lib/spine-mri-assistant")


def reachable_by_services(path: Path) -> bool:
    """Whether other users can traverse every folder above path (they need o+x)."""
    return all(os.stat(folder).st_mode & 0o001 for folder in path.parents if folder.exists())


def cluster_root(path: Path) -> Path:
    """path, or when root runs the cluster from a folder the service accounts cannot
    enter, a folder of its own under REACHABLE_PARENT (one per checkout and name)."""
    if os.geteuid() != 0 or reachable_by_services(path):
        return path
    checkout = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    return REACHABLE_PARENT / f"{path.name}-{checkout}"


def ports(value: str) -> tuple[int, ...]:
    """ "5005,5006" -> (5005, 5006)."""
    return tuple(int(port) for port in value.split(",") if port.strip())


def with_own_origins(allowed: str, http_port: str) -> str:
    """ALLOWED_ORIGINS plus the cluster's own origin, whose widget nginx serves itself."""
    own = f"http://localhost:{http_port},http://127.0.0.1:{http_port}"
    return f"{allowed},{own}" if allowed else own


@dataclass(frozen=True)
class ClusterConfig:
    """Where the cluster keeps its files and which ports and URLs it uses."""

    root: Path
    http_port: int
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    actions_proxy_port: int
    tracker_store_url: str
    redis_url: str
    sanic_workers: int
    model: Path
    allowed_origins: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ClusterConfig:
        """Values from env where set, else the defaults above."""
        value = {name: env.get(name) or default for name, default in DEFAULTS.items()}
        return cls(
            root=cluster_root(PROJECT_ROOT / value["CLUSTER_DIR"]),
            http_port=int(value["CLUSTER_HTTP_PORT"]),
            rasa_ports=ports(value["CLUSTER_RASA_PORTS"]),
            action_ports=ports(value["CLUSTER_ACTION_PORTS"]),
            actions_proxy_port=int(value["CLUSTER_ACTIONS_PROXY_PORT"]),
            tracker_store_url=value["TRACKER_STORE_URL"],
            redis_url=value["REDIS_URL"],
            sanic_workers=int(value["SANIC_WORKERS"]),
            model=PROJECT_ROOT / value["CLUSTER_MODEL"],
            allowed_origins=with_own_origins(value["ALLOWED_ORIGINS"], value["CLUSTER_HTTP_PORT"]),
        )

    @property
    def postgres(self) -> SplitResult:
        """The parts of TRACKER_STORE_URL: the cluster's PostgreSQL serves exactly this URL."""
        return urlsplit(self.tracker_store_url)

    @property
    def postgres_password(self) -> str:
        return unquote(self.postgres.password or "")

    @property
    def database(self) -> str:
        return self.postgres.path.lstrip("/")

    @property
    def redis_port(self) -> int:
        return urlsplit(self.redis_url).port or 6379

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def run_dir(self) -> Path:
        return self.root / "run"

    def server_env(self) -> dict[str, str]:
        """Environment of every Rasa instance: shared stores, actions behind nginx.

        nginx, on this machine, is the one proxy in front: the per-address rate limit
        takes the patient's address from the X-Forwarded-For it adds.
        """
        return {
            "TRACKER_STORE_URL": self.tracker_store_url,
            "REDIS_URL": self.redis_url,
            "SANIC_WORKERS": str(self.sanic_workers),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_proxy_port}/webhook",
            "ALLOWED_ORIGINS": self.allowed_origins,
            "TRUSTED_PROXIES": "127.0.0.1",
        }
