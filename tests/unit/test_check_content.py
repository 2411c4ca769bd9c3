"""`make check-content` (ops/check_content.py) passes on the project and catches each mistake.

Every check is made to fail on a copy of the files with one deliberate mistake,
so a check that stopped looking would fail here, not in front of a patient.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from ops.check_content import (
    ANSWER_ACTION,
    MIN_TOPIC_EXAMPLES,
    REPLY_ACTION,
    check,
    main,
    not_word_for_word,
)
from project import PROJECT_ROOT

COPIED = ("content", "data", "domain.yml")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the files the check reads, to break one at a time."""
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Replace the one occurrence of old in a copied file."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problem_with(problems: list[str], *fragments: str) -> str:
    """The problem that names every fragment; fails with all problems listed otherwise."""
    for problem in problems:
        if all(fragment in problem for fragment in fragments):
            return problem
    raise AssertionError(f"no problem names {fragments}; problems: {problems}")


def test_the_project_files_agree() -> None:
    assert check(PROJECT_ROOT) == []


def test_an_unbroken_copy_agrees(root: Path) -> None:
    assert check(root) == []


def test_command_line_exit_codes(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root)]) == 0
    edit(root, "domain.yml", "  - ask_music_mri\n", "")
    assert main(["--root", str(root)]) == 1
    errors = capsys.readouterr().err
    assert "ask_music_mri" in errors
    assert "docs/content.md" in errors


BROKEN = {
    "topic intent not in the domain": (
        "domain.yml",
        "  - ask_music_mri\n",
        "",
        ("content/spine_mri.yml", "music_mri", "'ask_music_mri'", "domain.yml"),
    ),
    "answer intent missing from the or: list": (
        "data/rules.yml",
        "    - intent: ask_mri_factors\n",
        "",
        ("or:", "document answers", "'ask_mri_factors'"),
    ),
    "answer intent sent to the reply action": (
        "data/rules.yml",
        "    - intent: greet\n",
        "    - intent: greet\n    - intent: ask_what_to_expect\n",
        ("'ask_what_to_expect'", REPLY_ACTION, ANSWER_ACTION),
    ),
    "domain intent neither a topic nor handled": (
        "domain.yml",
        "  - forget_me\n",
        "  - forget_me\n  - ask_parking\n",
        ("domain.yml", "'ask_parking'", "no rule"),
    ),
    "reply intent without a reply text": (
        "content/spine_mri.yml",
        "  thank:\n    text: \"You're welcome. Is there anything else about spine MRI I can"
        ' help with?"\n',
        "",
        ("'thank'", "replies.thank", REPLY_ACTION),
    ),
    "related topic that does not exist": (
        "content/spine_mri.yml",
        "related: [mri_factors, music_mri, what_to_expect]",
        "related: [mri_factor, music_mri, what_to_expect]",
        ("topics.mri_surgery.related", "'mri_factor'"),
    ),
    "related topic that is the topic itself": (
        "content/spine_mri.yml",
        "related: [mri_factors, music_mri, what_to_expect]",
        "related: [mri_surgery, music_mri, what_to_expect]",
        ("topics.mri_surgery.related", "itself"),
    ),
    "main topic that does not exist": (
        "content/spine_mri.yml",
        "main_topics: [what_is_spine_mri,",
        "main_topics: [what_is_a_spine_mri,",
        ("main_topics", "'what_is_a_spine_mri'"),
    ),
    "safety net after an unknown reply": (
        "content/spine_mri.yml",
        "    - rate_limited\n",
        "    - rate_limit\n",
        ("safety_net.after", "'rate_limit'"),
    ),
    "misspelt answer key": (
        "content/spine_mri.yml",
        "    answer: >-\n      An MRI (magnetic",
        "    anwser: >-\n      An MRI (magnetic",
        ("topics.what_is_spine_mri", "`anwser:`"),
    ),
    "topic without an intent": (
        "content/spine_mri.yml",
        "    intent: ask_mri_surgery\n",
        "",
        ("topics.mri_surgery", "`intent:`"),
    ),
    "answer not word for word": (
        "content/spine_mri.yml",
        "a powerful magnet",
        "a strong magnet",
        ("topics.what_is_spine_mri.answer", "not word for word", "a strong magnet"),
    ),
    "excerpt not word for word": (
        "content/spine_mri.yml",
        "must be aware that hormone",
        "should know that hormone",
        ("topics.prostate_cancer_mri.excerpt", "should know that hormone"),
    ),
    "disclaimer not word for word": (
        "content/spine_mri.yml",
        "diagnosis or treatment",
        "diagnosis or care",
        ("disclaimer", "not word for word"),
    ),
    "topic never offered as a button": (
        "content/spine_mri.yml",
        "related: [prostate_cancer_mri, music_mri, what_to_expect]",
        "related: [what_is_spine_mri, music_mri, what_to_expect]",
        ("topic prostate_cancer_mri", "never offered", "related:"),
    ),
    "two topics with the same intent and region": (
        "content/spine_mri.yml",
        "    region: lumbar\n",
        "    region: cervical\n",
        ("why_cervical_mri", "why_lumbar_mri", "'ask_why_mri'", "only why_cervical_mri"),
    ),
}


@pytest.mark.parametrize(("name", "old", "new", "fragments"), BROKEN.values(), ids=BROKEN)
def test_each_mistake_is_named(
    root: Path, name: str, old: str, new: str, fragments: tuple[str, ...]
) -> None:
    edit(root, name, old, new)
    problem_with(check(root), *fragments)


def test_too_few_training_examples(root: Path) -> None:
    intent = "ask_prostate_cancer_mri"
    block = re.compile(rf"(- intent: {intent}\n  examples: \|\n)((?:    - .*\n)+)")
    nlu = root / "data" / "nlu.yml"
    match = block.search(nlu.read_text(encoding="utf-8"))
    assert match is not None
    kept = "".join(match.group(2).splitlines(keepends=True)[: MIN_TOPIC_EXAMPLES - 1])
    nlu.write_text(block.sub(lambda m: m.group(1) + kept, nlu.read_text()), encoding="utf-8")
    problem_with(check(root), "data/nlu.yml", f"'{intent}'", f"only {MIN_TOPIC_EXAMPLES - 1}")


def test_a_topic_without_any_rule_when_rules_list_intents_one_by_one(root: Path) -> None:
    """Without `or:` lists the check still finds the answer intent that no rule handles."""
    rules_path = root / "data" / "rules.yml"
    rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    one_by_one = []
    for rule in rules["rules"]:
        first, *rest = rule["steps"]
        intents = [item["intent"] for item in first.get("or", [first])]
        one_by_one += [
            {"rule": f"{rule['rule']}: {intent}", "steps": [{"intent": intent}, *rest]}
            for intent in intents
            if intent != "ask_music_mri"
        ]
    rules_path.write_text(yaml.safe_dump({"version": "3.1", "rules": one_by_one}))
    (problem,) = check(root)
    assert "no rule sends the answer intent 'ask_music_mri' to action_answer" in problem


def test_sentences_in_the_wrong_order_are_named_as_such() -> None:
    document = "One sentence. Another sentence."
    (problem,) = not_word_for_word("answer", "Another sentence. One sentence.", document, "doc")
    assert "not in this order" in problem


def test_a_missing_source_document_is_named(root: Path) -> None:
    (root / "content" / "source" / "spine-mri-source.txt").unlink()
    problem_with(check(root), "source_document", "does not exist")
