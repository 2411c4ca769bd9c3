"""`make shell`: chat in the terminal with Rasa's shell and a background action server."""

from __future__ import annotations

import os
import subprocess
import sys

from ops.processes import VENV_BIN, start_action_server, wait_until_healthy
from project import DEFAULT_MODEL, PROJECT_ROOT


def main() -> int:
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    env = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}
    action_server = start_action_server(
        action_port, env, PROJECT_ROOT / "var" / "shell-actions.log"
    )
    try:
        wait_until_healthy(action_server.health_url, action_server.process)
        command = [
            str(VENV_BIN / "rasa"),
            "shell",
            "--model",
            str(DEFAULT_MODEL),
            "--endpoints",
            "endpoints.yml",
            "--port",
            os.environ.get("RASA_PORT", "5005"),
        ]
        return subprocess.call(command, cwd=PROJECT_ROOT, env={**os.environ, **env})
    except KeyboardInterrupt:
        return 0
    finally:
        action_server.stop()


if __name__ == "__main__":
    sys.exit(main())
