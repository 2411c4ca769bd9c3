"""PostgreSQL, Redis and nginx as the project's own instances under CLUSTER_DIR.

Each server gets its own data folder, configuration, port, pid file and log in
the cluster folder. PostgreSQL refuses to run as root, so when the cluster is
started by root each server runs as its Debian service account (postgres,
redis, www-data for nginx's workers), which owns its folder.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ops.cluster.config import ClusterConfig
from ops.packages import postgres_bin
from ops.web_server import BUNDLE, WEB_DIR, content_security_policy, render_demo_page
from project import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "nginx.conf.template"
# In a container every server listens on its default port (.env.example).
CONTAINER_RASA_PORT = 5005
CONTAINER_ACTION_PORT = 5055

# nginx takes an instance out of rotation for this long after one failed connection,
# then tries it again (tests/cluster waits this long for a restarted instance).
FAIL_TIMEOUT_SECONDS = 10


def as_user(user: str, command: list[str]) -> list[str]:
    """Run command as the service account when we are root, else as ourselves."""
    return ["runuser", "-u", user, "--", *command] if os.geteuid() == 0 else command


def owned_dir(path: Path, user: str) -> Path:
    """Create path (0700) owned by the service account that writes into it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.geteuid() == 0:
        account = pwd.getpwnam(user)
        shutil.chown(path, account.pw_uid, account.pw_gid)
    return path


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, cwd="/", **kwargs)  # type: ignore[call-overload]


# --- PostgreSQL ------------------------------------------------------------


def postgres_dir(config: ClusterConfig) -> Path:
    return config.root / "postgres"


def psql(config: ClusterConfig, sql: str) -> str:
    """Run SQL as the superuser over the data folder's socket (peer authentication)."""
    command = [
        *("psql", "-h", str(postgres_dir(config)), "-p", str(config.postgres.port)),
        *("-U", "postgres", "-d", "postgres", "-tAc", sql),
    ]
    return run(as_user("postgres", command), capture_output=True, text=True).stdout.strip()


def init_postgres(config: ClusterConfig) -> None:
    """initdb once: local socket peer auth, TCP with password (scram-sha-256)."""
    data = postgres_dir(config)
    if (data / "PG_VERSION").exists():
        return
    owned_dir(data, "postgres")
    command = [postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8"]
    run(
        as_user("postgres", [*command, "--auth-local=peer", "--auth-host=scram-sha-256"]),
        stdout=subprocess.DEVNULL,
    )


def start_postgres(config: ClusterConfig) -> None:
    """Start on 127.0.0.1:<port of TRACKER_STORE_URL>; the socket lives in the data folder."""
    data = postgres_dir(config)
    options = f"-p {config.postgres.port} -k {data} -c listen_addresses=127.0.0.1"
    log = config.log_dir / "postgres.log"
    log.touch()
    if os.geteuid() == 0:
        shutil.chown(log, "postgres")
    command = [postgres_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w"]
    run(as_user("postgres", [*command, "start"]), stdout=subprocess.DEVNULL)
    create_database(config)


def create_database(config: ClusterConfig) -> None:
    """The role and database of TRACKER_STORE_URL (idempotent)."""
    user, database = config.postgres.username, config.database
    password = config.postgres_password.replace("'", "''")
    if psql(config, f"SELECT 1 FROM pg_roles WHERE rolname = '{user}'") != "1":
        psql(config, f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'")
    if psql(config, f"SELECT 1 FROM pg_database WHERE datname = '{database}'") != "1":
        psql(config, f'CREATE DATABASE "{database}" OWNER "{user}"')


def stop_postgres(config: ClusterConfig) -> None:
    data = postgres_dir(config)
    if (data / "postmaster.pid").exists():
        command = [postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        run(as_user("postgres", command), stdout=subprocess.DEVNULL)


# --- Redis -----------------------------------------------------------------


def redis_conf(config: ClusterConfig) -> Path:
    """Locks are short-lived, so Redis keeps nothing on disk (no RDB, no AOF)."""
    data = owned_dir(config.root / "redis", "redis")
    conf = config.root / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "# Rendered by ops/cluster/services.py: the cluster's lock store.",
                "bind 127.0.0.1",
                f"port {config.redis_port}",
                "daemonize yes",
                f"dir {data}",
                f"pidfile {data}/redis.pid",
                f"logfile {config.log_dir / 'redis.log'}",
                'save ""',
                "appendonly no",
                "",
            ]
        )
    )
    return conf


def redis_cli(config: ClusterConfig, *args: str) -> subprocess.CompletedProcess:
    command = ["redis-cli", "-h", "127.0.0.1", "-p", str(config.redis_port), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def start_redis(config: ClusterConfig) -> None:
    log = config.log_dir / "redis.log"
    log.touch()
    if os.geteuid() == 0:
        shutil.chown(log, "redis")
    run(as_user("redis", ["redis-server", str(redis_conf(config))]))
    wait_for(lambda: redis_cli(config, "ping").stdout.strip() == "PONG", "Redis")


def stop_redis(config: ClusterConfig) -> None:
    redis_cli(config, "shutdown", "nosave")
    wait_for(lambda: redis_cli(config, "ping").returncode != 0, "Redis to stop")


# --- nginx -----------------------------------------------------------------


def upstream_servers(addresses: list[str]) -> str:
    """A failed instance is taken out for 10 s, so its share goes to the others."""
    return "\n".join(
        f"    server {address} max_fails=1 fail_timeout={FAIL_TIMEOUT_SECONDS}s;"
        for address in addresses
    )


def local(ports: tuple[int, ...]) -> list[str]:
    return [f"127.0.0.1:{port}" for port in ports]


def nginx_values(config: ClusterConfig) -> dict[str, str]:
    """The template's values for the cluster on this machine."""
    return {
        "user": "user www-data;" if os.geteuid() == 0 else "",
        "pid": str(config.run_dir / "nginx.pid"),
        "log_dir": str(config.log_dir),
        "temp_dir": str(config.root / "nginx"),
        "listen_host": "127.0.0.1",
        "http_port": str(config.http_port),
        "actions_proxy_port": str(config.actions_proxy_port),
        "rasa_servers": upstream_servers(local(config.rasa_ports)),
        "action_servers": upstream_servers(local(config.action_ports)),
        "web_root": str(config.root / "www"),
        "csp": content_security_policy(own_url(config.http_port)),
    }


def compose_nginx_values(config: ClusterConfig) -> dict[str, str]:
    """The same template in deploy/compose.yml: services by name, ports as in the cluster.

    Docker's DNS answers a service name with every replica's address, and nginx
    balances over all of them.
    """
    return {
        "user": "",
        "pid": "/tmp/nginx.pid",
        "log_dir": "/var/log/nginx",
        "temp_dir": "/tmp/nginx",
        "listen_host": "0.0.0.0",
        "http_port": str(config.http_port),
        "actions_proxy_port": str(config.actions_proxy_port),
        "rasa_servers": upstream_servers([f"rasa:{CONTAINER_RASA_PORT}"]),
        "action_servers": upstream_servers([f"action-server:{CONTAINER_ACTION_PORT}"]),
        "web_root": "/usr/share/nginx/html",
        "csp": content_security_policy(own_url(config.http_port)),
    }


def render_nginx_conf(values: dict[str, str]) -> str:
    """Fill the template's {{placeholders}}; nginx's own $variables stay untouched."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError(f"unfilled placeholder in {TEMPLATE}")
    return text


def nginx_command(config: ClusterConfig, *args: str) -> list[str]:
    conf = config.root / "nginx" / "nginx.conf"
    error_log = config.log_dir / "nginx-error.log"
    return ["nginx", "-p", str(config.root / "nginx"), "-e", str(error_log), "-c", str(conf), *args]


def own_url(http_port: int) -> str:
    """The widget talks to the nginx that served its page."""
    return f"http://localhost:{http_port}"


def publish_widget(config: ClusterConfig) -> None:
    """The demo page (rendered as ops/web_server.py does), its stylesheet and the bundle.

    Nothing is published before `make web` has built the bundle.
    """
    www = config.root / "www"
    www.mkdir(exist_ok=True)
    if not BUNDLE.exists():
        return
    (www / "index.html").write_bytes(render_demo_page(own_url(config.http_port)))
    for file in (BUNDLE, WEB_DIR / "demo" / "demo.css"):
        shutil.copy(file, www / file.name)


def start_nginx(config: ClusterConfig) -> None:
    publish_widget(config)
    owned_dir(config.root / "nginx", "www-data")
    (config.root / "nginx" / "nginx.conf").write_text(render_nginx_conf(nginx_values(config)))
    run(nginx_command(config, "-t", "-q"))
    run(nginx_command(config))


def stop_nginx(config: ClusterConfig) -> None:
    if (config.run_dir / "nginx.pid").exists():
        run(nginx_command(config, "-s", "quit"))
        wait_for(lambda: not (config.run_dir / "nginx.pid").exists(), "nginx to stop")


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll condition() until true; raise after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"waited {timeout} s for {what}")
