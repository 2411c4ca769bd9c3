"""Redaction quality on a labelled set (issue #17, item 4): recall per category,
medical sentences changed, every miss; and the gate of `make test-privacy`.

    python -m evaluation.redaction report [--set PATH] [--as before|after]
    python -m evaluation.redaction gate [--set PATH]     # exit 1 below a target

Each round's set is written blind and frozen before the redaction changes
(tests/privacy/redaction_set.yml is round 1, redaction_set_r2.yml round 2, ...);
`report --as before` records the redaction that was shipped when the round was
written, `report` (after) the current one; reports/redaction.md shows every
round's runs side by side and the newest run's misses. A set looks like::

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
"42" is not (too short to identify anyone). A piece that the message also has
outside the value ("grandpa.joe@icloud.com (my grandpa's account)") may stay as
often as it appears there. A medical sentence counts as changed when its
redacted text differs from it in any character.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from evaluation.markdown import table
from evaluation.parallel import bytes_on_disk, map_per_core
from evaluation.runs import latest, round_order, with_run
from privacy.redaction import redact_uncached
from project import PROJECT_ROOT, REPORTS_DIR

SETS_DIR = PROJECT_ROOT / "tests" / "privacy"
DEFAULT_SET = SETS_DIR / "redaction_set.yml"
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
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # libyaml: 20x
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


def pieces(text: str) -> list[str]:
    """The runs of 4+ letters or digits of a text, case-folded, with repeats."""
    return [piece.casefold() for piece in PIECE.findall(text) if len(piece) >= MIN_PIECE]


def is_caught(value: str, redacted: str, text: str | None = None) -> bool:
    """Neither the value nor any 4+-character run of letters or digits of it is left,
    beyond the times the message (``text``) has it outside the value."""
    text = value if text is None else text
    if redacted.count(value) > text.count(value) - 1:
        return False
    left = Counter(pieces(PLACEHOLDER.sub(" ", redacted)))
    elsewhere = Counter(pieces(text))
    elsewhere.subtract(pieces(value))
    return all(left[piece] <= max(elsewhere[piece], 0) for piece in set(pieces(value)))


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
            if is_caught(span.value, redacted, message.text):
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


def measure_set(set_path: Path) -> Result:
    return measure(load_set(set_path))


def round_name(set_path: Path) -> str:
    """ "r1" for redaction_set.yml, "r2" for redaction_set_r2.yml; a stem otherwise."""
    if set_path.stem == DEFAULT_SET.stem:
        return "r1"
    return set_path.stem.removeprefix(DEFAULT_SET.stem + "_")


def _title(name: str) -> str:
    return f"round {name[1:]}" if name[:1] == "r" and name[1:].isdigit() else name


def round_sets() -> list[Path]:
    """Every round's set, oldest first."""
    return sorted(
        SETS_DIR.glob(f"{DEFAULT_SET.stem}*.yml"), key=lambda path: round_order(round_name(path))
    )


def recorded() -> dict:
    """Every round's recorded runs (reports/redaction.json): {round: {label: summary}}."""
    return json.loads(JSON.read_text(encoding="utf-8")) if JSON.exists() else {}


def failures(result: Result, levels: dict) -> list[str]:
    """Every target the result misses below the recorded level, and every category the
    set does not cover. While a target is unmet, the gate holds the level last recorded
    (as the NLU gate does), so a change can improve redaction but never worsen it."""
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


def summary(result: Result, set_path: Path) -> dict:
    return {
        "set": set_path.name,
        "recall": {category: result.recall(category) for category in CATEGORIES},
        "overall_recall": result.overall_recall,
        "medical_changed_share": result.medical_changed_share,
        "ms_per_message": result.ms_per_message,
        **asdict(result),
    }


def _round_lines(name: str, runs: dict) -> list[str]:
    labels = list(runs)
    newest = latest(runs)
    rows = [
        [
            category,
            f"≥ {RECALL_TARGETS[category]:.0%}",
            *(
                f"{runs[label]['caught'].get(category, 0)}/{runs[label]['total'].get(category, 0)}"
                f" ({runs[label]['recall'][category]:.1%})"
                for label in labels
            ),
            _verdict(newest["recall"][category] >= RECALL_TARGETS[category]),
        ]
        for category in CATEGORIES
    ]
    rows.append(
        [
            "medical sentences changed",
            f"≤ {MEDICAL_CHANGED_TARGET:.0%}",
            *(
                f"{len(runs[label]['medical_changed'])}/{runs[label]['medical_total']}"
                f" ({runs[label]['medical_changed_share']:.1%})"
                for label in labels
            ),
            _verdict(newest["medical_changed_share"] <= MEDICAL_CHANGED_TARGET),
        ]
    )
    spans = sum(newest["total"].values())
    dates_only = sum(1 for _, redacted in newest["medical_changed"] if _only_dates(redacted))
    return [
        f"## {_title(name).capitalize()} (`{newest['set']}`)",
        "",
        f"{spans} personal-data spans in {len(newest['total'])} categories, "
        f"{newest['medical_total']} medical sentences; redaction took "
        f"{newest['ms_per_message']:.2f} ms per message on average (without the cache).",
        "",
        *table(["category", "target", *labels, "newest"], rows),
        f"Of the newest run's {len(newest['medical_changed'])} changed medical sentences, "
        f"{dates_only} changed only by [DATE]: the redaction replaces every full date, "
        "a birth date or not, on purpose (a date of a patient's treatment identifies "
        "them too), and the set counts those as changes.",
        "",
    ]


def _only_dates(redacted: str) -> bool:
    return set(PLACEHOLDER.findall(redacted)) == {"[DATE]"}


def markdown(runs_by_round: dict) -> str:
    """Every round's runs side by side, then the newest round's misses."""
    lines = [
        "# Redaction quality",
        "",
        "Generated by `make redaction-report` (evaluation/redaction.py). Each round's set "
        "was written blind and frozen before the redaction changed; *before* is the "
        "redaction shipped when it was written. A span is caught when its value, and every "
        "run of 4+ letters or digits of it, is gone from the redacted text (beyond the times "
        "the message has that run elsewhere).",
        "",
    ]
    for name, runs in runs_by_round.items():
        lines += _round_lines(name, runs)
    name, runs = list(runs_by_round.items())[-1]
    newest = latest(runs)
    lines += [
        f"## Misses ({_title(name)}, newest run)",
        "",
        *table(
            ["category", "value", "message", "redacted"],
            [
                [
                    miss["category"],
                    _cell(miss["value"]),
                    _cell(miss["text"]),
                    _cell(miss["redacted"]),
                ]
                for miss in newest["misses"]
            ],
        ),
        f"## Medical sentences changed ({_title(name)}, newest run)",
        "",
        *table(
            ["sentence", "redacted"],
            [[_cell(text), _cell(redacted)] for text, redacted in newest["medical_changed"]],
        ),
    ]
    return "\n".join(lines)


def write_report(result: Result, set_path: Path, label: str = "after") -> None:
    """Record the run as the round's before or after, and rewrite the report."""
    runs_by_round = recorded()
    name = round_name(set_path)
    runs_by_round[name] = with_run(runs_by_round.get(name, {}), label, summary(result, set_path))
    ordered = dict(sorted(runs_by_round.items(), key=lambda item: round_order(item[0])))
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    JSON.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    MARKDOWN.write_text(markdown(ordered), encoding="utf-8")


def _print_result(name: str, result: Result) -> None:
    for category in CATEGORIES:
        print(
            f"{name} {category:14} {result.recall(category):7.1%}"
            f"  ({result.total.get(category, 0)} spans)"
        )
    print(
        f"{name} {'medical':14} {result.medical_changed_share:7.1%} changed"
        f"  ({result.medical_total})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["report", "gate"])
    parser.add_argument(
        "--set",
        type=Path,
        default=None,
        dest="set_path",
        help="one round's set (default: report the newest, gate every round)",
    )
    parser.add_argument("--as", dest="label", default="after", help="before or after")
    args = parser.parse_args(argv)
    sets = [args.set_path] if args.set_path else round_sets()
    if args.command == "report":
        sets = sets[-1:]
    missing = [path for path in sets if not path.exists()] or ([] if sets else [DEFAULT_SET])
    if missing:
        print(
            f"FAIL: {missing[0]} does not exist. The blind labelled set (issue #17, item 4) "
            "must be committed there before the redaction gate can pass.",
            file=sys.stderr,
        )
        return 1
    problems = []
    for set_path, result in zip(sets, map_per_core(measure_set, sets, bytes_on_disk), strict=True):
        name = round_name(set_path)
        if args.command == "report":
            write_report(result, set_path, args.label)
            print(f"recorded {args.label} for redaction round {name} in {MARKDOWN} and {JSON}")
        _print_result(name, result)
        problems += [
            f"{name} {problem}" for problem in failures(result, latest(recorded().get(name, {})))
        ]
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems and args.command == "gate" else 0


if __name__ == "__main__":
    sys.exit(main())
