"""Runs the NLU quality and safety evaluation.

    python -m tests.evaluation.run gate   # `make test-nlu-quality`: shipped model vs. targets
    python -m tests.evaluation.run full   # `make evaluate`: train, compare, cross-validate, report

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
from pathlib import Path

from tests.evaluation import end_to_end, report, training
from tests.evaluation.assistant import Assistant
from tests.evaluation.datasets import all_cases
from tests.evaluation.metrics import Scored, Target, headline, load_targets
from tests.evaluation.sweep import sweep

PROJECT_ROOT = training.PROJECT_ROOT
SHIPPED_MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
WORK_DIR = PROJECT_ROOT / "var" / "evaluation"


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


def check(measures: dict[str, float], targets: list[Target], shipped: dict[str, float]) -> bool:
    """Print each gated measure against its limit; True when all pass."""
    passed = True
    for target in targets:
        value, level = measures[target.measure], shipped.get(target.measure)
        ok = target.passes(value, level)
        passed &= ok
        sign = ">=" if target.higher else "<="
        print(
            f"{'PASS' if ok else 'FAIL'} {target.measure:26} {value:8.2%}  "
            f"(must be {sign} {target.floor(level):.2%}; target {target.value:.2%})"
        )
    return passed


def gate() -> int:
    """The fast CI gate on the shipped model: in-process sets plus the end-to-end disclaimer."""
    start = time.monotonic()
    _, scored = evaluate_model(SHIPPED_MODEL)
    measures = headline(scored)
    e2e = end_to_end.disclaimer_check()
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


def full(compare: bool, cross_validate: bool) -> int:
    """Train with fixed seeds, measure everything and rewrite reports/."""
    models = WORK_DIR / "models"
    shipped_run = training.train(training.SHIPPED_CONFIG, SHIPPED_MODEL.parent, "current")
    repeat_run = training.train(training.SHIPPED_CONFIG, models, "repeat")
    assistant, scored = evaluate_model(shipped_run.model)
    _, repeated = evaluate_model(repeat_run.model)
    measures = headline(scored)
    e2e = end_to_end.disclaimer_check()
    measures["disclaimer_rate"] = min(measures["disclaimer_rate"], e2e["disclaimer_rate"])
    evaluation = report.Evaluation(
        measures=measures,
        scored=scored,
        sweep=sweep(assistant, scored),
        fallback=assistant.fallback_config,
        reproducibility=reproducibility(scored, repeated),
        training={"shipped": shipped_run.seconds, "shipped (repeat)": repeat_run.seconds},
        end_to_end=e2e,
    )
    if compare:
        evaluation.pipelines["shipped"] = {**measures}
        for name, config in training.pipeline_configs(WORK_DIR / "configs").items():
            if name == "shipped":
                continue
            run = training.train(config, models, name)
            evaluation.training[name] = run.seconds
            evaluation.pipelines[name] = headline(evaluate_model(run.model)[1])
    if cross_validate:
        evaluation.cross_validation = training.cross_validate(WORK_DIR / "cross-validation")
    report.write(evaluation, load_targets(), _summary(evaluation))
    print(f"wrote {report.MARKDOWN}")
    return 0


def _summary(evaluation: report.Evaluation) -> list[str]:
    repro = evaluation.reproducibility
    seconds = evaluation.training
    e2e = evaluation.end_to_end
    return [
        *conditions(),
        "## Training time and reproducibility",
        "",
        f"- Training the shipped model (`rasa train --force`, NLU + dialogue): "
        f"**{seconds['shipped']:.0f} s**; a second identical training: "
        f"{seconds['shipped (repeat)']:.0f} s (target ≤ 180 s).",
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
    args = parser.parse_args(argv)
    if args.mode == "gate":
        return gate()
    return full(compare=not args.no_compare, cross_validate=not args.no_cv)


if __name__ == "__main__":
    sys.exit(main())
