"""reports/bench.md, written from one run's measurements (never edited by hand)."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.stats import LevelSummary, ratio
from bench.variants import Variant
from evaluation import markdown
from project import PROJECT_ROOT

BASELINE, FAST = "baseline", "fast"
MB = 1024 * 1024


@dataclass
class Results:
    settings: Any  # bench.run.Settings
    variants: list[Variant]
    trained: dict[str, Any]  # name -> bench.run.Trained
    startups: dict[str, list[float]]
    memory: dict[str, int]  # "<variant> rasa|actions" -> peak PSS bytes
    levels: dict[str, dict[int, LevelSummary]]
    machine_before: dict[str, Any]
    machine_after: dict[str, Any]


def machine_state() -> dict[str, Any]:
    """What else the machine was doing: load averages, and what it is."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "time": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
        "commit": commit,
    }


def number(value: float, digits: int = 0) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def startup(results: Results, name: str) -> float:
    samples = results.startups.get(name) or []
    return statistics.median(samples) if samples else math.nan


def level(results: Results, name: str, users: int) -> LevelSummary | None:
    return results.levels.get(name, {}).get(users)


def metric(results: Results, name: str, users: int, field: str) -> float:
    summary = level(results, name, users)
    return getattr(summary, field) if summary else math.nan


def targets(results: Results) -> list[tuple[str, str, float, bool]]:
    """(target, required, measured, met) of the performance issue, fast against baseline."""
    throughput = ratio(
        metric(results, FAST, 50, "throughput"), metric(results, BASELINE, 50, "throughput")
    )
    p95 = ratio(metric(results, FAST, 10, "p95_ms"), metric(results, BASELINE, 10, "p95_ms"))
    single = metric(results, FAST, 1, "p50_ms")
    start = startup(results, FAST)
    memory = results.memory.get(f"{FAST} rasa", 0) / MB or math.nan
    rows = [
        ("throughput at 50 users, fast / baseline", "≥ 4×", throughput, throughput >= 4),
        ("p95 latency at 10 users, fast / baseline", "≤ 0.25×", p95, p95 <= 0.25),
        ("single-user median latency (ms)", "≤ 20", single, single <= 20),
        ("start-up to first answer (s)", "≤ 20", start, start <= 20),
        ("Rasa server memory, peak PSS (MB)", "≤ 800", memory, memory <= 800),
    ]
    return [
        (label, required, value, not math.isnan(value) and met)
        for label, required, value, met in rows
    ]


# (change, variant without it, variant with it): rows of "what each change gave".
CHANGES = [
    ("shipped config instead of Rasa's default", BASELINE, "shipped-stock"),
    ("project runtime (speedups/patches.py)", "shipped-stock", FAST),
    ("TF thread pools of 1 instead of TensorFlow's default", FAST, "fast-tf-threads-1"),
    ("BLAS/OpenMP pools of 1 thread instead of 2", "fast-blas-threads-2", FAST),
    ("2 Sanic workers + Redis lock store", FAST, "fast-2w"),
]


def table_section(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """A report section: its heading and a Markdown table."""
    return [f"## {title}", "", *markdown.table(header, rows)]


def changes_section(results: Results) -> list[str]:
    """Ratios of neighbouring variants, when the run included them (ablation)."""
    rows = [
        (label, before, after)
        for label, before, after in CHANGES
        if before in results.levels and after in results.levels
    ]
    if not rows:
        return []
    measures = [(50, "throughput"), (10, "p95_ms"), (1, "p50_ms")]
    table = []
    for label, before, after in rows:
        ratios = [
            *(
                ratio(metric(results, after, users, name), metric(results, before, users, name))
                for users, name in measures
            ),
            ratio(startup(results, after), startup(results, before)),
        ]
        table.append([label, *(f"{number(value, 2)}×" for value in ratios)])
    return table_section(
        "What each change gave (with / without)",
        ["change", "msg/s at 50", "p95 at 10", "p50 at 1", "start-up"],
        table,
    )


def machine_section(results: Results) -> list[str]:
    before, after = results.machine_before, results.machine_after
    cores = before["cores"] or 1
    lines = [
        "## Machine",
        "",
        f"- {before['cpu']}, {cores} cores, {before['memory_gb']} GB; commit {before['commit']}",
        f"- started {before['time']}, finished {after['time']}",
        f"- load average (1/5/15 min) before: {before['load_average']},"
        f" after: {after['load_average']}",
    ]
    if max(before["load_average"][0], after["load_average"][0]) > cores / 2:
        lines.append(
            "- **The machine was busy with other work during this run: absolute numbers are noisy."
            " Slices alternate between variants, so ratios are fairer than absolutes; rerun"
            " `make bench` on a quiet machine for numbers to quote.**"
        )
    return [*lines, ""]


def targets_section(results: Results) -> list[str]:
    if not {BASELINE, FAST} <= set(results.levels):
        return [
            "## Targets",
            "",
            "Not evaluated: the run did not include both baseline and fast.",
            "",
        ]
    return table_section(
        "Targets",
        ["target", "required", "measured", "met"],
        [
            [label, required, number(value, 2), "yes" if met else "**no**"]
            for label, required, value, met in targets(results)
        ],
    )


def load_section(results: Results) -> list[str]:
    rows = []
    for users in results.settings.levels:
        for variant in results.variants:
            summary = level(results, variant.name, users)
            if summary is None:
                continue
            speedup = ratio(summary.throughput, metric(results, BASELINE, users, "throughput"))
            rows.append(
                [
                    str(users),
                    variant.name,
                    str(summary.answered),
                    str(summary.errors),
                    number(summary.p50_ms, 1),
                    number(summary.p95_ms, 1),
                    number(summary.p99_ms, 1),
                    number(summary.throughput, 1),
                    f"{number(speedup, 2)}×",
                ]
            )
    return table_section(
        "Latency and throughput (REST, multi-turn conversations, answers via the action server)",
        [
            "users",
            "variant",
            "answered",
            "errors",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "msg/s",
            "msg/s vs baseline",
        ],
        rows,
    )


def resources_section(results: Results) -> list[str]:
    rows = []
    for variant in results.variants:
        trained = results.trained[variant.name]
        samples = ", ".join(number(value, 1) for value in results.startups.get(variant.name, []))
        rasa = results.memory.get(f"{variant.name} rasa", 0) / MB
        actions = results.memory.get(f"{variant.name} actions", 0) / MB
        rows.append(
            [
                variant.name,
                number(trained.seconds, 1),
                f"{number(startup(results, variant.name), 1)} ({samples})",
                number(rasa),
                number(actions),
                number(trained.size_bytes / MB, 1),
            ]
        )
    return table_section(
        "Training, start-up, memory, model size",
        [
            "variant",
            "training s",
            "start-up to first answer s (samples)",
            "Rasa server peak PSS MB",
            "action server peak PSS MB",
            "model MB",
        ],
        rows,
    )


def variants_section(results: Results) -> list[str]:
    rows = []
    for variant in results.variants:
        served = "stock `rasa run`" if variant.stock else "speedups.rasa_main (project runtime)"
        if variant.workers > 1:
            served += f", {variant.workers} Sanic workers, Redis lock store"
        config = os.path.relpath(variant.config, PROJECT_ROOT)
        rows.append([variant.name, variant.summary, f"`{config}`", served])
    return table_section("Variants", ["variant", "what", "config", "served by"], rows)


def method_section(results: Results) -> list[str]:
    settings = results.settings
    return [
        "## Method",
        "",
        f"- Every variant was trained in this run (own Rasa cache, so no cache hits)"
        f"{', epochs capped at ' + str(settings.epochs) if settings.epochs else ''}; all variants"
        " use the same data, domain, actions, credentials and endpoints; each has its own action"
        " server and SQLite tracker store.",
        f"- Start-up: each Rasa server started {settings.startup_samples}× alone, alternating;"
        " time from process start to the first reply that went through the action server.",
        f"- Load: per concurrency level, {settings.slices_per_level} slice(s) of"
        f" {settings.slice_seconds:g} s per variant (at most {settings.max_messages_per_slice}"
        " messages each), alternating A-B, B-A…; closed-loop patients play the test stories'"
        " user turns; a reply counts only if every message carries the disclaimer and none is"
        f" the service-unavailable reply. Warm-up {settings.warmup_seconds:g} s per variant.",
        "- Memory: proportional set size (PSS) of the server's process tree, sampled every"
        " second, peak over the run.",
        "",
    ]


def render(results: Results) -> str:
    setting = (
        "SMOKE (BENCH_SHORT=1): seconds-long slices, any baseline untrained; it proves that the"
        " harness runs, its numbers mean nothing"
        if results.settings.short
        else "full"
    )
    overrides = " ".join(
        f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("BENCH_")
    )
    header = [
        "# Performance benchmark",
        "",
        f"Written by `make bench` from one run; setting: {setting}.",
        "",
        f"Overrides: `{overrides or 'none (make bench defaults)'}`",
        "",
    ]
    sections = [
        machine_section,
        targets_section,
        load_section,
        changes_section,
        resources_section,
        variants_section,
        method_section,
    ]
    return "\n".join(header + [line for section in sections for line in section(results)])


def as_json(results: Results) -> str:
    """Machine-readable copy of everything in the report (var/bench/.../results.json)."""
    data = {
        "settings": {k: str(v) for k, v in asdict(results.settings).items()},
        "trained": {
            name: {k: str(v) for k, v in asdict(t).items()} for name, t in results.trained.items()
        },
        "startups": results.startups,
        "memory": results.memory,
        "levels": {n: {u: s.as_dict() for u, s in lv.items()} for n, lv in results.levels.items()},
        "machine_before": results.machine_before,
        "machine_after": results.machine_after,
    }
    return json.dumps(data, indent=2)


def complete(results: Results) -> bool:
    """Whether every variant answered at every level without errors (the harness worked)."""
    return all(
        summary.answered > 0 and summary.errors == 0
        for per_level in results.levels.values()
        for summary in per_level.values()
    )
