"""Peak memory of a server and its child processes (Sanic workers), read from /proc.

Memory is the proportional set size (PSS, /proc/PID/smaps_rollup) summed over the
process tree: forked Sanic workers share the pages of the parent, and summing their
RSS would count those pages once per worker.
"""

from __future__ import annotations

import threading
from pathlib import Path

PROC = Path("/proc")


def children(pid: int) -> list[int]:
    """Direct children of pid (every thread's list), empty when it has exited."""
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending += children(current)
    return tree


def pss_bytes(pid: int) -> int:
    """Proportional set size of one process in bytes, 0 when it has exited."""
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_pss_bytes(pid: int) -> int:
    return sum(pss_bytes(member) for member in process_tree(pid))


class PeakMemory:
    """Samples the trees of named processes in a thread and keeps each one's peak."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.pids: dict[str, int] = {}
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, name: str, pid: int) -> None:
        self.pids[name] = pid

    def sample(self) -> None:
        for name, pid in list(self.pids.items()):
            self.peaks[name] = max(self.peaks.get(name, 0), tree_pss_bytes(pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
