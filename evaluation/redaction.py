"""Redaction quality on a labelled set (issue #17, item 4): recall per category,
medical sentences changed, every miss; and the gate of `make test-privacy`.

    python -m evaluation.redaction report [--set PATH]   # -> reports/redaction.md, .json
    python -m evaluation.redaction gate [--set PATH]     # exit 1 below a target

The set (tests/privacy/redaction_set.yml, written blind) looks like::

    personal:
    - text: "I'm Jane Roe, call 555-010-4477"
      spans:
      - {category: name, value: "Jane Roe"}
      - {category: phone, value: "555-010-4477"}
    medical:
    - "Is Dotarem safe at 3T?"

A span is caught when its value no longer appears in the redacted text and no
piece of it (a run of 4 or more letters or digits) is left as a whole run of the
redacted text outside placeholders: "Baker" left of "42 Baker Street" is a miss,
"42" is not (too short to identify anyone). A medical sentence counts as changed
when its redacted text differs from it in any character.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from evaluation.markdown import table
from privacy.redaction import redact_uncached
from project import PROJECT_ROOT, REPORTS_DIR

DEFAULT_SET = PROJECT_ROOT / "tests" / "privacy" / "redaction_set.yml"
MARKDOWN = REPORTS_DIR / "redaction.md"
JSON = REPORTS_DIR / "redaction.json"
CATEGORIES = ("name", "phone", "email", "date_of_birth", "id", "ssn", "address")
# Minimum recall per category, and the most medical sentences that may change.
RECALL_TARGETS = {
    "phone": 0.98,
    "email": 0.98,
    "ssn": 0.98,
    "id": 0.98,
    "name": 0.95,
    "date_of_birth": 0.95,
    "address": 0.95,
}
MEDICAL_CHANGED_TARGET = 0.02
MIN_PIECE = 4
PIECE = re.compile(r"[^\W_]+")
PLACEHOLDER = re.compile(r"\[[A-Z]{2,9}\]")


@dataclass(frozen=True)
class Span:
    category: str
    value: str


@dataclass(frozen=True)
class Message:
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class RedactionSet:
    personal: tuple[Message, ...]
    medical: tuple[str, ...]


@dataclass
class Miss:
    category: str
    value: str
    text: str
    redacted: str


@dataclass
class Result:
    caught: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    medical_total: int = 0
    medical_changed: list[tuple[str, str]] = field(default_factory=list)
    ms_per_message: float = 0.0

    def recall(self, category: str) -> float:
        return (
            self.caught.get(category, 0) / self.total[category] if self.total.get(category) else 0.0
        )

    @property
    def overall_recall(self) -> float:
        total = sum(self.total.values())
        return sum(self.caught.values()) / total if total else 0.0

    @property
    def medical_changed_share(self) -> float:
        return len(self.medical_changed) / self.medical_total if self.medical_total else 0.0


def load_set(path: Path) -> RedactionSet:
    """The set, checked: known categories, every value a substring of its text."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    personal = []
    for item in raw.get("personal") or []:
        spans = tuple(Span(span["category"], str(span["value"])) for span in item["spans"])
        for span in spans:
            if span.category not in CATEGORIES:
                raise ValueError(f"{path}: unknown category {span.category!r}")
            if span.value not in item["text"]:
                raise ValueError(f"{path}: {span.value!r} is not in {item['text']!r}")
        personal.append(Message(item["text"], spans))
    return RedactionSet(tuple(personal), tuple(str(text) for text in raw.get("medical") or []))


def pieces(text: str) -> set[str]:
    return {piece.casefold() for piece in PIECE.findall(text) if len(piece) >= MIN_PIECE}


def is_caught(value: str, redacted: str) -> bool:
    """Neither the value nor any 4+-character run of letters or digits of it is left."""
    if value in redacted:
        return False
    left = {piece.casefold() for piece in PIECE.findall(PLACEHOLDER.sub(" ", redacted))}
    return not pieces(value) & left


def _timed_redact(text: str, durations: list[float]) -> str:
    started = time.perf_counter()
    redacted = redact_uncached(text)
    durations.append(time.perf_counter() - started)
    return redacted


def measure(labelled: RedactionSet) -> Result:
    """Redact every message of the set once, without the cache, and score it
    (timed after a first call has loaded the model)."""
    redact_uncached("warm up")
    result, durations = Result(), list[float]()
    for message in labelled.personal:
        redacted = _timed_redact(message.text, durations)
        for span in message.spans:
            result.total[span.category] = result.total.get(span.category, 0) + 1
            if is_caught(span.value, redacted):
                result.caught[span.category] = result.caught.get(span.category, 0) + 1
            else:
                result.misses.append(Miss(span.category, span.value, message.text, redacted))
    for sentence in labelled.medical:
        redacted = _timed_redact(sentence, durations)
        if redacted != sentence:
            result.medical_changed.append((sentence, redacted))
    result.medical_total = len(labelled.medical)
    result.ms_per_message = 1000 * sum(durations) / len(durations) if durations else 0.0
    return result


def recorded() -> dict:
    """The levels of the last report (reports/redaction.json), or none."""
    return json.loads(JSON.read_text(encoding="utf-8")) if JSON.exists() else {}


def failures(result: Result, levels: dict | None = None) -> list[str]:
    """Every target the result misses below the recorded level, and every category the
    set does not cover. While a target is unmet, the gate holds the level last recorded
    (as the NLU gate does), so a change can improve redaction but never worsen it."""
    levels = recorded() if levels is None else levels
    problems = []
    for category, target in RECALL_TARGETS.items():
        floor = min(target, levels.get("recall", {}).get(category, target))
        if not result.total.get(category):
            problems.append(f"{category}: the set has no example")
        elif result.recall(category) < floor - 1e-9:
            problems.append(f"{category}: recall {result.recall(category):.1%} < {floor:.1%}")
    ceiling = max(MEDICAL_CHANGED_TARGET, levels.get("medical_changed_share", 0.0))
    if not result.medical_total:
        problems.append("medical: the set has no medical sentence")
    elif result.medical_changed_share > ceiling + 1e-9:
        problems.append(f"medical: {result.medical_changed_share:.1%} changed > {ceiling:.1%}")
    return problems


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: Result, set_path: Path) -> str:
    rows = [
        [
            category,
            f"{result.caught.get(category, 0)}/{result.total.get(category, 0)}",
            f"{result.recall(category):.1%}",
            f"≥ {RECALL_TARGETS[category]:.0%}",
            _verdict(result.recall(category) >= RECALL_TARGETS[category]),
        ]
        for category in CATEGORIES
    ]
    changed = result.medical_changed_share
    lines = [
        "# Redaction quality",
        "",
        f"Generated by `make redaction-report` (evaluation/redaction.py) from `{set_path.name}`: "
        f"{len(result.misses) + sum(result.caught.values())} personal-data spans in "
        f"{sum(1 for _ in result.total)} categories, {result.medical_total} medical sentences. "
        "A span is caught when its value, and every run of 4+ letters or digits of it, is "
        "gone from the redacted text. Redaction took "
        f"{result.ms_per_message:.2f} ms per message on average (without the cache).",
        "",
        *table(["category", "caught", "recall", "target", ""], rows),
        f"Overall recall: {result.overall_recall:.1%}. Medical sentences changed: "
        f"{len(result.medical_changed)}/{result.medical_total} ({changed:.1%}; target ≤ "
        f"{MEDICAL_CHANGED_TARGET:.0%}: {_verdict(changed <= MEDICAL_CHANGED_TARGET)}).",
        "",
        "## Misses",
        "",
        *table(
            ["category", "value", "message", "redacted"],
            [
                [miss.category, _cell(miss.value), _cell(miss.text), _cell(miss.redacted)]
                for miss in result.misses
            ],
        ),
        "## Medical sentences changed",
        "",
        *table(
            ["sentence", "redacted"],
            [[_cell(text), _cell(redacted)] for text, redacted in result.medical_changed],
        ),
    ]
    return "\n".join(lines)


def write_report(result: Result, set_path: Path) -> None:
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    MARKDOWN.write_text(markdown(result, set_path), encoding="utf-8")
    summary = {
        "set": set_path.name,
        "recall": {category: result.recall(category) for category in CATEGORIES},
        "overall_recall": result.overall_recall,
        "medical_changed_share": result.medical_changed_share,
        "ms_per_message": result.ms_per_message,
        **asdict(result),
    }
    JSON.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["report", "gate"])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, dest="set_path")
    args = parser.parse_args(argv)
    if not args.set_path.exists():
        print(
            f"FAIL: {args.set_path} does not exist. The blind labelled set (issue #17, item 4) "
            "must be committed there before the redaction gate can pass.",
            file=sys.stderr,
        )
        return 1
    result = measure(load_set(args.set_path))
    if args.command == "report":
        write_report(result, args.set_path)
        print(f"wrote {MARKDOWN} and {JSON}")
    problems = failures(result)
    for category in CATEGORIES:
        print(
            f"{category:14} {result.recall(category):7.1%}  ({result.total.get(category, 0)} spans)"
        )
    print(f"{'medical':14} {result.medical_changed_share:7.1%} changed  ({result.medical_total})")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems and args.command == "gate" else 0


if __name__ == "__main__":
    sys.exit(main())
