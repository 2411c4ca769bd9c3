"""The servers of one benchmark run, started through ops.processes like everywhere else."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from actions.content import load_content
from bench.load import answered
from channels.guarantee import service_unavailable_text
from ops.processes import (
    Server,
    free_port,
    start,
    start_action_server,
    start_rasa_server,
    wait_until_healthy,
)

PROBE_TEXT = "hello"


def start_redis(workdir: Path) -> tuple[Server, str]:
    """A throw-away Redis for the lock store of multi-worker variants (no persistence)."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    server = start("redis", [*command, "--appendonly", "no"], "", {}, workdir / "redis.log")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return server, f"redis://127.0.0.1:{port}/1"
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise TimeoutError("redis-server did not answer PING")


@dataclass
class Deployment:
    """One variant's action server and Rasa server, with their own ports and tracker DB."""

    name: str
    model: Path
    stock: bool
    env: dict[str, str]
    workdir: Path
    actions: Server | None = None
    rasa: Server | None = None
    rasa_port: int = 0

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def start_actions(self) -> Server:
        port = free_port()
        self.env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{port}/webhook"
        self.actions = start_action_server(port, self.env, self.workdir / "actions.log")
        wait_until_healthy(self.actions.health_url, self.actions.process)
        return self.actions

    def start_rasa(self) -> Server:
        self.rasa_port = free_port()
        self.rasa = start_rasa_server(
            self.rasa_port, self.env, self.workdir / "rasa.log", self.model, stock=self.stock
        )
        return self.rasa

    def stop(self) -> None:
        for server in (self.rasa, self.actions):
            if server:
                server.stop()


def is_answer(status: int, body: object) -> bool:
    """A reply through the action server, with the disclaimer (bench.load.answered)."""
    return answered(status, body, load_content().disclaimer, service_unavailable_text())


def first_answer_seconds(deployment: Deployment, started: float, timeout: float) -> float:
    """Seconds from `started` until the Rasa server answered a patient through its actions."""
    assert deployment.rasa is not None
    probe = 0
    while time.monotonic() - started < timeout:
        if deployment.rasa.process.poll() is not None:
            raise RuntimeError(f"{deployment.name}: Rasa exited, see {deployment.workdir}/rasa.log")
        probe += 1
        try:
            response = requests.post(
                deployment.webhook,
                json={"sender": f"startup-probe-{probe}", "message": PROBE_TEXT},
                timeout=10,
            )
            if is_answer(response.status_code, response.json()):
                return time.monotonic() - started
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{deployment.name}: no answer within {timeout} s")
