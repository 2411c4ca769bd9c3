"""How the action server and the Rasa server are started.

`make run`, `make shell`, the end-to-end tests and the benchmarks all start
the servers through these functions, so there is one definition of each
command line and one way to wait for readiness.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from channels.config import write_credentials
from privacy.settings import rasa_access_arguments, request_max_size
from project import DEFAULT_MODEL, PROJECT_ROOT
from stores.workers import check_lock_configuration

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now (for tests on a shared machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """count distinct free ports."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


def action_server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def rasa_server_command(
    port: int,
    credentials: Path,
    model: Path = DEFAULT_MODEL,
    env: dict[str, str] | None = None,
    stock: bool = False,
) -> list[str]:
    """CORS origins and the (token-protected, localhost-only) API come from the env.

    The server runs with the project's speed-ups (speedups/rasa_main.py), or as Rasa
    ships it with stock=True (the benchmark's baseline).
    """
    launcher = [str(VENV_BIN / "rasa")] if stock else [sys.executable, "-m", "speedups.rasa_main"]
    return [
        *launcher,
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--endpoints",
        "endpoints.yml",
        *rasa_access_arguments({**os.environ, **(env or {})}),
    ]


def wait_until_healthy(
    url: str, alive: Callable[[], bool] | subprocess.Popen, timeout: float = 120.0
) -> None:
    """Poll a health URL until it answers 200; fail fast once what serves it has died.

    alive is the server's process, or a check for a supervised server (whose
    supervisor, not this process, is its parent).
    """
    is_alive = (lambda: alive.poll() is None) if isinstance(alive, subprocess.Popen) else alive
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive():
            raise RuntimeError(f"the server of {url} exited before it was up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not healthy after {timeout} s")


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server: its command line, its environment on top of the
    caller's, and the URL that answers 200 once it is ready."""

    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Server:
    """A started server process and the URL that tells whether it is ready."""

    name: str
    process: subprocess.Popen
    health_url: str

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(spec: ServerSpec, log_path: Path | None = None) -> Server:
    """Start a server with its environment, logging to a file or the terminal."""
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    output = open(log_path, "ab") if log_path else None  # noqa: SIM115 - owned by the child
    process = subprocess.Popen(
        spec.command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **spec.env},
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )
    return Server(spec.name, process, spec.health_url)


def action_server_spec(port: int, env: dict[str, str]) -> ServerSpec:
    return ServerSpec(
        "action server", action_server_command(port), f"http://127.0.0.1:{port}/health", env
    )


def rasa_server_spec(
    port: int, env: dict[str, str], model: Path = DEFAULT_MODEL, stock: bool = False
) -> ServerSpec:
    """Rasa with the channels the environment switches on (channels/config.py).

    Refuses SANIC_WORKERS > 1 without REDIS_URL (stores/workers.py) before starting.
    """
    merged = {**os.environ, **env}
    check_lock_configuration(merged)
    credentials = write_credentials(merged, PROJECT_ROOT / "var" / f"credentials-{port}.yml")
    # Sanic reads up to 100 MB of a request and 1 MB of a websocket frame by default.
    largest = str(request_max_size(merged))
    limits = {
        name: largest
        for name in ("SANIC_REQUEST_MAX_SIZE", "SANIC_WEBSOCKET_MAX_SIZE")
        if name not in merged
    }
    return ServerSpec(
        "Rasa server",
        rasa_server_command(port, credentials, model, env, stock),
        f"http://127.0.0.1:{port}/webhooks/rest/",
        {**limits, **env},
    )


def start_action_server(port: int, env: dict[str, str], log_path: Path | None = None) -> Server:
    return start(action_server_spec(port, env), log_path)


def start_rasa_server(
    port: int,
    env: dict[str, str],
    log_path: Path | None = None,
    model: Path = DEFAULT_MODEL,
    stock: bool = False,
) -> Server:
    return start(rasa_server_spec(port, env, model, stock), log_path)
