"""The Rasa and action server instances of the cluster, kept up by supervisord.

They start from ops.processes' specs like every other server of the project.
supervisord (ops/supervision.py) runs as a daemon with its socket in the cluster's
run folder: it restarts an instance that exits, `make cluster-stop` (a later,
separate process) stops exactly what it started, and a test can kill one instance
and see it come back.
"""

from __future__ import annotations

import dataclasses

from ops.cluster.config import ClusterConfig
from ops.processes import ServerSpec, action_server_spec, rasa_server_spec
from ops.supervision import Supervisor, program_pid


def action_name(index: int) -> str:
    return f"actions-{index + 1}"


def rasa_name(index: int) -> str:
    return f"rasa-{index + 1}"


def app_names(config: ClusterConfig) -> list[str]:
    rasa = [rasa_name(index) for index in range(len(config.rasa_ports))]
    return rasa + [action_name(index) for index in range(len(config.action_ports))]


def specs(config: ClusterConfig) -> tuple[ServerSpec, ...]:
    """Every instance; the Rasa instances share the stores and reach the actions
    through nginx."""
    actions = [
        dataclasses.replace(action_server_spec(port, {}), name=action_name(index))
        for index, port in enumerate(config.action_ports)
    ]
    rasa = [
        dataclasses.replace(
            rasa_server_spec(port, config.server_env(), config.model), name=rasa_name(index)
        )
        for index, port in enumerate(config.rasa_ports)
    ]
    return (*actions, *rasa)


def supervisor(config: ClusterConfig, with_specs: bool = False) -> Supervisor:
    """The cluster's supervisord; the specs are only needed to start it."""
    return Supervisor(specs(config) if with_specs else (), config.run_dir, config.log_dir)


def start_apps(config: ClusterConfig) -> None:
    """Start every instance at once and wait until all answer (loading takes a while)."""
    running = supervisor(config, with_specs=True)
    running.pid_file.unlink(missing_ok=True)
    running.start().wait()
    running.wait_healthy(lambda: running.running() or not running.pid_file.exists(), 600)


def running_pid(config: ClusterConfig, name: str) -> int | None:
    """The pid of an instance while it runs."""
    return program_pid(supervisor(config).config_file, name)


def stop_apps(config: ClusterConfig) -> None:
    supervisor(config).shutdown()
