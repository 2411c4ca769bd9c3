"""The site the widget's browser tests run against, and what they inject into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.content import DEFAULT_CONTENT_FILE
from tests.stack import Stack

DESKTOP = {"width": 1280, "height": 800}

# Markup and a script link the real assistant sends back (see tampered_content).
INJECTION = "<img src=x onerror=alert(1)> [details](javascript:alert(1))"


@dataclass
class Site:
    """The running assistant and the demo page that embeds the widget."""

    stack: Stack
    url: str
    content_file: Path


def tampered_content(folder: Path) -> Path:
    """The real content file with an injection appended to the bot_challenge reply.

    So the injection test gets markup from the real Rasa and action servers,
    not from a stub; no other reply changes.
    """
    content = yaml.safe_load(DEFAULT_CONTENT_FILE.read_text(encoding="utf-8"))
    content["replies"]["bot_challenge"]["text"] += f" {INJECTION}"
    path = folder / "content.yml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path
