"""Writes reports/nlu-quality.md, reports/nlu-quality.json and the PNG plots.

Every number comes from the run that writes the report; nothing is typed in.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evaluation.datasets import ANSWER_PREFIX, DEFLECTIONS, RED_FLAG_OUTCOMES
from evaluation.markdown import table
from evaluation.metrics import Scored, Target, per_label
from evaluation.sweep import SweepPoint
from project import REPORTS_DIR

REPORTS = REPORTS_DIR
MARKDOWN = REPORTS / "nlu-quality.md"
JSON = REPORTS / "nlu-quality.json"
PERCENT_MEASURES = (
    "answer_accuracy",
    "clarification_accuracy",
    "out_of_scope_deflection",
    "emergency_recall",
    "false_alarm_rate",
    "wrong_answer_rate",
    "look_alike_accuracy",
    "conversation_accuracy",
    "disclaimer_rate",
)


@dataclass
class Evaluation:
    """Everything one `make evaluate` run measured."""

    measures: dict[str, float]
    scored: list[Scored]
    sweep: list[SweepPoint]
    fallback: dict[str, float]
    pipelines: dict[str, dict[str, float]] = field(default_factory=dict)
    cross_validation: dict = field(default_factory=dict)
    cross_validation_without_embeddings: dict = field(default_factory=dict)
    reproducibility: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    training_cpu: dict = field(default_factory=dict)
    end_to_end: dict = field(default_factory=dict)


def _pct(value: float) -> str:
    return f"{value:.1%}"


def collapsed(outcome: str) -> str:
    """Outcome column of the confusion matrix."""
    if outcome.startswith(ANSWER_PREFIX):
        return outcome.removeprefix(ANSWER_PREFIX)
    if outcome in DEFLECTIONS:
        return "deflected"
    if outcome in RED_FLAG_OUTCOMES:
        return "red flag"
    return outcome.removeprefix("reply:")


def expected_row(s: Scored) -> str:
    """Row of the confusion matrix: the topic, or the set the message belongs to."""
    return s.case.label if s.case.group in ("answers", "clarification") else s.case.group


def plot_confusion(scored: list[Scored], path: Path) -> None:
    rows = sorted({expected_row(s) for s in scored})
    cols = sorted({collapsed(s.turn.outcome) for s in scored})
    counts = [[0] * len(cols) for _ in rows]
    for s in scored:
        counts[rows.index(expected_row(s))][cols.index(collapsed(s.turn.outcome))] += 1
    fig, ax = plt.subplots(figsize=(1.0 + 0.7 * len(cols), 1.0 + 0.45 * len(rows)))
    ax.imshow(counts, cmap="Blues")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
    ax.set_xlabel("what the patient received")
    ax.set_ylabel("expected")
    ax.set_title("Held-out messages: expected vs. received")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_sweep(points: list[SweepPoint], fallback: dict[str, float], path: Path) -> None:
    chosen = fallback["threshold"]
    points = _by_threshold(points, fallback)
    xs = [p.threshold for p in points]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xs, [p.coverage for p in points], label="coverage (in-scope not sent to fallback)")
    ax.plot(xs, [p.answer_accuracy for p in points], label="answer accuracy")
    ax.plot(xs, [p.out_of_scope_deflection for p in points], label="out-of-scope deflection")
    ax.plot(xs, [10 * p.wrong_answer_rate for p in points], label="wrong-answer rate × 10")
    ax.axvline(chosen, color="grey", linestyle="--", label=f"config.yml threshold {chosen}")
    ax.set_xlabel("FallbackClassifier threshold")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("Confidence-threshold sweep")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_pipelines(pipelines: dict[str, dict[str, float]], path: Path) -> None:
    measures = ["answer_accuracy", "out_of_scope_deflection", "emergency_recall"]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.8 / max(len(pipelines), 1)
    for index, (name, values) in enumerate(pipelines.items()):
        xs = [m + index * width for m in range(len(measures))]
        ax.bar(xs, [values[m] for m in measures], width, label=name)
    ax.set_xticks([m + 0.4 - width / 2 for m in range(len(measures))], measures)
    ax.set_ylim(0.5, 1.0)
    ax.legend(fontsize=8)
    ax.set_title("Pipelines on the same data and held-out sets")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _headline_rows(measures: dict[str, float], targets: list[Target]) -> list[list[str]]:
    by_name = {t.measure: t for t in targets}
    rows = []
    for name in PERCENT_MEASURES:
        target = by_name.get(name)
        goal = "" if target is None else ("≥ " if target.higher else "≤ ") + _pct(target.value)
        met = "" if target is None else ("yes" if target.met(measures[name]) else "**no**")
        rows.append([name.replace("_", " "), _pct(measures[name]), goal, met])
    return rows


def _errors(scored: list[Scored]) -> list[list[str]]:
    return [
        [
            s.case.text.replace("|", "/"),
            s.case.group,
            s.case.label,
            s.turn.outcome,
            f"{s.turn.intent} {s.turn.confidence:.2f}",
        ]
        for s in scored
        if not s.correct
    ]


def _per_label_rows(scored: list[Scored], group: str) -> list[list[str]]:
    return [
        [label, f"{ok}/{total}", _pct(ok / total)]
        for label, (ok, total) in sorted(per_label(scored, group).items())
    ]


def _by_threshold(points: list[SweepPoint], fallback: dict[str, float]) -> list[SweepPoint]:
    """The threshold sweep: points at the model's ambiguity margin, one per threshold."""
    margin = fallback["ambiguity_threshold"]
    seen: set[float] = set()
    chosen = []
    for p in points:
        if p.ambiguity == margin and p.threshold not in seen:
            seen.add(p.threshold)
            chosen.append(p)
    return sorted(chosen, key=lambda p: p.threshold)


SWEEP_COLUMNS = [
    "threshold",
    "ambiguity",
    "coverage",
    "answer acc.",
    "OOS deflection",
    "wrong answers",
]


def _sweep_rows(points: list[SweepPoint]) -> list[list[str]]:
    return [
        [
            f"{p.threshold:.2f}",
            f"{p.ambiguity:.2f}",
            _pct(p.coverage),
            _pct(p.answer_accuracy),
            _pct(p.out_of_scope_deflection),
            f"{p.wrong_answer_rate:.2%}",
        ]
        for p in points
    ]


def _pipeline_rows(evaluation: Evaluation) -> list[list[str]]:
    rows = []
    for name, values in evaluation.pipelines.items():
        seconds = evaluation.training.get(name)
        rows.append(
            [name]
            + [_pct(values[m]) for m in PERCENT_MEASURES[:6]]
            + [f"{seconds:.0f} s" if seconds else ""]
        )
    return rows


def _cv_lines(cv: dict) -> list[str]:
    if not cv:
        return ["Not run.", ""]
    rows = [
        [
            intent,
            f"{s['precision']:.2f}",
            f"{s['recall']:.2f}",
            f"{s['f1-score']:.2f}",
            str(s["support"]),
        ]
        for intent, s in sorted(cv.items())
        if isinstance(s, dict) and "support" in s and not intent.endswith("avg")
    ]
    return [
        f"Accuracy over the 5 held-out folds: **{_pct(cv['accuracy'])}**, "
        f"macro F1 {cv['macro avg']['f1-score']:.3f}, "
        f"weighted F1 {cv['weighted avg']['f1-score']:.3f} "
        "(rasa test nlu --cross-validation --folds 5, shipped config; a fold's fallback or "
        "red-flag override counts as an error).",
        "",
        *table(["intent", "precision", "recall", "F1", "support"], rows),
    ]


def write(evaluation: Evaluation, targets: list[Target], sections: list[str]) -> None:
    """Write the markdown report, its JSON twin and the plots."""
    REPORTS.mkdir(exist_ok=True)
    plot_confusion(evaluation.scored, REPORTS / "nlu-confusion.png")
    plot_sweep(evaluation.sweep, evaluation.fallback, REPORTS / "nlu-threshold-sweep.png")
    if evaluation.pipelines:
        plot_pipelines(evaluation.pipelines, REPORTS / "nlu-pipelines.png")
    counts = {}
    for s in evaluation.scored:
        counts[s.case.group] = counts.get(s.case.group, 0) + 1
    lines = [
        "# NLU quality and safety report",
        "",
        "Written by `make evaluate` (`python -m evaluation.run full`) from the run",
        "itself; do not edit by hand. Definitions: evaluation/metrics.py;",
        "data: evaluation/data/.",
        "",
        *sections,
        "## Headline measures (shipped model)",
        "",
        "Held-out messages: " + ", ".join(f"{g} {n}" for g, n in counts.items()) + ".",
        "",
        *table(["measure", "value", "target", "met"], _headline_rows(evaluation.measures, targets)),
        "## Answer accuracy per topic",
        "",
        *table(["topic", "correct", "accuracy"], _per_label_rows(evaluation.scored, "answers")),
        "## Out-of-scope deflection per kind",
        "",
        *table(["kind", "deflected", "rate"], _per_label_rows(evaluation.scored, "out_of_scope")),
        "## Red flags",
        "",
        *table(
            ["set", "correct", "rate"],
            _per_label_rows(evaluation.scored, "red_flag")
            + _per_label_rows(evaluation.scored, "look_alike"),
        ),
        "## Confusion matrix",
        "",
        "![confusion matrix](nlu-confusion.png)",
        "",
        "## Every message handled incorrectly",
        "",
        *table(
            ["message", "set", "expected", "received", "intent conf."], _errors(evaluation.scored)
        ),
        "## Confidence-threshold sweep",
        "",
        f"config.yml: FallbackClassifier threshold **{evaluation.fallback['threshold']}**, "
        f"ambiguity threshold {evaluation.fallback['ambiguity_threshold']} (two-stage: a top-two "
        "margin below it also falls back). Each row replays the held-out parses with another "
        "threshold through the red-flag layer and the real actions.",
        "",
        "![threshold sweep](nlu-threshold-sweep.png)",
        "",
        *table(
            SWEEP_COLUMNS,
            _sweep_rows(_by_threshold(evaluation.sweep, evaluation.fallback)),
        ),
        "Ambiguity margin (fallback when the top two intents are closer than this) at the "
        "config.yml threshold:",
        "",
        *table(
            SWEEP_COLUMNS,
            _sweep_rows(
                [p for p in evaluation.sweep if p.threshold == evaluation.fallback["threshold"]]
            ),
        ),
        "## Pipelines compared (same training data, same held-out sets, same seed)",
        "",
        "Each pipeline gets the shipped dialogue policies, the same DIET random seed and the same "
        "red-flag layer (components.red_flags.RedFlagDetector), so only the NLU pipeline differs.",
        "",
        *(
            table(
                ["pipeline", *[m.replace("_", " ") for m in PERCENT_MEASURES[:6]], "training"],
                _pipeline_rows(evaluation),
            )
            if evaluation.pipelines
            else ["Not run.", ""]
        ),
        *(["![pipelines](nlu-pipelines.png)", ""] if evaluation.pipelines else []),
        "## 5-fold cross-validation of intent classification (data/nlu.yml)",
        "",
        *_cv_lines(evaluation.cross_validation),
        *(
            [
                "The same cross-validation of the shipped pipeline without the pre-trained word "
                "embeddings (components/word_embeddings.py): accuracy **"
                + _pct(evaluation.cross_validation_without_embeddings["accuracy"])
                + "**.",
                "",
            ]
            if evaluation.cross_validation_without_embeddings
            else []
        ),
        "## Blind round",
        "",
        "Patients' own words, on sets written blind and frozen before the model changed: "
        "reports/nlu-blind-r1.md, nlu-blind-r2.md, … (one per round: per emergency category "
        "and layer, before and after, "
        'every miss, the "did you mean" rate).',
        "",
    ]
    MARKDOWN.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    JSON.write_text(
        json.dumps(
            {
                "measures": evaluation.measures,
                "fallback": evaluation.fallback,
                "pipelines": evaluation.pipelines,
                "training_seconds": evaluation.training,
                "training_cpu_seconds": evaluation.training_cpu,
                "reproducibility": evaluation.reproducibility,
                "end_to_end": evaluation.end_to_end,
                "sweep": [asdict(p) for p in evaluation.sweep],
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
