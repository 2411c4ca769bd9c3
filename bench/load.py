"""Load generator: `python -m bench.load SPEC.json RESULT.json`, a process of its own.

Closed-loop virtual patients (asyncio + aiohttp) post multi-turn conversations to the
REST channel of every variant. Time is cut into slices; in each slice one variant gets
the whole load (order from stats.slice_order), so both see the same machine over the
run, and each has the machine to itself while it is measured. Only 127.0.0.1 targets
are accepted; every slice is bounded by time and by a message count.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench.stats import slice_order


@dataclass
class Spec:
    """What to send where; written by bench.run."""

    targets: dict[str, str]  # variant name -> REST webhook URL
    levels: list[int]
    slices_per_level: int
    slice_seconds: float
    max_messages_per_slice: int
    warmup_seconds: float
    request_timeout: float
    conversations: list[list[str]]
    disclaimer: str
    unavailable_text: str
    run_id: str

    @classmethod
    def load(cls, path: Path) -> Spec:
        spec = cls(**json.loads(path.read_text(encoding="utf-8")))
        for url in spec.targets.values():
            if urlsplit(url).hostname != "127.0.0.1":
                raise ValueError(f"the load generator only talks to 127.0.0.1: {url}")
        return spec


def answered(status: int, messages: Any, disclaimer: str, unavailable_text: str) -> bool:
    """A real answer: 200, at least one message, every one with the disclaimer, none degraded.

    The degraded reply means the action server was not reached, which must count as an
    error, not as a fast answer.
    """
    if status != 200 or not isinstance(messages, list) or not messages:
        return False
    texts = [message.get("text", "") for message in messages if isinstance(message, dict)]
    return len(texts) == len(messages) and all(
        text.endswith(disclaimer) and text != unavailable_text for text in texts
    )


@dataclass
class Patient:
    """One virtual patient per (variant, user slot): walks the conversations in turn."""

    prefix: str
    scripts: list[list[str]]
    conversation: int = 0
    turn: int = 0
    number: int = 0

    def next_message(self) -> tuple[str, str]:
        """(sender id, text) of the next turn; a finished conversation starts a new sender."""
        script = self.scripts[self.conversation % len(self.scripts)]
        sender, text = f"{self.prefix}-{self.number}", script[self.turn]
        self.turn += 1
        if self.turn == len(script):
            self.conversation, self.turn, self.number = self.conversation + 1, 0, self.number + 1
        return sender, text


@dataclass
class Tally:
    """Raw results of one variant at one level, summed over its slices."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0


async def post(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple:
    """(status, JSON body or None, milliseconds) of one patient message."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            return response.status, body, (time.perf_counter() - started) * 1000
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return 0, None, (time.perf_counter() - started) * 1000


def rotated(scripts: list[list[str]], slot: int) -> list[list[str]]:
    """The conversations starting at a slot-dependent one, so concurrent patients differ."""
    start = slot % len(scripts)
    return scripts[start:] + scripts[:start]


def patients_for(prefix: str, scripts: list[list[str]], users: int) -> list[Patient]:
    return [Patient(f"{prefix}u{slot}", rotated(scripts, slot)) for slot in range(users)]


async def run_slice(
    session: aiohttp.ClientSession,
    url: str,
    patients: list[Patient],
    spec: Spec,
    tally: Tally,
    seconds: float,
) -> None:
    """All patients talk to one variant until the slice's time or message budget is used."""
    started = time.perf_counter()
    deadline = started + seconds
    budget = itertools.count()

    async def patient_loop(patient: Patient) -> None:
        while time.perf_counter() < deadline and next(budget) < spec.max_messages_per_slice:
            status, body, milliseconds = await post(session, url, *patient.next_message())
            if answered(status, body, spec.disclaimer, spec.unavailable_text):
                tally.latencies_ms.append(milliseconds)
            else:
                tally.errors += 1

    await asyncio.gather(*(patient_loop(patient) for patient in patients))
    tally.seconds += time.perf_counter() - started


async def run_level(session: aiohttp.ClientSession, spec: Spec, users: int) -> dict[str, Tally]:
    """One concurrency level: every variant gets the same number of alternating slices."""
    names = list(spec.targets)
    patients = {
        name: patients_for(f"{spec.run_id}-{name}-{users}", spec.conversations, users)
        for name in names
    }
    tallies = {name: Tally() for name in names}
    for name in slice_order(names, spec.slices_per_level * len(names)):
        url = spec.targets[name]
        await run_slice(session, url, patients[name], spec, tallies[name], spec.slice_seconds)
    return tallies


async def warm_up(session: aiohttp.ClientSession, spec: Spec) -> None:
    """Untimed turns first: TensorFlow traces its functions on the first messages."""
    for name, url in spec.targets.items():
        patients = patients_for(f"{spec.run_id}-{name}-warm", spec.conversations, 4)
        await run_slice(session, url, patients, spec, Tally(), spec.warmup_seconds)


async def run(spec: Spec) -> dict[str, Any]:
    """Warm up, then every level; returns raw latencies so bench.run can summarise them."""
    timeout = aiohttp.ClientTimeout(total=spec.request_timeout)
    connector = aiohttp.TCPConnector(limit=max(spec.levels) + 8)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await warm_up(session, spec)
        results: dict[str, Any] = {}
        for users in spec.levels:
            tallies = await run_level(session, spec, users)
            results[str(users)] = {name: tally.__dict__ for name, tally in tallies.items()}
        return results


def main(argv: list[str]) -> int:
    spec = Spec.load(Path(argv[1]))
    results = asyncio.run(run(spec))
    Path(argv[2]).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
