"""What a failed cluster test shows of the servers' logs (conftest.log_problems)."""

from __future__ import annotations

from pathlib import Path

from tests.cluster.conftest import LOG_DIR, cluster_config, log_problems

RASA_LOG = """\
2026-12-07 07:28:53 INFO     root  - server is up and running.
/venv/lib/python3.10/site-packages/typer/__init__.py:25: DeprecationWarning: deprecated
2026-12-07 07:29:01 ERROR    rasa.core.tracker_store  - Error happened when trying to retrieve
Traceback (most recent call last):
  File "/venv/lib/python3.10/site-packages/rasa/core/tracker_store.py", line 1440, in retrieve
    return await self._tracker_store.retrieve(sender_id)
psycopg2.OperationalError: server closed the connection unexpectedly
2026-12-07 07:29:02 INFO     rasa.core.processor  - Loading model
"""
SUPERVISORD_LOG = """\
2026-12-07 07:28:43,914 INFO spawned: 'rasa-1' with pid 18600
2026-12-07 07:29:04,647 WARN exited: rasa-1 (terminated by SIGKILL; not expected)
"""


def test_errors_their_tracebacks_and_exits_are_shown_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "rasa-1.log").write_text(RASA_LOG)
    (tmp_path / "supervisord.log").write_text(SUPERVISORD_LOG)
    (tmp_path / "actions-1.log").write_text("2026-12-07 07:28:43 INFO all well\n")
    shown = log_problems(tmp_path).splitlines()
    assert shown == [
        "--- rasa-1.log",
        *RASA_LOG.splitlines()[2:7],
        "--- supervisord.log",
        SUPERVISORD_LOG.splitlines()[1],
    ]


def test_nothing_is_shown_for_clean_logs(tmp_path: Path) -> None:
    (tmp_path / "rasa-1.log").write_text(RASA_LOG.splitlines()[0] + "\n")
    assert log_problems(tmp_path) == ""


def test_the_logs_are_read_where_the_test_cluster_writes_them() -> None:
    """Run as root from a folder the service accounts cannot enter (a CI clone under
    /root), the cluster lives elsewhere; the report must read that folder's logs."""
    assert cluster_config().log_dir == LOG_DIR
