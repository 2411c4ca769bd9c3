"""One real cluster (PostgreSQL, Redis, nginx, 2 Rasa, 2 action servers) for the cluster tests.

It runs on free ports in var/test-cluster/ so it never collides with `make
cluster` or another engineer's servers; its folder is wiped before each run and
its logs are kept afterwards for diagnosis.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.cluster import cluster
from ops.cluster.config import ClusterConfig
from ops.processes import free_ports

TEST_DIR = "var/test-cluster"
# Where the test cluster keeps its logs: the folder ClusterConfig itself chooses (run as
# root from a folder the service accounts cannot enter, a folder elsewhere).
LOG_DIR = ClusterConfig.from_env({"CLUSTER_DIR": TEST_DIR}).log_dir
# What the servers logged that a failed test's report should show: Rasa's and the action
# servers' errors and warnings with their tracebacks, nginx's errors, supervisord's exits.
PROBLEM = re.compile(r" (?:ERROR|WARNING|CRITICAL) |\[(?:error|crit|alert|emerg)\]| exited: ")
LINES_PER_LOG = 40
LOGS_SHOWN = pytest.StashKey[bool]()


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


def log_problems(log_dir: Path = LOG_DIR) -> str:
    """What each server logged that went wrong, the last LINES_PER_LOG lines of it: CI
    keeps only the test output, and the cluster's folder goes with its clone."""
    parts = []
    for log in sorted(log_dir.glob("*.log")):
        kept = list(problem_lines(log.read_text(errors="replace").splitlines()))
        if kept:
            parts.append(f"--- {log.name}\n" + "\n".join(kept[-LINES_PER_LOG:]))
    return "\n".join(parts)


def problem_lines(lines: list[str]) -> Iterator[str]:
    """Errors, warnings and exits, and every Python traceback whole: from "Traceback"
    through its indented lines to the exception's own line."""
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and not line.startswith(" "):
            in_traceback = False
            yield line  # the exception itself
            continue
        if in_traceback or PROBLEM.search(line):
            yield line


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed cluster test's report ends with what the servers logged (once per run)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and not item.session.stash.get(LOGS_SHOWN, False):
        item.session.stash[LOGS_SHOWN] = True
        report.sections.append(("cluster servers' problems", log_problems() or "(none logged)"))
