"""A round's recorded runs, shared by the blind NLU rounds (evaluation/blind.py) and
the redaction rounds (evaluation/redaction.py): each round is measured once *before*
(what was shipped when its set was written) and once *after* its changes; any other
label is an ablation or a development run that is not blind; *shipped* is a used
round measured again on a later change, the level its gate holds."""

from __future__ import annotations

import sys

LABELS = ("before", "after")
# A used round measured again when a later model or rule change ships: the level the
# gate holds from then on.
SHIPPED = "shipped"


def round_order(name: str) -> tuple[int, str]:
    """Rounds in number order ("r10" after "r9", not after "r1"), other sets last."""
    if name[:1] == "r" and name[1:].isdigit():
        return int(name[1:]), ""
    return sys.maxsize, name


def latest(runs: dict[str, dict]) -> dict:
    """The run of the current code: *shipped* when a later change was measured on this
    used round (its blind before and after stay as they were), else *after* once the
    round's changes are in, else *before* (a round frozen and measured, whose changes
    have not been made yet)."""
    return (
        runs.get(SHIPPED)
        or runs.get("after")
        or runs.get("before")
        or next(iter(runs.values()), {})
    )


def with_run(runs: dict[str, dict], label: str, run: dict) -> dict[str, dict]:
    """The runs with this one recorded under its label, before and after first."""
    runs = {**runs, label: run}
    order = [*LABELS, *sorted(set(runs) - set(LABELS))]
    return {name: runs[name] for name in order if name in runs}
