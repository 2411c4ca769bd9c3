"""`make insights-demo`: 100,000 synthetic conversations, the page's timings, then the page.

The conversations (insights/synthetic.py) go into a SQLite store of their own,
var/insights-demo/tracker.db, never the real one; a store seeded today is
reused. The insights server then runs on it as `make run` runs it, and every page
(and CSV file) is fetched over HTTP: on the unchanged store, then each time after
a new conversation was stored, as while patients write. The timings, the
server's memory and the machine's load average go to reports/insights.md.
Unless --no-serve, the server then stays up with the link printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date

import requests
import sqlalchemy as sa

from actions.content import load_content
from insights import store
from insights.gaps import nlu_examples
from insights.index import conversation_ref, ref_key
from insights.server import link, server_command
from insights.synthetic import DemoConversations
from ops.cluster.cluster import rss_mb
from ops.processes import ServerSpec, free_port, start, wait_until_healthy
from project import PROJECT_ROOT, REPORTS_DIR

DEMO_DIR = PROJECT_ROOT / "var" / "insights-demo"
DEMO_DB = DEMO_DIR / "tracker.db"
SEED_STAMP = DEMO_DIR / "seed.json"
REPORT = REPORTS_DIR / "insights.md"
CONVERSATIONS = 100_000
DAYS = 30
BATCH_ROWS = 20_000
REPEATS = 7
LIMIT_SECONDS = 1.0


def seed(conversations: int, now: float) -> dict:
    """A fresh demo store, unless one with as many conversations was seeded today."""
    if DEMO_DB.exists() and SEED_STAMP.exists():
        stamp = json.loads(SEED_STAMP.read_text(encoding="utf-8"))
        if stamp["conversations"] == conversations and stamp["day"] == date.today().isoformat():
            return dict(stamp, reused=True)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    DEMO_DB.unlink(missing_ok=True)
    engine = store.connect(f"sqlite:///{DEMO_DB}")
    store.METADATA.create_all(engine)
    generator = DemoConversations(load_content(), examples=dict(nlu_examples()))
    started, rows, batch = time.monotonic(), 0, []
    with engine.begin() as connection:
        for conversation in generator.rows(conversations, now, DAYS):
            batch += conversation
            if len(batch) >= BATCH_ROWS:
                store.insert_events(connection, batch)
                rows, batch = rows + len(batch), []
        store.insert_events(connection, batch)
    stamp = {
        "conversations": conversations,
        "rows": rows + len(batch),
        "seconds": round(time.monotonic() - started, 1),
        "bytes": DEMO_DB.stat().st_size,
        "day": date.today().isoformat(),
        "end": now,
    }
    SEED_STAMP.write_text(json.dumps(stamp), encoding="utf-8")
    return dict(stamp, reused=False)


@dataclass(frozen=True)
class Timing:
    """One page's times: the first request, then REPEATS on the unchanged store, then
    REPEATS each after a new conversation was stored (as while patients write)."""

    name: str
    path: str
    first: float
    first_byte: float
    median: float
    worst: float
    live_median: float
    live_worst: float

    @property
    def slowest(self) -> float:
        return max(self.first, self.worst, self.live_worst)


def fetch(url: str, token: str) -> tuple[float, float]:
    """Seconds to the first byte of the body, and to its end."""
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    with requests.get(url, headers=headers, timeout=120, stream=True) as response:
        response.raise_for_status()
        response.raw.read(1)
        first_byte = time.perf_counter() - started
        response.raw.read()
    return first_byte, time.perf_counter() - started


class Arrivals:
    """New conversations of the demo's mix stored during the measurement, each before a
    request, so the server reads new messages and recomputes as on a live store; they
    are removed afterwards."""

    PREFIX = "demo-live-"

    def __init__(self, url: str) -> None:
        self.engine = store.connect(url)
        self.generator = DemoConversations(load_content(), seed=1818, examples=dict(nlu_examples()))
        self.count = 0

    def store_one(self) -> None:
        rows = self.generator.conversation(f"{self.PREFIX}{self.count:06d}", time.time() - 600)
        with self.engine.begin() as connection:
            store.insert_events(connection, rows)
        self.count += 1

    def remove(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(store.EVENTS).where(store.EVENTS.c.sender_id.like(f"{self.PREFIX}%"))
            )
        self.engine.dispose()


@dataclass
class Load:
    """The machine's 1-minute load average, sampled around each page's requests."""

    samples: list[float] = field(default_factory=list)

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])

    def describe(self) -> str:
        first, last, high = self.samples[0], self.samples[-1], max(self.samples)
        return f"{first:.1f} at the start, {last:.1f} at the end, at most {high:.1f}"


def measure(
    base: str, token: str, pages: dict[str, str], arrivals: Arrivals, load: Load
) -> list[Timing]:
    timings = []
    load.sample()
    for name, path in pages.items():
        _, first = fetch(base + path, token)
        runs = [fetch(base + path, token) for _ in range(REPEATS)]
        live = []
        for _ in range(REPEATS):
            arrivals.store_one()
            live.append(fetch(base + path, token)[1])
        totals = [total for _, total in runs]
        timings.append(
            Timing(
                name,
                path,
                first,
                first_byte=statistics.median(byte for byte, _ in runs),
                median=statistics.median(totals),
                worst=max(totals),
                live_median=statistics.median(live),
                live_worst=max(live),
            )
        )
        load.sample()
    return timings


def pages(transcript_ref: str) -> dict[str, str]:
    return {
        "overview, last 30 days, all channels": "/",
        "overview, channel twilio": "/?channel=twilio",
        "overview, last 7 days": f"/?from={date.fromordinal(date.today().toordinal() - 6)}",
        "content gaps, all channels": "/gaps",
        "content gaps, channel socketio": "/gaps?channel=socketio",
        "conversations, first page": "/conversations",
        "conversations with an emergency, page 3": "/conversations?show=red_flags&page=2",
        "one transcript": f"/conversations/{transcript_ref}",
        "CSV: conversations per day": "/overview.csv?table=daily",
        "CSV: content-gap themes (all)": "/gaps.csv?table=themes",
        "CSV: all conversations": "/conversations.csv?table=conversations",
    }


def write_report(
    stamp: dict, load_seconds: float, memory_mb: float, timings: list[Timing], load: Load
) -> None:
    slowest = max(t.slowest for t in timings)
    verdict = "met" if slowest < LIMIT_SECONDS else "NOT met"
    lines = [
        "# Insights page on 100,000 conversations",
        "",
        "Written by `make insights-demo` (insights/demo.py); do not edit by hand.",
        "",
        f"- Store: SQLite, {stamp['conversations']:,} synthetic conversations over {DAYS} days,"
        f" {stamp['rows']:,} events ({stamp['bytes'] / 1e6:,.0f} MB; seeded in"
        f" {stamp['seconds']} s), the mix of insights/synthetic.py.",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; measured {time.strftime('%Y-%m-%d %H:%M')};"
        f" load average (1 min) {load.describe()} (other work shares the machine).",
        f"- Ready {load_seconds:.1f} s after start: the server reads every stored message once"
        " and groups the content gaps (loading the word embeddings) in the background; pages"
        " asked for meanwhile wait for the read.",
        f"- Server memory (resident) after the measurements: {memory_mb:,.0f} MB.",
        f"- Target: every page under {LIMIT_SECONDS:g} s: **{verdict}** (slowest {slowest:.3f} s).",
        "",
        "Times are for the whole HTTP request (server and client on this machine). *First* is"
        " the first request of that page after the store was read; *median* and *worst* are"
        f" of the {REPEATS} requests after it, on the unchanged store, and *first byte* is their"
        " median time to the first byte of the answer (CSV files are sent as they are"
        f" written). The last two columns are of {REPEATS} more requests, each after a new"
        " conversation was stored, so that the server reads it and computes the page anew, as"
        " while patients write.",
        "",
        "| page | first (s) | first byte (s) | median (s) | worst (s) |"
        " new conversation before each: median (s) | worst (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.first:.3f} | {t.first_byte:.3f} | {t.median:.3f} | {t.worst:.3f}"
            f" | {t.live_median:.3f} | {t.live_worst:.3f} |"
        )
    lines.append("")
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS)
    parser.add_argument("--no-serve", action="store_true", help="measure, then stop")
    args = parser.parse_args(argv)
    stamp = seed(args.conversations, time.time())
    print(f"demo store: {DEMO_DB} ({stamp['rows']:,} events)", flush=True)
    token, port = secrets.token_urlsafe(24), int(os.environ.get("INSIGHTS_PORT") or free_port())
    env = {
        "TRACKER_STORE_URL": f"sqlite:///{DEMO_DB}",
        "INSIGHTS_TOKEN": token,
        "RETENTION_DAYS": str(DAYS),
    }
    spec = ServerSpec("insights demo", server_command(port), f"http://127.0.0.1:{port}/health", env)
    server = start(spec, DEMO_DIR / "server.log")
    try:
        started = time.perf_counter()
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base + "/ready", server.process, timeout=600)
        load_seconds = time.perf_counter() - started
        first_sender = "demo-000000"
        ref = conversation_ref(ref_key(token), _sender_starting(first_sender))
        arrivals, load = Arrivals(f"sqlite:///{DEMO_DB}"), Load()
        try:
            timings = measure(base, token, pages(ref), arrivals, load)
        finally:
            arrivals.remove()
        write_report(stamp, load_seconds, rss_mb(server.process.pid), timings, load)
        print(REPORT.read_text(encoding="utf-8"), flush=True)
        if not args.no_serve:
            print(f"\nThe demo's insights page: {link(port, token)}  (Ctrl-C stops)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.process.wait()
    finally:
        server.stop()
    return 0


def _sender_starting(prefix: str) -> str:
    """The full sender id of a demo conversation (its suffix is random)."""
    engine = store.connect(f"sqlite:///{DEMO_DB}")
    with engine.connect() as connection:
        query = sa.select(store.EVENTS.c.sender_id).where(
            store.EVENTS.c.sender_id.like(f"{prefix}%")
        )
        return str(connection.execute(query.limit(1)).scalar_one())


if __name__ == "__main__":
    sys.exit(main())
