"""`make run`: the action server, the Rasa server, the demo page and the insights page, kept up.

supervisord (ops/supervision.py) starts them in the foreground and restarts any
that exits; only Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from channels.config import ChannelConfigError, enabled_titles
from insights.server import DEFAULT_INSIGHTS_PORT, insights_server_spec, staff_link
from ops.processes import action_server_spec, rasa_server_spec
from ops.supervision import Supervisor, run_in_foreground
from ops.web_server import DEFAULT_WEB_PORT, allowed_origins, web_server_spec
from project import PROJECT_ROOT

# supervisord's configuration and socket for `make run`.
RUN_DIR = PROJECT_ROOT / "var" / "run"


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
    insights_port = int(os.environ.get("INSIGHTS_PORT", DEFAULT_INSIGHTS_PORT))
    env = {
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ALLOWED_ORIGINS": allowed_origins(os.environ, web_port),
    }
    supervisor = Supervisor(
        specs=(
            action_server_spec(action_port, env),
            rasa_server_spec(rasa_port, env),
            web_server_spec(web_port, {"RASA_PORT": str(rasa_port)}),
            insights_server_spec(insights_port),
        ),
        run_dir=RUN_DIR,
    )
    ready = (
        f"\nReady. REST: http://localhost:{rasa_port}/webhooks/rest/webhook  "
        f"Socket.IO: http://localhost:{rasa_port}/socket.io  (Ctrl-C stops)\n"
        f"Demo page with the chat widget: http://localhost:{web_port}\n"
        f"Insights for staff: {staff_link(insights_port)}\n"
        f"Channels: {', '.join(channels)}\n"
        "A server that exits is restarted (supervisord; its log lines start with a date).\n"
    )
    return run_in_foreground(supervisor, ready)


if __name__ == "__main__":
    sys.exit(main())
