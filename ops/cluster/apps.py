"""The Rasa and action server instances of the cluster, tracked by pid files.

They start through ops.processes like every other server of the project. The
pid files let `make cluster-stop` (a later, separate process) stop exactly the
processes this cluster started, and let the test kill one instance.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from ops.cluster.config import ClusterConfig
from ops.processes import Server, start_action_server, start_rasa_server, wait_until_healthy


def pid_file(config: ClusterConfig, name: str) -> Path:
    return config.run_dir / f"{name}.pid"


def action_name(index: int) -> str:
    return f"actions-{index + 1}"


def rasa_name(index: int) -> str:
    return f"rasa-{index + 1}"


def start_actions(config: ClusterConfig) -> list[Server]:
    servers = []
    for index, port in enumerate(config.action_ports):
        name = action_name(index)
        server = start_action_server(port, {}, config.log_dir / f"{name}.log")
        pid_file(config, name).write_text(str(server.process.pid))
        servers.append(server)
    return servers


def start_rasa(config: ClusterConfig, index: int) -> Server:
    """One Rasa instance; all share the stores and reach the actions through nginx."""
    name = rasa_name(index)
    log = config.log_dir / f"{name}.log"
    server = start_rasa_server(config.rasa_ports[index], config.server_env(), log, config.model)
    pid_file(config, name).write_text(str(server.process.pid))
    return server


def start_all_rasa(config: ClusterConfig) -> list[Server]:
    """Start every instance at once (loading a model takes ~40 s on an idle machine)."""
    return [start_rasa(config, index) for index in range(len(config.rasa_ports))]


def wait_healthy(servers: list[Server]) -> None:
    for server in servers:
        wait_until_healthy(server.health_url, server.process, timeout=600)


def app_names(config: ClusterConfig) -> list[str]:
    rasa = [rasa_name(index) for index in range(len(config.rasa_ports))]
    return rasa + [action_name(index) for index in range(len(config.action_ports))]


def running_pid(config: ClusterConfig, name: str) -> int | None:
    """The pid of a server this cluster started, if that process still runs.

    The command line is checked so a recycled pid never gets a signal.
    """
    path = pid_file(config, name)
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return pid if b"rasa" in command else None


def alive(pid: int) -> bool:
    """True until the process has completely exited.

    Its command line disappears early in the exit, before its sockets are
    closed. Even a zombie may still hold its port: a thread-group leader turns
    zombie while its other threads (TensorFlow's, Sanic's) are still exiting,
    and the shared file table, with the listening socket, goes with the last
    of them. Only a reaped process or a lone zombie has certainly closed it.
    """
    reap(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z" or threads > 1


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def signal_app(config: ClusterConfig, name: str, signum: int, timeout: float = 20.0) -> None:
    """Send signum and wait until the process is gone (SIGKILL after timeout)."""
    pid = running_pid(config, name)
    if pid is not None:
        os.kill(pid, signum)
        if not wait_gone(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            wait_gone(pid, timeout)
    pid_file(config, name).unlink(missing_ok=True)


def reap(pid: int) -> None:
    """Collect the exit status if the process is our own child (no zombie is left)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop_apps(config: ClusterConfig) -> None:
    for name in app_names(config):
        signal_app(config, name, signal.SIGTERM)
