"""`python -m ops.cluster start|stop|status|compose-nginx`.

make cluster / make cluster-stop; compose-nginx prints deploy/nginx/compose.conf, the
cluster's nginx configuration for deploy/compose.yml.
"""

from __future__ import annotations

import os
import sys

from ops.cluster import cluster, services
from stores.workers import LockStoreConfigurationError


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    config = cluster.config_from_env()
    if command == "start":
        os.setsid()  # the servers outlive `make cluster` and its terminal's Ctrl-C
        try:
            cluster.start(config)
        except LockStoreConfigurationError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        url = f"http://127.0.0.1:{config.http_port}/"
        print(f"Cluster ready: {url} (data and logs in {config.root})")
    elif command == "stop":
        cluster.stop(config)
        print(f"Cluster stopped; data kept in {config.root}")
    elif command == "compose-nginx":
        print(services.render_nginx_conf(services.compose_nginx_values(config)), end="")
    elif command == "status":
        for name, megabytes in cluster.memory(config).items():
            print(f"  {name:<12} running, RSS {megabytes:7.1f} MB")
    else:
        print("usage: python -m ops.cluster start|stop|status|compose-nginx", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
