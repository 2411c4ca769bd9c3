"""Scores what the patient received against the held-out cases.

Definitions (the report repeats them):
- answer accuracy: topic messages that got exactly that topic's document answer;
- clarification accuracy: region-less "why" questions that got the region question;
- out-of-scope deflection: out-of-scope messages that got no document answer but
  the out-of-scope reply, the rephrase fallback, the hand-off, the bot reply or the
  "no details, ask your care team" reply of a topic the document has only a heading for;
- emergency recall: red-flag messages that got the emergency or self-harm reply;
- false-alarm rate: all other messages that got an emergency or self-harm reply;
- wrong-answer rate: messages of ALL sets that got a document answer they did not ask for
  (a "no details" reply answers nothing, so it is never a wrong answer);
- disclaimer rate: bot messages that end with the document's disclaimer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.content import load_content
from evaluation.assistant import Turn
from evaluation.datasets import RED_FLAG_OUTCOMES, Case, is_answer

TARGETS_FILE = Path(__file__).resolve().parent / "targets.yml"


@dataclass(frozen=True)
class Scored:
    """One case with what the patient received."""

    case: Case
    turn: Turn

    @property
    def correct(self) -> bool:
        return self.case.accepts(self.turn.outcome)

    @property
    def wrong_answer(self) -> bool:
        return is_answer(self.turn.outcome) and not self.case.accepts(self.turn.outcome)

    @property
    def false_alarm(self) -> bool:
        return not self.case.expects_red_flag and self.turn.outcome in RED_FLAG_OUTCOMES


def rate(flags: Iterable[bool]) -> float:
    """Share of True values; 1.0 for an empty set, so an empty set never fails a gate."""
    values = list(flags)
    return sum(values) / len(values) if values else 1.0


def _accuracy(scored: list[Scored], group: str) -> float:
    return rate(s.correct for s in scored if s.case.group == group)


def disclaimer_rate(turns: Iterable[Turn]) -> float:
    """Share of all bot messages that end with the document's disclaimer."""
    disclaimer = load_content().disclaimer
    messages = [m for turn in turns for m in turn.messages]
    return rate(m.endswith("\n" + disclaimer) for m in messages) if messages else 0.0


def headline(scored: list[Scored]) -> dict[str, float]:
    """The measures that have targets, from one evaluation run."""
    return {
        "answer_accuracy": _accuracy(scored, "answers"),
        "clarification_accuracy": _accuracy(scored, "clarification"),
        "out_of_scope_deflection": _accuracy(scored, "out_of_scope"),
        "emergency_recall": _accuracy(scored, "red_flag"),
        "false_alarm_rate": 1.0 - rate(not s.false_alarm for s in scored),
        "wrong_answer_rate": 1.0 - rate(not s.wrong_answer for s in scored),
        "look_alike_accuracy": _accuracy(scored, "look_alike"),
        "conversation_accuracy": _accuracy(scored, "conversation"),
        "disclaimer_rate": disclaimer_rate(s.turn for s in scored),
    }


def per_label(scored: list[Scored], group: str) -> dict[str, tuple[int, int]]:
    """(correct, total) per topic / subgroup / reply key of one set."""
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for s in scored:
        if s.case.group == group:
            totals[s.case.label] += 1
            correct[s.case.label] += s.correct
    return {label: (correct[label], totals[label]) for label in totals}


@dataclass(frozen=True)
class Target:
    """A measure's target; `higher` says which direction is better."""

    measure: str
    value: float
    higher: bool

    def met(self, value: float) -> bool:
        return value >= self.value if self.higher else value <= self.value

    def floor(self, shipped: float | None) -> float:
        """The gate's limit: the target, or the shipped level while the target is unmet."""
        if shipped is None or self.met(shipped):
            return self.value
        return shipped

    def passes(self, value: float, shipped: float | None) -> bool:
        limit = self.floor(shipped)
        tolerance = 1e-9
        return value >= limit - tolerance if self.higher else value <= limit + tolerance


def load_targets(section: str = "targets", path: Path = TARGETS_FILE) -> list[Target]:
    """One section of targets.yml: `targets` (development sets) or `blind_targets`."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Target(measure, float(spec["value"]), spec["better"] == "higher")
        for measure, spec in raw[section].items()
    ]


def check(
    measures: dict[str, float], targets: list[Target], shipped: dict[str, float], label: str = ""
) -> bool:
    """Print each gated measure against its limit; True when all pass."""
    passed = True
    for target in targets:
        value, level = measures[target.measure], shipped.get(target.measure)
        ok = target.passes(value, level)
        passed &= ok
        sign = ">=" if target.higher else "<="
        print(
            f"{'PASS' if ok else 'FAIL'} {label}{target.measure:28} {value:8.2%}  "
            f"(must be {sign} {target.floor(level):.2%}; target {target.value:.2%})"
        )
    return passed
