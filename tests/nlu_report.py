"""Summarise `rasa test nlu` on the held-out set into reports/nlu_heldout.md.

Fails (exit 1) when intent accuracy drops below NLU_MIN_ACCURACY, so a change
that makes the assistant understand patients worse cannot pass `make test`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPORT = Path("reports/nlu_heldout.md")
DEFAULT_MIN_ACCURACY = 0.95


def summarise(results_dir: Path) -> tuple[float, list[dict], dict]:
    report = json.loads((results_dir / "intent_report.json").read_text())
    errors_file = results_dir / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    return report["accuracy"], errors, report


def write_report(accuracy: float, errors: list[dict], report: dict) -> None:
    total = int(report["weighted avg"]["support"])
    lines = [
        "# Held-out NLU test (tests/nlu_heldout.yml)",
        "",
        "Written by `make test-nlu` from `rasa test nlu`; do not edit by hand.",
        "",
        f"- Intent accuracy: **{accuracy:.1%}** of {total} messages",
        f"- Misclassified: {len(errors)}",
        "",
        "| intent | precision | recall | support |",
        "|---|---|---|---|",
    ]
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "support" in scores and not intent.endswith("avg"):
            lines.append(
                f"| {intent} | {scores['precision']:.2f} | {scores['recall']:.2f} "
                f"| {scores['support']} |"
            )
    if errors:
        lines += ["", "## Misclassified", "", "| text | expected | predicted |", "|---|---|---|"]
        lines += [
            f"| {e['text']} | {e['intent']} | {e['intent_prediction']['name']} |" for e in errors
        ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")


def main(results_dir: str) -> int:
    accuracy, errors, report = summarise(Path(results_dir))
    write_report(accuracy, errors, report)
    minimum = float(os.environ.get("NLU_MIN_ACCURACY", DEFAULT_MIN_ACCURACY))
    print(f"held-out intent accuracy {accuracy:.1%} (minimum {minimum:.0%}); see {REPORT}")
    return 0 if accuracy >= minimum else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
