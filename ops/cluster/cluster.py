"""Starting, stopping and inspecting the whole cluster, in dependency order."""

from __future__ import annotations

import os
from pathlib import Path

from ops.cluster import apps, services
from ops.cluster.config import ClusterConfig
from ops.packages import ensure_packages


def prepare(config: ClusterConfig) -> None:
    """The Debian packages and the cluster's folders."""
    ensure_packages()
    for folder in (config.root, config.log_dir, config.run_dir):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)  # the service accounts (postgres, redis) must reach their files


def start(config: ClusterConfig) -> None:
    """Stores first, then the action and Rasa tiers, then nginx in front."""
    prepare(config)
    services.init_postgres(config)
    services.start_postgres(config)
    services.start_redis(config)
    apps.start_apps(config)
    services.start_nginx(config)


def stop(config: ClusterConfig) -> None:
    """Everything in reverse order; the data stays in CLUSTER_DIR."""
    services.stop_nginx(config)
    apps.stop_apps(config)
    services.stop_redis(config)
    services.stop_postgres(config)


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Direct children (PostgreSQL's and nginx's worker processes)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def first_line_pid(path: Path) -> int | None:
    return int(path.read_text().split()[0]) if path.exists() else None


def memory(config: ClusterConfig) -> dict[str, float]:
    """RSS in MB of each running server, with its worker processes."""
    pids = {name: apps.running_pid(config, name) for name in apps.app_names(config)}
    pids["postgres"] = first_line_pid(services.postgres_dir(config) / "postmaster.pid")
    pids["redis"] = first_line_pid(config.root / "redis" / "redis.pid")
    pids["nginx"] = first_line_pid(config.run_dir / "nginx.pid")
    return {
        name: round(rss_mb(pid) + sum(rss_mb(child) for child in children(pid)), 1)
        for name, pid in pids.items()
        if pid is not None and Path(f"/proc/{pid}").exists()
    }


def config_from_env() -> ClusterConfig:
    return ClusterConfig.from_env(os.environ)
