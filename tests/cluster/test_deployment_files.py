"""The Dockerfiles, deploy/compose.yml and Helm values describe the tested cluster.

No Docker engine or Kubernetes runs here, so these files are parsed and
compared with the cluster's own configuration: same variables, ports, health
checks, replicas and nginx configuration.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ops.cluster import services
from ops.cluster.config import DEFAULTS, ClusterConfig
from ops.processes import action_server_command
from project import PROJECT_ROOT

DEFAULT = ClusterConfig.from_env({})
RASA_HEALTH = "/webhooks/rest/"  # what ops.processes.start_rasa_server polls
ACTION_HEALTH = "/health"  # what ops.processes.start_action_server polls
RASA_PORT, ACTION_PORT = services.CONTAINER_RASA_PORT, services.CONTAINER_ACTION_PORT
COMPOSE = yaml.safe_load((PROJECT_ROOT / "deploy/compose.yml").read_text())
HELM = yaml.safe_load((PROJECT_ROOT / "deploy/helm/values.yml").read_text())
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text()


def dockerfile(name: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (PROJECT_ROOT / "deploy/docker" / name).read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def last(instructions: list[tuple[str, str]], name: str) -> str:
    return [arguments for instruction, arguments in instructions if instruction == name][-1]


def documented(name: str) -> bool:
    return re.search(rf"^#? ?{name}=", ENV_EXAMPLE, re.MULTILINE) is not None


def test_action_server_image_is_the_official_sdk_run_as_non_root() -> None:
    actions = dockerfile("actions.Dockerfile")
    assert last(actions, "FROM") == "rasa/rasa-sdk:3.6.2"
    assert last(actions, "USER") not in ("root", "0")
    assert last(actions, "EXPOSE") == str(ACTION_PORT)
    assert f"{ACTION_HEALTH}'" in last(actions, "HEALTHCHECK")
    command = json.loads(last(actions, "ENTRYPOINT")) + json.loads(last(actions, "CMD"))
    assert command == ["python", *action_server_command(ACTION_PORT)[1:]]


def test_rasa_image_starts_through_ops_processes_as_non_root() -> None:
    rasa = dockerfile("rasa.Dockerfile")
    assert last(rasa, "USER") not in ("root", "0")
    assert last(rasa, "EXPOSE") == str(RASA_PORT)
    assert f"{RASA_HEALTH}'" in last(rasa, "HEALTHCHECK")
    assert json.loads(last(rasa, "CMD")) == ["python", "-m", "ops.serve", "rasa"]
    assert any("--require-hashes" in arguments for name, arguments in rasa if name == "RUN")


def test_compose_runs_the_cluster_topology() -> None:
    services_ = COMPOSE["services"]
    assert set(services_) == {"postgres", "redis", "action-server", "rasa", "nginx"}
    assert services_["rasa"]["deploy"]["replicas"] == len(DEFAULT.rasa_ports)
    assert services_["action-server"]["deploy"]["replicas"] == len(DEFAULT.action_ports)
    assert services_["nginx"]["ports"] == [f"{DEFAULT.http_port}:{DEFAULT.http_port}"]
    assert services_["rasa"]["build"]["dockerfile"] == "deploy/docker/rasa.Dockerfile"
    assert services_["action-server"]["build"]["dockerfile"] == "deploy/docker/actions.Dockerfile"


def test_compose_rasa_has_the_cluster_environment() -> None:
    env = COMPOSE["services"]["rasa"]["environment"]
    assert set(DEFAULT.server_env()) <= set(env)
    assert env["TRACKER_STORE_URL"].startswith("postgresql://")
    assert env["REDIS_URL"].startswith("redis://")
    assert env["ACTION_ENDPOINT_URL"] == f"http://nginx:{DEFAULT.actions_proxy_port}/webhook"
    undocumented = [name for name in env if not documented(name)]
    assert not undocumented, f"add to .env.example: {undocumented}"


def test_compose_health_checks_match_the_cluster() -> None:
    services_ = COMPOSE["services"]
    rasa_check = " ".join(services_["rasa"]["healthcheck"]["test"])
    action_check = " ".join(services_["action-server"]["healthcheck"]["test"])
    assert f"127.0.0.1:{RASA_PORT}{RASA_HEALTH}'" in rasa_check
    assert f"127.0.0.1:{ACTION_PORT}{ACTION_HEALTH}'" in action_check


def test_compose_nginx_uses_the_cluster_template() -> None:
    rendered = services.render_nginx_conf(services.compose_nginx_values(DEFAULT))
    assert (PROJECT_ROOT / "deploy/nginx/compose.conf").read_text() == rendered, (
        "regenerate: python -m ops.cluster compose-nginx > deploy/nginx/compose.conf"
    )


def test_helm_values_mirror_the_cluster() -> None:
    actions = HELM["rasa-action-server"]
    assert HELM["replicaCount"] == len(DEFAULT.rasa_ports)
    assert actions["install"] is True
    assert actions["replicaCount"] == len(DEFAULT.action_ports)
    assert HELM["applicationSettings"]["port"] == RASA_PORT
    assert actions["applicationSettings"]["port"] == ACTION_PORT
    assert HELM["command"] + HELM["args"] == ["python", "-m", "ops.serve", "rasa"]
    assert actions["securityContext"]["runAsNonRoot"] is True
    env_names = {item["name"] for item in HELM["extraEnv"]}
    assert set(DEFAULT.server_env()) <= env_names
    assert all(documented(name) for name in env_names)


def test_helm_probes_use_the_cluster_health_checks() -> None:
    actions = HELM["rasa-action-server"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert HELM[probe]["httpGet"]["path"] == RASA_HEALTH
        assert actions[probe]["httpGet"]["path"] == ACTION_HEALTH


def test_cluster_variables_are_documented() -> None:
    missing = [name for name in DEFAULTS if not documented(name)]
    assert not missing, f"add to the Cluster section of .env.example: {missing}"


def test_endpoints_select_the_shared_stores_from_the_environment() -> None:
    endpoints = yaml.safe_load(Path(PROJECT_ROOT / "endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "stores.lock_store.EnvLockStore"
    assert endpoints["tracker_store"]["type"] == "stores.tracker_store.RedactingTrackerStore"
