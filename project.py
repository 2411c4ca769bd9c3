"""Where the project's files are, for every module that reads or writes one.

Modules run from the checkout (``make``), from a container (``/app``) and from a
copy in a test's temporary folder, so paths are resolved from this file rather
than from the working directory.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
CONTENT_DIR = PROJECT_ROOT / "content"
DEFAULT_MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
REPORTS_DIR = PROJECT_ROOT / "reports"
