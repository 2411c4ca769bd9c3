"""Debian's Chromium for the browser suites (tests/browser, tests/insights).

Playwright's own browser download cannot work here; these flags keep Debian's
Chromium from reaching out to the (closed) network at start.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
