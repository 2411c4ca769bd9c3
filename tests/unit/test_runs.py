"""The recorded runs of a blind round: which one the gate holds, and in which order."""

from evaluation.runs import SHIPPED, latest, round_order, with_run


def test_the_gate_holds_the_shipped_run_then_after_then_before() -> None:
    before, after, shipped = {"n": 1}, {"n": 2}, {"n": 3}
    assert latest({"before": before}) == before
    assert latest({"before": before, "after": after}) == after
    assert latest({"before": before, "after": after, SHIPPED: shipped}) == shipped


def test_recording_keeps_before_and_after_first_and_the_blind_runs_unchanged() -> None:
    runs = with_run({"before": {"n": 1}, "after": {"n": 2}}, SHIPPED, {"n": 3})
    assert list(runs) == ["before", "after", SHIPPED]
    assert runs["after"] == {"n": 2}


def test_rounds_sort_by_number() -> None:
    assert sorted(["r10", "r9", "r1", "extra"], key=round_order) == ["r1", "r9", "r10", "extra"]
