"""`make run` (python -m ops.run) with channels off, and with one half configured.

"Channel on" is covered by test_channels.py, whose server has every channel on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from channels.config import CHANNELS
from ops.processes import free_port
from project import PROJECT_ROOT

CHANNEL_VARIABLES = {
    var for channel in CHANNELS for var in (*channel.required.values(), *channel.optional.values())
}


def run_env(**variables: str) -> dict[str, str]:
    """The caller's environment without any channel variable, plus the given ones."""
    env = {name: value for name, value in os.environ.items() if name not in CHANNEL_VARIABLES}
    return {**env, "PYTHONPATH": str(PROJECT_ROOT), **variables}


def test_half_configured_channel_stops_start_up_naming_the_missing_variables() -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ops.run"],
        cwd=PROJECT_ROOT,
        env=run_env(TELEGRAM_TOKEN="123456:TEST-token", TELEGRAM_BOT_NAME="spine_test_bot"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Telegram is half configured" in result.stderr
    assert "TELEGRAM_WEBHOOK_URL, TELEGRAM_SECRET_TOKEN" in result.stderr
    assert time.monotonic() - started < 30, "it must fail before starting any server"


def test_make_run_starts_with_every_messaging_channel_off(tmp_path: Path) -> None:
    rasa_port, action_port = free_port(), free_port()
    env = run_env(
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        TRACKER_DB=str(tmp_path / "tracker.db"),
    )
    log = tmp_path / "run.log"
    with log.open("w") as output:
        run = subprocess.Popen(
            [sys.executable, "-m", "ops.run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 300
        while "Ready." not in log.read_text() and time.monotonic() < deadline:
            assert run.poll() is None, log.read_text()
            time.sleep(0.5)
        assert "Channels: REST, Socket.IO\n" in log.read_text()
        url = f"http://127.0.0.1:{rasa_port}/webhooks"
        assert requests.get(f"{url}/rest/", timeout=10).ok
        for channel in ("slack", "facebook", "twilio", "telegram", "botframework"):
            assert requests.get(f"{url}/{channel}/", timeout=10).status_code == 404
    finally:
        run.terminate()
        run.wait(timeout=60)
