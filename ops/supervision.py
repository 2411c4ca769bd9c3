"""Keeps the servers of `make run` and `make cluster` up: a server that exits is restarted.

The supervisor is supervisord, from the Supervisor project (PyPI, no dependencies,
maintained since 2004, and familiar to hospital IT from its use on Linux servers):
it restarts an exited program, backs off between attempts when a program keeps
failing to start, logs each exit and restart, and stops every program on SIGINT or
SIGTERM. honcho (what `foreman` users know) does not restart anything, and circus
needs ZeroMQ and is no longer actively released.

While a server is down, the others keep going: the Rasa server answers with the
degraded reply, or the emergency and crisis replies, while the action server
restarts (channels/guarantee.py), and the tracker store keeps the conversation
while the Rasa server restarts.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ops.processes import VENV_BIN, ServerSpec, wait_until_healthy
from project import PROJECT_ROOT

# A program must stay up this long to count as started. One that exits sooner has
# failed to start, and supervisord waits 1 s, 2 s, 3 s, ... before each new attempt.
START_SECONDS = 5
START_RETRIES = 1000
# How long a program may take to stop on SIGTERM before it is killed.
STOP_SECONDS = 20


def program_name(spec: ServerSpec) -> str:
    """supervisord's name for a server: its name in lower case, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", spec.name.lower()).strip("-")


def _escape(value: str) -> str:
    """A value as supervisord reads it: its configuration expands '%(name)s'."""
    return value.replace("%", "%%")


def _environment(env: Mapping[str, str]) -> str:
    """supervisord's `environment=` value: KEY="value" pairs, quoted for its parser."""
    pairs = []
    for key, value in env.items():
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        pairs.append(f'{key}="{_escape(quoted)}"')
    return ",".join(pairs)


def _log_settings(log_dir: Path | None, name: str) -> list[str]:
    """A program's output to its own file, or (in the foreground) to the terminal."""
    target = "/dev/stdout" if log_dir is None else str(log_dir / f"{name}.log")
    return [f"stdout_logfile={target}", "stdout_logfile_maxbytes=0", "redirect_stderr=true"]


def supervisorctl(config_file: Path, *arguments: str) -> str:
    """supervisorctl's output for a command (pid, status, ...) to a running supervisord."""
    command = [str(VENV_BIN / "supervisorctl"), "--configuration", str(config_file)]
    result = subprocess.run(
        [*command, *arguments], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout.strip()


def program_pid(config_file: Path, name: str) -> int | None:
    """The pid of a supervised program, or None while it is not running."""
    answer = supervisorctl(config_file, "pid", name)
    return int(answer) if answer.isdigit() and int(answer) > 0 else None


@dataclass(frozen=True)
class Supervisor:
    """One supervisord and its programs; run_dir holds its configuration and socket.

    log_dir None runs it in the foreground, with every log on the terminal
    (`make run`); otherwise it runs as a daemon and each program logs to a file
    (`make cluster`).
    """

    specs: tuple[ServerSpec, ...]
    run_dir: Path
    log_dir: Path | None = None

    @property
    def config_file(self) -> Path:
        return self.run_dir / "supervisord.conf"

    @property
    def socket(self) -> Path:
        return self.run_dir / "supervisor.sock"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "supervisord.pid"

    def config(self) -> str:
        """supervisord.conf for the programs, with a local socket for supervisorctl."""
        foreground = self.log_dir is None
        log = "/dev/stdout" if foreground else str(self.log_dir / "supervisord.log")
        lines = [
            "[supervisord]",
            # As root, say so: supervisord otherwise logs a critical warning at start.
            "user=root" if os.geteuid() == 0 else "",
            f"nodaemon={'true' if foreground else 'false'}",
            f"logfile={log}",
            "logfile_maxbytes=0",
            f"pidfile={self.pid_file}",
            f"directory={PROJECT_ROOT}",
            "",
            "[unix_http_server]",
            f"file={self.socket}",
            "chmod=0700",
            "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "",
            "[supervisorctl]",
            f"serverurl=unix://{self.socket}",
            "",
        ]
        for spec in self.specs:
            name = program_name(spec)
            lines += [
                f"[program:{name}]",
                f"command={_escape(shlex.join(spec.command))}",
                f"directory={PROJECT_ROOT}",
                f"environment={_environment(spec.env)}" if spec.env else "",
                "autorestart=true",
                f"startsecs={START_SECONDS}",
                f"startretries={START_RETRIES}",
                f"stopwaitsecs={STOP_SECONDS}",
                "stopasgroup=true",
                "killasgroup=true",
                *_log_settings(self.log_dir, name),
                "",
            ]
        return "\n".join(lines) + "\n"

    def start(self) -> subprocess.Popen:
        """Write the configuration and start supervisord (it starts every program)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.config(), encoding="utf-8")
        command = [str(VENV_BIN / "supervisord"), "--configuration", str(self.config_file)]
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=dict(os.environ))

    def control(self, *arguments: str) -> str:
        return supervisorctl(self.config_file, *arguments)

    def running(self) -> bool:
        """Whether supervisord itself runs (it writes its pid file once it is up)."""
        try:
            pid = int(self.pid_file.read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return False
        return True

    def pid(self, spec: ServerSpec) -> int | None:
        return program_pid(self.config_file, program_name(spec))

    def wait_healthy(self, alive: Callable[[], bool], timeout: float = 120.0) -> None:
        """Wait until every program answers on its health URL, failing fast when
        alive() says supervisord has gone."""
        deadline = time.monotonic() + timeout
        for spec in self.specs:
            remaining = max(deadline - time.monotonic(), 1.0)
            wait_until_healthy(spec.health_url, alive, remaining)

    def shutdown(self, timeout: float = 60.0) -> None:
        """Stop every program, then supervisord."""
        if not self.running():
            return
        pid = int(self.pid_file.read_text().split()[0])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.2)


def run_in_foreground(supervisor: Supervisor, on_ready: str) -> int:
    """Run supervisord until Ctrl-C or SIGTERM; print on_ready once all are healthy."""
    supervisor.pid_file.unlink(missing_ok=True)
    process = supervisor.start()
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGTERM))
    try:
        supervisor.wait_healthy(lambda: process.poll() is None, timeout=600)
        print(on_ready, flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait()
