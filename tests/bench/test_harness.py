"""The benchmark harness's own logic: statistics, alternation, patients, answers, memory."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
import yaml

from bench import report
from bench.conversations import conversations, plain_text
from bench.load import Patient, answered, rotated
from bench.memory import process_tree, tree_pss_bytes
from bench.run import Settings, Trained
from bench.stats import percentile, ratio, slice_order, summarise
from bench.variants import RASA_DEFAULT_CONFIG, SHIPPED_CONFIG, catalog, training_config

DISCLAIMER = "Not medical advice."
UNAVAILABLE = "Sorry, try later.\n" + DISCLAIMER


def test_percentile_interpolates_like_numpy_linear() -> None:
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert percentile(values, 0.0) == 15.0
    assert percentile(values, 0.5) == 35.0
    assert percentile(values, 1.0) == 50.0
    assert percentile(values, 0.4) == pytest.approx(29.0)
    assert percentile(values, 0.95) == pytest.approx(48.0)
    assert percentile(list(reversed(values)), 0.95) == pytest.approx(48.0)
    assert percentile([7.0], 0.99) == 7.0


def test_percentile_of_nothing_is_not_a_number_and_fractions_are_checked() -> None:
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile([1.0], 95)


def test_summary_counts_answers_and_throughput_over_the_variants_own_time() -> None:
    summary = summarise(10, [10.0] * 99 + [1000.0], errors=2, seconds=4.0)
    assert (summary.answered, summary.errors, summary.throughput) == (100, 2, 25.0)
    assert summary.p50_ms == 10.0
    assert summary.p99_ms == pytest.approx(19.9)
    assert math.isnan(summarise(1, [], 0, 0.0).throughput)


def test_ratio_is_not_a_number_when_a_side_is_missing() -> None:
    assert ratio(8.0, 2.0) == 4.0
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 2.0))


def test_slices_alternate_so_every_variant_is_as_often_first_as_last() -> None:
    assert slice_order(["a", "b"], 6) == ["a", "b", "b", "a", "a", "b"]
    assert slice_order(["a", "b", "c"], 6) == ["a", "b", "c", "c", "b", "a"]
    order = slice_order(["a", "b"], 8)
    assert order.count("a") == order.count("b") == 4


def test_patients_play_whole_conversations_then_start_a_new_one() -> None:
    patient = Patient("p", [["hi", "bye"], ["help"]])
    sent = [patient.next_message() for _ in range(4)]
    assert sent == [("p-0", "hi"), ("p-0", "bye"), ("p-1", "help"), ("p-2", "hi")]


def test_concurrent_patients_start_in_different_conversations() -> None:
    scripts = [["a"], ["b"], ["c"]]
    assert [rotated(scripts, slot)[0] for slot in range(4)] == [["a"], ["b"], ["c"], ["a"]]


def test_only_replies_with_the_disclaimer_from_the_action_server_count() -> None:
    good = [{"text": "An answer.\n" + DISCLAIMER}, {"text": "More.\n" + DISCLAIMER}]
    assert answered(200, good, DISCLAIMER, UNAVAILABLE)
    assert not answered(500, good, DISCLAIMER, UNAVAILABLE)
    assert not answered(200, [], DISCLAIMER, UNAVAILABLE)
    assert not answered(200, None, DISCLAIMER, UNAVAILABLE)
    assert not answered(200, [{"text": "No disclaimer"}], DISCLAIMER, UNAVAILABLE)
    assert not answered(200, [{"text": UNAVAILABLE}], DISCLAIMER, UNAVAILABLE)
    assert not answered(200, [{"image": "x.png"}], DISCLAIMER, UNAVAILABLE)


def test_conversations_are_the_test_stories_user_turns_without_annotations() -> None:
    assert plain_text('my [lower back]{"entity": "region", "value": "lumbar"}?') == (
        "my lower back?"
    )
    assert plain_text("[2](option)") == "2"
    stories = conversations()
    assert len(stories) >= 5
    assert any(len(story) > 2 for story in stories)
    assert not any("[" in text or "{" in text for story in stories for text in story)


def test_memory_is_measured_over_the_whole_process_tree() -> None:
    assert process_tree(os.getpid())[0] == os.getpid()
    assert tree_pss_bytes(os.getpid()) > 1024 * 1024
    assert tree_pss_bytes(2**22 + 12345) == 0  # no such process


def test_smoke_configs_cap_every_epoch_count(tmp_path: Path) -> None:
    capped = yaml.safe_load(training_config(RASA_DEFAULT_CONFIG, tmp_path / "c.yml", 1).read_text())
    components = capped["pipeline"] + capped["policies"]
    assert {c["name"] for c in components if "epochs" in c} >= {"DIETClassifier", "TEDPolicy"}
    assert all(c["epochs"] == 1 for c in components if "epochs" in c)
    unchanged = training_config(SHIPPED_CONFIG, tmp_path / "s.yml", None).read_text()
    assert yaml.safe_load(unchanged) == yaml.safe_load(SHIPPED_CONFIG.read_text())


def test_baseline_is_stock_rasa_with_its_default_config_and_fast_is_the_shipped_one() -> None:
    variants = catalog(workers=2)
    assert variants["baseline"].stock and variants["baseline"].config == RASA_DEFAULT_CONFIG
    assert not variants["fast"].stock and variants["fast"].config == SHIPPED_CONFIG
    assert variants["fast"].workers == 2 and variants["baseline"].workers == 1
    assert catalog(workers=1)["fast-2w"].workers == 2


def synthetic_results(fast_p95_at_10: float) -> report.Results:
    """A run where fast is 5× the baseline's throughput, with the given p95 at 10 users."""
    variants = catalog(workers=2)
    levels = {
        "baseline": {u: summarise(u, [40.0, 400.0, 800.0], 0, 3 / 20) for u in (1, 10, 50)},
        "fast": {
            1: summarise(1, [10.0, 12.0, 30.0], 0, 3 / 100),
            10: summarise(10, [10.0, fast_p95_at_10], 0, 2 / 100),
            50: summarise(50, [10.0, 20.0, 30.0], 0, 3 / 100),
        },
    }
    return report.Results(
        settings=Settings.from_env({"BENCH_SHORT": "1"}),
        variants=[variants["baseline"], variants["fast"]],
        trained={
            name: Trained(Path("m.tar.gz"), 60.0, 10 * report.MB) for name in ("baseline", "fast")
        },
        startups={"baseline": [40.0], "fast": [12.0, 14.0]},
        memory={"baseline rasa": 1200 * report.MB, "fast rasa": 700 * report.MB},
        levels=levels,
        machine_before=report.machine_state(),
        machine_after=report.machine_state(),
    )


def test_targets_compare_fast_with_the_baseline_of_the_same_run() -> None:
    met = {label: ok for label, _, _, ok in report.targets(synthetic_results(90.0))}
    assert all(met.values()), met
    missed = {label: ok for label, _, _, ok in report.targets(synthetic_results(900.0))}
    assert [label for label, ok in missed.items() if not ok] == [
        "p95 latency at 10 users, fast / baseline"
    ]


def test_report_states_setting_machine_and_every_variant() -> None:
    text = report.render(synthetic_results(90.0))
    assert "SMOKE" in text and "load average" in text
    assert "| 50 | fast | 3 | 0 |" in text and "5.00×" in text
    assert report.complete(synthetic_results(90.0))
