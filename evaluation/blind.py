"""The blind round: issue #9's measures on a set nobody tuned on.

    python -m evaluation.blind gate            # part of `make test-nlu-quality`: every round
    python -m evaluation.blind report [--round rN] [--as before|after|NAME] [--model PATH]

Each round's sets (evaluation/blind/<round>/) are written by someone who
never saw data/nlu.yml or the earlier sets, committed before the model changes
and never mined for training examples. `report --as before` records the model
that was shipped when the round was written; `report` (after) measures the
current one; `report --as NAME --model PATH` adds an ablation (`make evaluate`
adds the shipped pipeline without word embeddings). reports/nlu-blind-<round>.md
shows them side by side; the gate checks every round. The emergency recall is given
per category and per layer: the red-flag rules alone, the learned classifier
alone, and both as the assistant combines them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from actions.content import load_content
from components.red_flags import learned_kind, load_rules
from evaluation.assistant import Assistant, Turn
from evaluation.datasets import BLIND_DIR, CLARIFY, RED_FLAG_OUTCOMES, TOPIC_OFFERS, all_cases
from evaluation.markdown import table
from evaluation.metrics import Scored, Target, check, load_targets, rate
from evaluation.parallel import bytes_on_disk, map_per_core
from evaluation.runs import latest, round_order, with_run
from project import DEFAULT_MODEL, REPORTS_DIR

SHIPPED_MODEL = DEFAULT_MODEL
REPORTS = REPORTS_DIR
BARE_DEFLECTIONS = frozenset({"reply:out_of_scope", "reply:nlu_fallback"})
LAYERS = ("rules", "learned", "both")
# The writers' brief asks for vague messages ("is it safe", "what is it for") under
# `clarification`. The assistant asks back either for the region or with the closest
# topics ("Which of these …?"): both are a clarifying question. clarification_accuracy
# counts the region question alone, as the development set's region-less "why"
# questions need it.
CLARIFYING_QUESTIONS = frozenset({CLARIFY, *TOPIC_OFFERS})


@dataclass(frozen=True)
class Layers:
    """Which layer would have caught one message."""

    rules: bool
    learned: bool
    both: bool

    def caught(self, layer: str) -> bool:
        return bool(getattr(self, layer))


def layers_of(turn: Turn) -> Layers:
    """The rules on the text alone, the classifier's ranking alone, and the reply.

    When a red flag was raised, the detector recorded the learned layer's verdict
    (the override replaced the classifier's own score in the ranking).
    """
    if turn.red_flag is not None:
        learned = turn.red_flag.get("learned") is not None
    else:
        ranking = [{"name": n, "confidence": c} for n, c in turn.ranking]
        learned = learned_kind(ranking) is not None
    return Layers(
        rules=load_rules().classify(turn.text) is not None,
        learned=learned,
        both=turn.outcome in RED_FLAG_OUTCOMES,
    )


def about_spine_mri(text: str) -> bool:
    return load_content().did_you_mean.applies_to(text)


def measures(scored: list[Scored]) -> dict[str, float]:
    """The blind round's headline measures (issue #9's targets)."""

    def group(name: str) -> list[Scored]:
        return [s for s in scored if s.case.group == name]

    return {
        "answer_accuracy": rate(s.correct for s in group("answers")),
        "clarification_accuracy": rate(s.correct for s in group("clarification")),
        "vague_question_clarified": rate(handled(s) for s in group("clarification")),
        "out_of_scope_deflection": rate(s.correct for s in group("out_of_scope")),
        "emergency_recall": rate(s.correct for s in group("red_flag")),
        "look_alike_false_alarm_rate": 1.0 - rate(not s.false_alarm for s in group("look_alike")),
        "wrong_answer_rate": 1.0 - rate(not s.wrong_answer for s in scored),
        "did_you_mean_rate": rate(s.turn.outcome in TOPIC_OFFERS for s in scored),
        "bare_spine_deflection_rate": rate(
            s.turn.outcome in BARE_DEFLECTIONS
            for s in scored
            if about_spine_mri(s.case.text) and s.case.group != "red_flag"
        )
        if any(about_spine_mri(s.case.text) for s in scored)
        else 0.0,
    }


def per_category(scored: list[Scored]) -> dict[str, dict[str, list[int]]]:
    """{category: {layer: [caught, total]}} over the red-flag messages."""
    table_: dict[str, dict[str, list[int]]] = {}
    for s in scored:
        if s.case.group != "red_flag":
            continue
        found = layers_of(s.turn)
        row = table_.setdefault(s.case.category, {layer: [0, 0] for layer in LAYERS})
        for layer in LAYERS:
            row[layer][0] += found.caught(layer)
            row[layer][1] += 1
    return table_


def look_alike_layers(scored: list[Scored]) -> dict[str, list[int]]:
    """{layer: [false alarms, look-alikes]}."""
    counts = {layer: [0, 0] for layer in LAYERS}
    for s in scored:
        if s.case.group == "look_alike":
            found = layers_of(s.turn)
            for layer in LAYERS:
                counts[layer][0] += found.caught(layer)
                counts[layer][1] += 1
    return counts


def handled(s: Scored) -> bool:
    """Correct or, for a writer's vague message, asked back with either clarifying
    question: what the round's miss list and `vague_question_clarified` count."""
    if s.case.group == "clarification":
        return s.turn.outcome in CLARIFYING_QUESTIONS
    return s.correct


def misses(scored: list[Scored]) -> list[dict[str, str]]:
    return [
        {
            "set": s.case.group,
            "label": s.case.category or s.case.label,
            "text": s.case.text,
            "received": s.turn.outcome,
        }
        for s in scored
        if not handled(s)
    ]


def rounds() -> list[str]:
    """Every blind round, oldest first (r1, r2, ...)."""
    return sorted((d.name for d in BLIND_DIR.iterdir() if d.is_dir()), key=round_order)


def report_paths(round_name: str) -> tuple[Path, Path]:
    """The round's Markdown report and its JSON record of every run."""
    return REPORTS / f"nlu-blind-{round_name}.md", REPORTS / f"nlu-blind-{round_name}.json"


@cache
def _assistant(model: Path) -> Assistant:
    """The model loaded once per process: the gate measures every round with it."""
    return Assistant(model)


def evaluate(model: Path, round_dir: Path) -> dict:
    """Every message of the round through the model and the real actions."""
    assistant = _assistant(model)
    cases = all_cases(round_dir)
    turns = assistant.respond_all([case.text for case in cases])
    scored = [Scored(case, turn) for case, turn in zip(cases, turns, strict=True)]
    return {
        "round": round_dir.name,
        "messages": len(scored),
        "sizes": dict(Counter(s.case.group for s in scored)),
        "measures": measures(scored),
        "per_category": per_category(scored),
        "look_alike_layers": look_alike_layers(scored),
        "outcomes": dict(Counter(s.turn.outcome for s in scored)),
        "misses": misses(scored),
    }


def _recorded(round_name: str) -> dict:
    json_path = report_paths(round_name)[1]
    return json.loads(json_path.read_text()) if json_path.exists() else {}


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


INFORMATION = ("clarification_accuracy", "vague_question_clarified", "did_you_mean_rate")


def _measure_rows(runs: dict[str, dict], targets: list[Target]) -> list[list[str]]:
    rows = []
    for target in targets:
        sign = "≥" if target.higher else "≤"
        values = [run.get("measures", {}).get(target.measure) for run in runs.values()]
        after = latest(runs)["measures"][target.measure]
        rows.append(
            [
                target.measure,
                *("–" if value is None else f"{value:.1%}" for value in values),
                f"{sign} {target.value:.1%}",
                "met" if target.met(after) else "**not met**",
            ]
        )
    for measure in INFORMATION:
        values = [run.get("measures", {}).get(measure) for run in runs.values()]
        rows.append(
            [measure, *("–" if value is None else f"{value:.1%}" for value in values), "–", ""]
        )
    return rows


def _category_rows(result: dict) -> list[list[str]]:
    return [
        [category, *(_pct(*layers[layer]) for layer in LAYERS)]
        for category, layers in sorted(result["per_category"].items())
    ]


def _miss_rows(result: dict) -> list[list[str]]:
    return [
        [m["set"], m["label"], m["text"].replace("|", "/").replace("\n", " "), m["received"]]
        for m in result["misses"]
    ]


def write_report(runs: dict[str, dict]) -> None:
    """reports/nlu-blind-<round>.md from the recorded runs: before, after and any ablation."""
    targets = load_targets("blind_targets")
    before, after = runs.get("before", {}), latest(runs)
    look = after["look_alike_layers"]
    lines = [
        f"# Blind round {after['round']}: patients' own words",
        "",
        "Generated by `make evaluate` (evaluation/blind.py) from the sets in "
        f"`evaluation/blind/{after['round']}/`, written from the source document and "
        "shared/patients.md alone by someone who never saw the training data, and committed "
        "before the model changed. *Before* is the model shipped when the round was written; "
        "*after* is the current one. Nothing was tuned on these sets: the misses below are "
        "for the next round's authors to read, not for training.",
        "",
        f"Sizes: {', '.join(f'{k} {v}' for k, v in after['sizes'].items())}.",
        "",
        "## Headline",
        "",
        *table(
            ["measure", *runs, "target", "latest vs target"],
            _measure_rows(runs, targets),
        ),
        "",
        "## Emergencies per category and per layer (latest run)",
        "",
        "*rules*: the red-flag rules on the text alone; *learned*: the intent classifier "
        "alone (an emergency or self-harm intent at or above the recall-first threshold); "
        "*both*: what the patient received.",
        "",
        *table(["category", "rules", "learned", "both"], _category_rows(after)),
        "",
        f"Look-alikes sent to 911 or the crisis line: rules {_pct(*look['rules'])}, "
        f"learned {_pct(*look['learned'])}, both {_pct(*look['both'])}.",
        "",
    ]
    if before.get("per_category") and "after" in runs:
        lines += [
            "## Emergencies per category (before)",
            "",
            *table(["category", "rules", "learned", "both"], _category_rows(before)),
            "",
        ]
    lines += [
        "## Every miss (latest run)",
        "",
        *table(["set", "label", "message", "received"], _miss_rows(after)),
        "",
    ]
    report_paths(after["round"])[0].write_text("\n".join(lines), encoding="utf-8")


def evaluate_rounds(model: Path, names: list[str]) -> dict[str, dict]:
    """Every round measured, one worker per core (each loads the model once).

    Rounds are independent first messages, so spreading them over processes changes
    no parse."""
    results = map_per_core(
        partial(evaluate, model), [BLIND_DIR / name for name in names], bytes_on_disk
    )
    return dict(zip(names, results, strict=True))


def gate(model: Path = SHIPPED_MODEL) -> int:
    """Fail when a blind measure of any round is worse than its target or, while the
    target is unmet, worse than the level recorded at the round's last report."""
    passed = True
    targets = load_targets("blind_targets")
    for round_name, result in evaluate_rounds(model, rounds()).items():
        runs = _recorded(round_name)
        recorded = latest(runs)["measures"] if runs else {}
        passed &= check(result["measures"], targets, recorded, f"blind {round_name} ")
        for category, layers in sorted(result["per_category"].items()):
            caught, total = layers["both"]
            if caught < total:
                print(f"  {round_name} emergency category {category}: {caught}/{total}")
    return 0 if passed else 1


def record(model: Path, round_name: str, label: str) -> None:
    """Measure the model on one round and store it as that round's before, after or ablation."""
    recorded = with_run(_recorded(round_name), label, evaluate(model, BLIND_DIR / round_name))
    json_path = report_paths(round_name)[1]
    json_path.write_text(json.dumps(recorded, indent=1, ensure_ascii=False), encoding="utf-8")
    write_report(recorded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("gate", "report"))
    parser.add_argument(
        "--as", dest="label", default="after", help="before, after, or an ablation's name"
    )
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--round", default=None, help="the round to report (default: newest)")
    args = parser.parse_args(argv)
    if args.mode == "gate":
        return gate(args.model)
    round_name = args.round or rounds()[-1]
    record(args.model, round_name, args.label)
    print(f"recorded {args.label} for blind round {round_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
