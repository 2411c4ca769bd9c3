"""One real cluster (PostgreSQL, Redis, nginx, 2 Rasa, 2 action servers) for the cluster tests.

It runs on free ports in var/test-cluster/ so it never collides with `make
cluster` or another engineer's servers; its folder is wiped before each run and
its logs are kept afterwards for diagnosis.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from ops.cluster import cluster
from ops.cluster.config import ClusterConfig
from ops.processes import free_ports

TEST_DIR = "var/test-cluster"


def cluster_config() -> ClusterConfig:
    """Free ports everywhere; the model can be overridden with CLUSTER_MODEL."""
    http, rasa1, rasa2, act1, act2, act_proxy, postgres, redis = free_ports(8)
    return ClusterConfig.from_env(
        {
            "CLUSTER_DIR": TEST_DIR,
            "CLUSTER_HTTP_PORT": str(http),
            "CLUSTER_RASA_PORTS": f"{rasa1},{rasa2}",
            "CLUSTER_ACTION_PORTS": f"{act1},{act2}",
            "CLUSTER_ACTIONS_PROXY_PORT": str(act_proxy),
            "TRACKER_STORE_URL": f"postgresql://rasa:test-secret@127.0.0.1:{postgres}/rasa",
            "REDIS_URL": f"redis://127.0.0.1:{redis}/1",
            "CLUSTER_MODEL": os.environ.get("CLUSTER_MODEL", ""),
        }
    )


@pytest.fixture(scope="package")
def running_cluster() -> Iterator[ClusterConfig]:
    config = cluster_config()
    if not config.model.is_file():
        pytest.fail(f"no trained model at {config.model}: run `make train` first")
    shutil.rmtree(config.root, ignore_errors=True)
    with pytest.MonkeyPatch.context() as patch:
        # The load test's 100 patients all come from 127.0.0.1.
        patch.setenv("RATE_LIMIT_PER_IP_PER_MINUTE", "100000")
        try:
            cluster.start(config)
            yield config
        finally:
            cluster.stop(config)
