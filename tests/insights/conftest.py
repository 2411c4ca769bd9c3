"""Stores for the insights tests: a SQLite file, and a throwaway PostgreSQL.

PostgreSQL is the cluster's (ops/cluster/services.py, Debian's postgresql),
started on a free port in var/test-insights-postgres/ for the session and
removed afterwards.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from insights import store
from ops.cluster import cluster, services
from ops.cluster.config import ClusterConfig
from ops.processes import free_port
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
