"""The redaction report and gate (evaluation/redaction.py), on a tiny sample set of
their own (tests/privacy/redaction_sample.yml), never on the blind set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluation import redaction as report

SAMPLE = Path(__file__).with_name("redaction_sample.yml")


@pytest.mark.parametrize(
    ("value", "redacted", "caught"),
    [
        ("Jane Roe", "my name is [NAME]", True),
        ("Jane Roe", "my name is Jane [NAME]", False),
        ("42 Baker Street", "I live at 42 [ADDRESS]", True),
        ("42 Baker Street", "I live at [ADDRESS] Street", False),
        ("555-010-4477", "call [PHONE]-4477", False),
        ("555-010-4477", "call 555-010-[PHONE]", True),
        ("555-010-4477", "call [PHONE]", True),
        ("bob", "ask bob", False),
        ("W123456789", "member ID w123456789", False),
    ],
)
def test_a_span_is_caught_when_no_4_character_piece_is_left(
    value: str, redacted: str, caught: bool
) -> None:
    assert report.is_caught(value, redacted) is caught


@pytest.mark.parametrize(
    ("text", "redacted", "caught"),
    [
        ("grandpa.joe@icloud.com (my grandpa's mail)", "[EMAIL] (my grandpa's mail)", True),
        (
            "grandpa.joe@icloud.com (my grandpa's mail)",
            "grandpa.[EMAIL] (my grandpa's mail)",
            False,
        ),
        ("grandpa.joe@icloud.com (my mail)", "grandpa.[EMAIL] (my mail)", False),
    ],
)
def test_a_piece_the_message_also_has_elsewhere_may_stay_there(
    text: str, redacted: str, caught: bool
) -> None:
    assert report.is_caught("grandpa.joe@icloud.com", redacted, text) is caught


def test_the_sample_is_measured_span_by_span() -> None:
    result = report.measure(report.load_set(SAMPLE))
    assert result.total == {
        "name": 2,
        "phone": 1,
        "email": 1,
        "date_of_birth": 1,
        "ssn": 1,
        "id": 1,
        "address": 1,
    }
    assert result.caught == {
        "name": 1,
        "phone": 1,
        "email": 1,
        "date_of_birth": 1,
        "ssn": 1,
        "id": 1,
        "address": 1,
    }
    assert [(miss.category, miss.value) for miss in result.misses] == [("name", "bob")]
    assert result.recall("name") == 0.5
    assert result.overall_recall == 7 / 8
    assert result.medical_total == 3
    assert [text for text, _ in result.medical_changed] == ["My last MRI was on March 3, 2020"]
    assert result.ms_per_message > 0


@pytest.fixture
def reports_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The report and its record written to a temporary folder, not reports/."""
    monkeypatch.setattr(report, "REPORTS_DIR", tmp_path)
    monkeypatch.setattr(report, "MARKDOWN", tmp_path / "redaction.md")
    monkeypatch.setattr(report, "JSON", tmp_path / "redaction.json")
    return tmp_path


def test_the_report_lists_recall_misses_and_changed_sentences(reports_in_tmp: Path) -> None:
    tmp_path = reports_in_tmp
    assert report.main(["report", "--set", str(SAMPLE), "--as", "before"]) == 0
    assert report.main(["report", "--set", str(SAMPLE)]) == 0
    text = (tmp_path / "redaction.md").read_text(encoding="utf-8")
    assert "| category | target | before | after | newest |" in text
    assert "| name | ≥ 95% | 1/2 (50.0%) | 1/2 (50.0%) | **not met** |" in text
    assert "| phone | ≥ 98% | 1/1 (100.0%) | 1/1 (100.0%) | met |" in text
    assert "please ask bob about my scan" in text
    assert "My last MRI was on March 3, 2020" in text
    recorded = report.recorded()["redaction_sample"]
    assert list(recorded) == ["before", "after"]
    assert recorded["after"]["overall_recall"] == 0.875


def test_rounds_are_reported_in_number_order(reports_in_tmp: Path) -> None:
    """Round 10 comes after round 9 (not after round 1), and its misses are the newest."""
    tmp_path = reports_in_tmp
    for number in (10, 9):
        path = tmp_path / f"redaction_set_r{number}.yml"
        path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        assert report.main(["report", "--set", str(path)]) == 0
    text = (tmp_path / "redaction.md").read_text(encoding="utf-8")
    assert text.index("## Round 9 ") < text.index("## Round 10 ")
    assert "## Misses (round 10, newest run)" in text
    assert list(report.recorded()) == ["r9", "r10"]


def test_the_gate_fails_below_a_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(report, "JSON", tmp_path / "redaction.json")
    assert report.main(["gate", "--set", str(SAMPLE)]) == 1
    errors = capsys.readouterr().err
    assert "FAIL redaction_sample name: recall 50.0% < " in errors
    assert "FAIL redaction_sample medical: 33.3% changed > " in errors


def test_while_a_target_is_unmet_the_gate_holds_the_recorded_level() -> None:
    result = report.Result()
    result.caught, result.total = {"name": 9}, {"name": 10}
    result.medical_total = 100
    levels = {"recall": {"name": 0.9}, "medical_changed_share": 0.0}
    assert not [p for p in report.failures(result, levels) if p.startswith("name")]
    result.caught = {"name": 8}
    assert "name: recall 80.0% < 90.0%" in report.failures(result, levels)
    no_record = report.failures(result, {})
    assert "name: recall 80.0% < 95.0%" in no_record


def test_every_round_set_is_found_oldest_first() -> None:
    names = [report.round_name(path) for path in report.round_sets()]
    assert names[:2] == ["r1", "r2"]
    assert names == sorted(names, key=lambda name: int(name[1:]))


def test_the_gate_passes_when_every_target_is_met(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "JSON", tmp_path / "redaction.json")
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    sample["personal"] = [item for item in sample["personal"] if "bob" not in item["text"]]
    sample["medical"] = [text for text in sample["medical"] if "2020" not in text]
    good_set = tmp_path / "good.yml"
    good_set.write_text(yaml.safe_dump(sample, allow_unicode=True), encoding="utf-8")
    assert report.main(["gate", "--set", str(good_set)]) == 0


def test_the_gate_fails_without_the_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report.main(["gate", "--set", str(tmp_path / "redaction_set.yml")]) == 1
    assert "must be committed" in capsys.readouterr().err


def test_a_value_that_is_not_in_its_text_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        'personal:\n- text: "call me"\n  spans:\n  - {category: phone, value: "555"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="is not in"):
        report.load_set(broken)
