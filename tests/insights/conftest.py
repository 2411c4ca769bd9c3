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
from pathlib import Path

import pytest
import sqlalchemy as sa

from insights import store
from insights.gaps import nlu_examples
from insights.synthetic import DemoConversations
from ops.cluster import cluster, services
from ops.cluster.config import ClusterConfig
from ops.processes import free_port
from tests.insights.seed import seeded_rows
from tests.insights.server import Site, insights_server

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
