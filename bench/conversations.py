"""The patient conversations the load generator plays: the project's own test stories.

Using tests/test_stories.yml (multi-turn, every turn answered by a custom action on the
action server) keeps the load realistic without anyone writing patient text twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from project import PROJECT_ROOT

STORIES = PROJECT_ROOT / "tests" / "test_stories.yml"
# Rasa's inline entity annotations: [text]{"entity": ...} or [text](entity).
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def plain_text(annotated: str) -> str:
    """What the patient typed: the message without Rasa's entity annotations."""
    return ANNOTATION.sub(r"\1", annotated).strip()


def typed(step: dict) -> bool:
    """A user turn the patient typed; a button's payload ("/feedback{...}") is not."""
    return "user" in step and not step["user"].lstrip().startswith("/")


def conversations(path: Path = STORIES) -> list[list[str]]:
    """The typed user turns of every test story, in order; stories without any are skipped."""
    stories = yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]
    turns = [
        [plain_text(step["user"]) for step in story["steps"] if typed(step)] for story in stories
    ]
    return [story for story in turns if story]
