"""The insights server as `make run` starts it, for the tests that read its pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from insights.server import server_command
from ops.processes import ServerSpec, free_port, start, wait_until_healthy

TOKEN = "insights-test-token-0123456789"


@dataclass
class Site:
    """A running insights server and how to reach it."""

    url: str
    port: int
    token: str

    def get(self, path: str, **kwargs: object) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.get(self.url + path, headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


@contextmanager
def insights_server(store_url: str, log: Path) -> Iterator[Site]:
    """The insights server as `make run` starts it, on a free port, ready to serve."""
    port = free_port()
    env = {"TRACKER_STORE_URL": store_url, "INSIGHTS_TOKEN": TOKEN, "RETENTION_DAYS": "30"}
    spec = ServerSpec("insights", server_command(port), f"http://127.0.0.1:{port}/ready", env)
    server = start(spec, log)
    try:
        wait_until_healthy(spec.health_url, server.process, timeout=180)
        yield Site(f"http://127.0.0.1:{port}", port, TOKEN)
    finally:
        server.stop()
