"""The cluster's stores start from a checkout in a folder only its owner can enter.

A root user's clone usually sits in /root or in a `mktemp -d` folder (mode 0700),
where the postgres and redis accounts cannot reach `var/cluster/`: initdb failed
with "Permission denied". The cluster then keeps its files where they can.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ops.processes import free_ports
from project import PROJECT_ROOT

# PostgreSQL and Redis of the clone's cluster, started and stopped as `make cluster` does.
STORES_UP_AND_DOWN = """
import sys
from ops.cluster import cluster, services
from ops.cluster.config import ClusterConfig

postgres, redis = sys.argv[1], sys.argv[2]
config = ClusterConfig.from_env({
    "CLUSTER_DIR": "var/private-cluster",
    "TRACKER_STORE_URL": f"postgresql://rasa:test-secret@127.0.0.1:{postgres}/rasa",
    "REDIS_URL": f"redis://127.0.0.1:{redis}/1",
})
print(config.root)
cluster.prepare(config)
try:
    services.init_postgres(config)
    services.start_postgres(config)
    services.start_redis(config)
    assert services.psql(config, "SELECT 1") == "1"
finally:
    services.stop_redis(config)
    services.stop_postgres(config)
"""


def test_stores_start_from_a_clone_in_a_private_folder() -> None:
    private = Path(tempfile.mkdtemp(prefix="private-checkout-"))
    assert private.stat().st_mode & 0o777 == 0o700
    clone = private / "assistant"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    root = None
    try:
        result = subprocess.run(
            [sys.executable, "-c", STORES_UP_AND_DOWN, *map(str, free_ports(2))],
            cwd=clone,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "PYTHONPATH": str(clone)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        root = Path(result.stdout.splitlines()[0]) if result.stdout else None
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        shutil.rmtree(private, ignore_errors=True)
        if root is not None and not root.is_relative_to(private):
            shutil.rmtree(root, ignore_errors=True)
