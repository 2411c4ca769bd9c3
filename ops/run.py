"""`make run`: the action server and the Rasa server in the foreground; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from channels.config import ChannelConfigError, enabled_titles
from ops.processes import start_action_server, start_rasa_server, wait_until_healthy
from ops.web_server import DEFAULT_WEB_PORT, allowed_origins, start_web_server
from project import PROJECT_ROOT


def main() -> int:
    try:
        channels = ["REST", "Socket.IO", *enabled_titles(os.environ)]
    except ChannelConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rasa_port = int(os.environ.get("RASA_PORT", "5005"))
    action_port = int(os.environ.get("ACTION_PORT", "5055"))
    tracker_db = Path(os.environ.get("TRACKER_DB", "var/tracker.db"))
    (PROJECT_ROOT / tracker_db).parent.mkdir(parents=True, exist_ok=True)
    web_port = int(os.environ.get("WEB_PORT", DEFAULT_WEB_PORT))
    env = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}
    env["ALLOWED_ORIGINS"] = allowed_origins(os.environ, web_port)
    servers = [start_action_server(action_port, env)]
    servers.append(start_rasa_server(rasa_port, env))
    servers.append(start_web_server(web_port, {"RASA_PORT": str(rasa_port)}))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for server in servers:
            wait_until_healthy(server.health_url, server.process)
        print(
            f"\nReady. REST: http://localhost:{rasa_port}/webhooks/rest/webhook  "
            f"Socket.IO: http://localhost:{rasa_port}/socket.io  (Ctrl-C stops)\n"
            f"Demo page with the chat widget: http://localhost:{web_port}\n"
            f"Channels: {', '.join(channels)}\n",
            flush=True,
        )
        while all(server.process.poll() is None for server in servers):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for server in reversed(servers):
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
