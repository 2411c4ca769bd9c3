"""`python -m ops.serve rasa|actions`: one server in the foreground, for containers.

A container runs one process; this starts it through ops.processes (the one
definition of each command line, the channel credentials and the refusal of
SANIC_WORKERS > 1 without Redis, with exit status 2) and forwards the
container's stop signal.
Ports come from RASA_PORT and ACTION_PORT like everywhere else.
"""

from __future__ import annotations

import os
import signal
import sys

from ops.processes import Server, start_action_server, start_rasa_server
from stores.workers import LockStoreConfigurationError


def start(role: str) -> Server:
    if role == "rasa":
        return start_rasa_server(int(os.environ.get("RASA_PORT", "5005")), {})
    if role == "actions":
        return start_action_server(int(os.environ.get("ACTION_PORT", "5055")), {})
    raise SystemExit("usage: python -m ops.serve rasa|actions")


def main(argv: list[str]) -> int:
    try:
        server = start(argv[1] if len(argv) > 1 else "")
    except LockStoreConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    return server.process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
