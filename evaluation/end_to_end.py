"""The disclaimer check through the real servers, over the multi-turn test stories.

Every user turn of tests/test_stories.yml is posted over REST to a running
action server + Rasa server (tests/stack.py); every bot message the patient
receives must end with the document's disclaimer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from actions.content import load_content
from project import PROJECT_ROOT
from tests.stack import running_stack

STORIES = PROJECT_ROOT / "tests" / "test_stories.yml"


def conversations(path: Path = STORIES) -> list[list[str]]:
    """The user messages of each test story, in order."""
    stories = yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]
    return [
        [step["user"].strip() for step in story["steps"] if "user" in step] for story in stories
    ]


def disclaimer_check() -> dict[str, float]:
    """Turns and bot messages sent end to end, and the share carrying the disclaimer."""
    disclaimer = load_content().disclaimer
    turns = silent_turns = messages = with_disclaimer = 0
    with tempfile.TemporaryDirectory(prefix="nlu-e2e-") as tmp, running_stack(Path(tmp)) as stack:
        for number, conversation in enumerate(conversations()):
            for text in conversation:
                replies = stack.say(f"evaluation-{number}", text)
                turns += 1
                silent_turns += not replies
                messages += len(replies)
                with_disclaimer += sum(
                    (reply.get("text") or "").endswith("\n" + disclaimer) for reply in replies
                )
    covered = turns - silent_turns
    rate = with_disclaimer / messages if messages and covered == turns else 0.0
    return {
        "turns": turns,
        "silent_turns": silent_turns,
        "messages": messages,
        "disclaimer_rate": rate,
    }
