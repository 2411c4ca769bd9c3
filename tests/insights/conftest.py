"""Stores and servers for the insights tests: a SQLite file, a throwaway PostgreSQL,
and the insights server on a seeded store.

PostgreSQL is the cluster's (ops/cluster/services.py, Debian's postgresql),
started on a free port in var/test-insights-postgres/ for the session and
removed afterwards.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from insights import store
from insights.gaps import nlu_examples
from insights.server import server_command
from insights.synthetic import DemoConversations
from ops.cluster import cluster, services
from ops.cluster.config import ClusterConfig
from ops.processes import ServerSpec, free_port, start, wait_until_healthy
from tests.insights.seed import seeded_rows

POSTGRES_DIR = "var/test-insights-postgres"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = f"postgresql://insights:test-secret@127.0.0.1:{free_port()}/insights"
    config = ClusterConfig.from_env({"CLUSTER_DIR": POSTGRES_DIR, "TRACKER_STORE_URL": url})
    shutil.rmtree(config.root, ignore_errors=True)
    cluster.prepare(config)
    try:
        services.init_postgres(config)
        services.start_postgres(config)
        yield url
    finally:
        services.stop_postgres(config)
        shutil.rmtree(config.root, ignore_errors=True)


def fresh_store(url: str, rows: list[dict]) -> sa.engine.Engine:
    """The events table, emptied, with rows in it."""
    engine = store.connect(url)
    store.METADATA.drop_all(engine)
    store.METADATA.create_all(engine)
    with engine.begin() as connection:
        store.insert_events(connection, rows)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def seeded_url(store_url: str) -> Iterator[str]:
    engine = fresh_store(store_url, seeded_rows())
    yield store_url
    engine.dispose()


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


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server on the seeded SQLite store whose numbers tests/insights/seed.py knows."""
    folder = tmp_path_factory.mktemp("insights-site")
    url = f"sqlite:///{folder / 'tracker.db'}"
    fresh_store(url, seeded_rows()).dispose()
    with insights_server(url, folder / "server.log") as running:
        yield running


@pytest.fixture(scope="package")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server on 3,000 synthetic conversations of the demo's mix (for the screenshot)."""
    folder = tmp_path_factory.mktemp("insights-demo-site")
    url = f"sqlite:///{folder / 'tracker.db'}"
    generator = DemoConversations(examples=dict(nlu_examples()))
    rows = [row for rows in generator.rows(3000, time.time(), 30) for row in rows]
    fresh_store(url, rows).dispose()
    with insights_server(url, folder / "server.log") as running:
        yield running
