"""`make bench` (and `make bench-smoke`): train, start, load and report in one run.

Settings come from the environment (see Settings.from_env and docs/performance.md).
BENCH_SHORT=1 is the smoke setting CI runs: the shipped model under the project's
runtime, seconds-long slices, written to var/bench/ so it never replaces
reports/bench.md.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from actions.content import load_content
from bench import report
from bench.conversations import conversations
from bench.memory import PeakMemory
from bench.servers import Deployment, first_answer_seconds, start_redis
from bench.stats import LevelSummary, slice_order, summarise
from bench.variants import SHIPPED_CONFIG, Variant, catalog, training_config
from channels.guarantee import service_unavailable_text
from evaluation.training import DETERMINISM_ENV
from ops.processes import VENV_BIN
from project import DEFAULT_MODEL, PROJECT_ROOT

# Generous: a server may take minutes to start on a busy two-core machine.
STARTUP_TIMEOUT = 600.0


@dataclass(frozen=True)
class Settings:
    """How long and how hard to measure; the full setting is what the targets refer to."""

    short: bool
    variants: list[str]
    levels: list[int]
    slices_per_level: int
    slice_seconds: float
    max_messages_per_slice: int
    warmup_seconds: float
    startup_samples: int
    workers: int
    epochs: int | None
    reuse_shipped_model: bool
    profile: bool
    workdir: Path
    report_path: Path

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Settings:
        short = env.get("BENCH_SHORT", "") not in ("", "0")

        def get(name: str, full: str, smoke: str) -> str:
            return env.get(f"BENCH_{name}") or (smoke if short else full)

        workdir = PROJECT_ROOT / get("WORKDIR", "var/bench/run", "var/bench/smoke")
        return cls(
            short=short,
            # Smoke: the project's runtime on the model `make train` made, so CI proves the
            # harness end to end without training a baseline for minutes or a stock load's
            # minute of tracing (speedups/test_speedups.py compares stock and fast parses).
            variants=get("VARIANTS", "baseline,fast", "fast").split(","),
            levels=[int(level) for level in get("LEVELS", "1,10,50", "1,10,50").split(",")],
            slices_per_level=int(get("SLICES", "3", "1")),
            slice_seconds=float(get("SLICE_SECONDS", "10", "2")),
            max_messages_per_slice=int(get("MAX_MESSAGES", "3000", "300")),
            warmup_seconds=float(get("WARMUP_SECONDS", "5", "1")),
            startup_samples=int(get("STARTUP_SAMPLES", "2", "1")),
            workers=int(get("WORKERS", "1", "1")),
            epochs=int(get("EPOCHS", "0", "1")) or None,
            reuse_shipped_model=get("REUSE_SHIPPED_MODEL", "0", "1") == "1",
            profile=get("PROFILE", "0", "0") == "1",
            workdir=workdir,
            report_path=PROJECT_ROOT / get("REPORT", "reports/bench.md", str(workdir / "bench.md")),
        )


def progress(message: str) -> None:
    """One line per phase, so a long `make bench` shows where it is."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Trained:
    model: Path
    seconds: float
    size_bytes: int


def train(variant: Variant, settings: Settings) -> Trained:
    """`rasa train` with a cache of its own, so the time is a full training, never a cache hit.

    Smoke runs serve the shipped config with the model `make train` made (not timed).
    """
    folder = settings.workdir / variant.name
    folder.mkdir(parents=True, exist_ok=True)
    if settings.reuse_shipped_model and variant.config == SHIPPED_CONFIG and DEFAULT_MODEL.exists():
        return Trained(DEFAULT_MODEL, math.nan, DEFAULT_MODEL.stat().st_size)
    config = training_config(variant.config, folder / "config.yml", settings.epochs)
    command = [
        *(str(VENV_BIN / "rasa"), "train", "--config", str(config), "--domain", "domain.yml"),
        *("--data", "data", "--out", str(folder), "--fixed-model-name", "model", "--quiet"),
    ]
    env = {**os.environ, **DETERMINISM_ENV, "RASA_CACHE_DIRECTORY": str(folder / "train-cache")}
    progress(f"training {variant.name} ({config.relative_to(PROJECT_ROOT)})")
    started = time.monotonic()
    with open(folder / "train.log", "wb") as log:
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log, check=True)
    model = folder / "model.tar.gz"
    return Trained(model, time.monotonic() - started, model.stat().st_size)


def train_all(variants: list[Variant], settings: Settings) -> dict[str, Trained]:
    """One training per distinct config (variants that differ only in serving share it)."""
    by_config: dict[Path, Trained] = {}
    for variant in variants:
        if variant.config not in by_config:
            by_config[variant.config] = train(variant, settings)
    return {variant.name: by_config[variant.config] for variant in variants}


def server_env(variant: Variant, folder: Path, redis_url: str) -> dict[str, str]:
    """Own tracker DB, no rate limit (one client address sends everything), locks per workers,
    and the speed-ups on whatever RASA_SPEEDUPS says (the stock variant runs `rasa` itself)."""
    return {
        "RASA_SPEEDUPS": "on",
        "TRACKER_DB": str(folder / "tracker.db"),
        "TRACKER_STORE_URL": "",
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "RATE_LIMIT_PER_IP_PER_MINUTE": "10000000",
        "SANIC_WORKERS": str(variant.workers),
        "REDIS_URL": redis_url if variant.workers > 1 else "",
    }


def measure_startups(
    deployments: list[Deployment], samples: int, memory: PeakMemory
) -> dict[str, list[float]]:
    """Start each Rasa server `samples` times, one at a time, in alternating order.

    Each start is timed to the first answer through the action server; the last start of
    each variant stays up for the load.
    """
    seconds: dict[str, list[float]] = {deployment.name: [] for deployment in deployments}
    order = slice_order(deployments, samples * len(deployments))
    for index, deployment in enumerate(order):
        progress(f"starting the Rasa server of {deployment.name}")
        started = time.monotonic()
        memory.watch(f"{deployment.name} rasa", deployment.start_rasa().process.pid)
        seconds[deployment.name].append(first_answer_seconds(deployment, started, STARTUP_TIMEOUT))
        if deployment in order[index + 1 :]:
            memory.sample()
            deployment.rasa.stop()
    return seconds


def profilers(deployments: list[Deployment], settings: Settings) -> list[subprocess.Popen]:
    """BENCH_PROFILE=1: py-spy samples every Rasa server (and its workers) during the load.

    Raw collapsed stacks go to <workdir>/<variant>/profile.txt (docs/performance.md shows
    how to read them); profiling slows the servers, so such a run's numbers are not quoted.
    """
    if not settings.profile:
        return []
    return [
        subprocess.Popen(
            [
                *(str(VENV_BIN / "py-spy"), "record", "--subprocesses", "--format", "raw"),
                *("--rate", "200", "--pid", str(deployment.rasa.process.pid)),
                *("--output", str(deployment.workdir / "profile.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for deployment in deployments
        if deployment.rasa
    ]


def run_load(deployments: list[Deployment], settings: Settings) -> dict:
    """The load generator in a process of its own; returns its raw results."""
    spec = {
        "targets": {deployment.name: deployment.webhook for deployment in deployments},
        "levels": settings.levels,
        "slices_per_level": settings.slices_per_level,
        "slice_seconds": settings.slice_seconds,
        "max_messages_per_slice": settings.max_messages_per_slice,
        "warmup_seconds": settings.warmup_seconds,
        "request_timeout": 60.0,
        "conversations": conversations(),
        "disclaimer": load_content().disclaimer,
        "unavailable_text": service_unavailable_text(),
        "run_id": f"bench{int(time.time())}",
    }
    spec_path, result_path = settings.workdir / "load-spec.json", settings.workdir / "load.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    slices = len(settings.levels) * settings.slices_per_level * len(deployments)
    budget = slices * (settings.slice_seconds + 60) + len(deployments) * 60 + 60
    command = [sys.executable, "-m", "bench.load", str(spec_path), str(result_path)]
    progress(f"load: {settings.levels} concurrent conversations, alternating slices")
    samplers = profilers(deployments, settings)
    try:
        subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=budget)
    finally:
        for sampler in samplers:
            sampler.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            sampler.wait(timeout=60)
    return json.loads(result_path.read_text(encoding="utf-8"))


def summaries(raw: dict) -> dict[str, dict[int, LevelSummary]]:
    """variant -> users -> summary."""
    result: dict[str, dict[int, LevelSummary]] = {}
    for users, per_variant in raw.items():
        for name, tally in per_variant.items():
            result.setdefault(name, {})[int(users)] = summarise(
                int(users), tally["latencies_ms"], tally["errors"], tally["seconds"]
            )
    return result


def main() -> int:
    settings = Settings.from_env(dict(os.environ))
    variants = catalog(settings.workers)
    chosen = [variants[name] for name in settings.variants]
    shutil.rmtree(settings.workdir, ignore_errors=True)
    settings.workdir.mkdir(parents=True)
    machine_before = report.machine_state()
    trained = train_all(chosen, settings)
    with ExitStack() as stack, PeakMemory() as memory:
        redis_url = ""
        if any(variant.workers > 1 for variant in chosen):
            redis, redis_url = start_redis(settings.workdir)
            stack.callback(redis.stop)
        deployments = []
        for variant in chosen:
            folder = settings.workdir / variant.name
            env = {**server_env(variant, folder, redis_url), **dict(variant.env)}
            deployment = Deployment(
                variant.name, trained[variant.name].model, variant.stock, env, folder
            )
            stack.callback(deployment.stop)
            memory.watch(f"{variant.name} actions", deployment.start_actions().process.pid)
            deployments.append(deployment)
        startups = measure_startups(deployments, settings.startup_samples, memory)
        raw = run_load(deployments, settings)
    results = report.Results(
        settings=settings,
        variants=chosen,
        trained=trained,
        startups=startups,
        memory=dict(memory.peaks),
        levels=summaries(raw),
        machine_before=machine_before,
        machine_after=report.machine_state(),
    )
    settings.report_path.parent.mkdir(parents=True, exist_ok=True)
    settings.report_path.write_text(report.render(results), encoding="utf-8")
    (settings.workdir / "results.json").write_text(report.as_json(results), encoding="utf-8")
    print(f"wrote {settings.report_path.relative_to(PROJECT_ROOT)}")
    return 0 if report.complete(results) else 1


if __name__ == "__main__":
    sys.exit(main())
