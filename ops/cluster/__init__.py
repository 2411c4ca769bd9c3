"""The production topology on one machine: PostgreSQL, Redis, nginx, 2 Rasa, 2 action servers.

`python -m ops.cluster start|stop|status` (`make cluster`, `make cluster-stop`).
Every data file, pid file and log stays under one folder (CLUSTER_DIR, default
var/cluster/), and PostgreSQL, Redis and nginx run as the project's own
instances on their own ports, never as the machine's system services.
"""
