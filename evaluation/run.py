"""Runs the NLU quality and safety evaluation.

    python -m evaluation.run gate   # `make test-nlu-quality`: shipped model vs. targets
    python -m evaluation.run full   # `make evaluate`: train, compare, cross-validate, report

The gate fails (exit 1) when a measure is worse than its target or, while the
shipped model has not reached that target, worse than the shipped level in
reports/nlu-quality.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from evaluation import end_to_end, report, training
from evaluation.assistant import Assistant
from evaluation.datasets import all_cases
from evaluation.metrics import Scored, check, headline, load_targets
from evaluation.sweep import sweep
from project import DEFAULT_MODEL, PROJECT_ROOT

SHIPPED_MODEL = DEFAULT_MODEL
WORK_DIR = PROJECT_ROOT / "var" / "evaluation"
CV_WITHOUT_EMBEDDINGS = "cross-validation without word embeddings"


def evaluate_model(model: Path) -> tuple[Assistant, list[Scored]]:
    """Every held-out case through one trained model and the real actions."""
    assistant = Assistant(model)
    cases = all_cases()
    turns = assistant.respond_all([case.text for case in cases])
    return assistant, [Scored(case, turn) for case, turn in zip(cases, turns, strict=True)]


def shipped_levels() -> dict[str, float]:
    """The measures the shipped model reached at the last `make evaluate`."""
    if not report.JSON.exists():
        return {}
    return json.loads(report.JSON.read_text())["measures"]


def gate() -> int:
    """The fast CI gate on the shipped model: in-process sets plus the end-to-end disclaimer."""
    start = time.monotonic()
    # The end-to-end check's servers start and answer while this process measures the
    # in-process sets: they are other processes, mostly waiting on their imports.
    with ThreadPoolExecutor(max_workers=1) as pool:
        e2e_check = pool.submit(end_to_end.disclaimer_check)
        _, scored = evaluate_model(SHIPPED_MODEL)
        e2e = e2e_check.result()
    measures = headline(scored)
    measures["disclaimer_rate"] = min(measures["disclaimer_rate"], e2e["disclaimer_rate"])
    for s in scored:
        if not s.correct:
            print(f"  wrong: {s.case.group}/{s.case.label}: {s.case.text!r} -> {s.turn.outcome}")
    passed = check(measures, load_targets(), shipped_levels())
    print(f"end to end: {e2e}; gate took {time.monotonic() - start:.0f} s")
    return 0 if passed else 1


def _outcomes(scored: list[Scored]) -> list[tuple[str, str, float]]:
    return [(s.case.text, s.turn.outcome, s.turn.confidence) for s in scored]


def reproducibility(first: list[Scored], second: list[Scored]) -> dict:
    """Compare two trainings of the same config: outcomes and confidences."""
    a, b = _outcomes(first), _outcomes(second)
    return {
        "same_outcomes": [x[:2] for x in a] == [y[:2] for y in b],
        "same_measures": headline(first) == headline(second),
        "max_confidence_difference": max(abs(x[2] - y[2]) for x, y in zip(a, b, strict=True)),
    }


def conditions() -> list[str]:
    load = os.getloadavg()
    return [
        "## Run conditions",
        "",
        f"- Machine: {os.cpu_count()} CPU cores, {platform.platform()}, Python "
        f"{platform.python_version()}; load average at the end of the run "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min; other jobs share the CPU).",
        "- Seeds: DIETClassifier random_seed from config.yml, TF_DETERMINISTIC_OPS=1, "
        "PYTHONHASHSEED=0; every training uses `rasa train --force` (no cache reuse).",
        "",
    ]


def full(compare: bool, cross_validate: bool, workers: int) -> int:
    """Train with fixed seeds, measure everything and rewrite reports/.

    All trainings and the cross-validation run `workers` at a time; with more than
    one worker their wall-clock times overlap, and the CPU times are the
    load-independent measure.
    """
    models = WORK_DIR / "models"
    jobs: dict[str, Callable[[], Any]] = {
        "shipped": partial(
            training.train, training.SHIPPED_CONFIG, SHIPPED_MODEL.parent, "current"
        ),
        "shipped (repeat)": partial(training.train, training.SHIPPED_CONFIG, models, "repeat"),
    }
    configs = training.pipeline_configs(WORK_DIR / "configs")
    if compare:
        for name, config in configs.items():
            if name != "shipped":
                jobs[name] = partial(training.train, config, models, name)
    if cross_validate:
        jobs["cross-validation"] = partial(training.cross_validate, WORK_DIR / "cross-validation")
        jobs[CV_WITHOUT_EMBEDDINGS] = partial(
            training.cross_validate,
            WORK_DIR / "cross-validation-without-word-embeddings",
            configs[training.WITHOUT_EMBEDDINGS],
        )
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        done = {name: future.result() for name, future in futures.items()}
    runs = {k: v for k, v in done.items() if k not in ("cross-validation", CV_WITHOUT_EMBEDDINGS)}

    assistant, scored = evaluate_model(runs["shipped"].model)
    measures = headline(scored)
    e2e = end_to_end.disclaimer_check()
    measures["disclaimer_rate"] = min(measures["disclaimer_rate"], e2e["disclaimer_rate"])
    evaluation = report.Evaluation(
        measures=measures,
        scored=scored,
        sweep=sweep(assistant, scored),
        fallback=assistant.fallback_config,
        reproducibility=reproducibility(scored, evaluate_model(runs["shipped (repeat)"].model)[1]),
        training={name: run.seconds for name, run in runs.items()},
        training_cpu={name: run.cpu_seconds for name, run in runs.items()},
        cross_validation=done.get("cross-validation", {}),
        cross_validation_without_embeddings=done.get(CV_WITHOUT_EMBEDDINGS, {}),
        end_to_end=e2e,
    )
    if compare:
        evaluation.pipelines["shipped"] = {**measures}
        for name, run in runs.items():
            if name not in ("shipped", "shipped (repeat)"):
                evaluation.pipelines[name] = headline(evaluate_model(run.model)[1])
    report.write(evaluation, load_targets(), _summary(evaluation))
    print(f"wrote {report.MARKDOWN}")
    return 0


def _summary(evaluation: report.Evaluation) -> list[str]:
    repro = evaluation.reproducibility
    seconds = evaluation.training
    cpu = evaluation.training_cpu
    e2e = evaluation.end_to_end
    return [
        *conditions(),
        "## Training time and reproducibility",
        "",
        f"- Training the shipped model (`rasa train --force`, NLU + dialogue): "
        f"**{seconds['shipped']:.0f} s** wall clock, {cpu['shipped']:.0f} s CPU "
        f"(target ≤ 180 s wall on this 2-core machine; CPU time does not depend on what "
        f"else runs; in this run the trainings below ran in parallel, so wall times overlap): "
        + ", ".join(
            f"{k} {seconds[k]:.0f} s wall / {cpu[k]:.0f} s CPU" for k in seconds if k != "shipped"
        )
        + ".",
        f"- Two trainings with the same seed give identical outcomes on every held-out message: "
        f"**{'yes' if repro['same_outcomes'] else 'NO'}**; identical measures: "
        f"**{'yes' if repro['same_measures'] else 'NO'}**; largest difference of an intent "
        f"confidence: {repro['max_confidence_difference']:.2e}.",
        f"- End to end through the real servers (tests/stack.py): {e2e['turns']} turns of the "
        f"{len(end_to_end.conversations())} test stories, {e2e['messages']} bot messages, "
        f"{e2e['silent_turns']} turns without a reply; disclaimer on "
        f"{e2e['disclaimer_rate']:.1%} of messages.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("gate", "full"))
    parser.add_argument("--no-compare", action="store_true", help="skip the pipeline comparison")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--workers", type=int, default=2, help="trainings run at the same time")
    args = parser.parse_args(argv)
    if args.mode == "gate":
        return gate()
    return full(compare=not args.no_compare, cross_validate=not args.no_cv, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
