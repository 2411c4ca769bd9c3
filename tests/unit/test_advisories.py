"""The offline advisory check (`make check-advisories`) fails on a vulnerable pin."""

from __future__ import annotations

from pathlib import Path

from ops.audit import OK, VULNERABLE, offline_findings

ADVISORIES = """
advisories:
  - {package: python-socketio, id: GHSA-5w7q-77mv-v69f, fixed: "5.16.2"}
  - {package: keras, id: CVE-2024-3660, fixed: "2.13.1", accepted: only our own models}
"""


def check(tmp_path: Path, lock: str) -> tuple[int, list[str]]:
    (tmp_path / "requirements.lock").write_text(lock)
    (tmp_path / "advisories.yml").write_text(ADVISORIES)
    return offline_findings(tmp_path / "requirements.lock", tmp_path / "advisories.yml")


def test_a_pin_below_the_fixed_version_fails(tmp_path: Path) -> None:
    status, lines = check(tmp_path, "python-socketio==5.9.0 \\\n    --hash=sha256:00\n")
    assert status == VULNERABLE
    assert lines == ["python-socketio 5.9.0: GHSA-5w7q-77mv-v69f (fixed in 5.16.2)"]


def test_a_fixed_or_accepted_pin_passes(tmp_path: Path) -> None:
    status, lines = check(tmp_path, "python-socketio==5.16.2\nkeras==2.12.0\n")
    assert status == OK
    assert lines == ["accepted: keras 2.12.0: CVE-2024-3660 (fixed in 2.13.1)"]


def test_the_shipped_lock_has_no_unaccepted_advisory() -> None:
    status, lines = offline_findings()
    assert status == OK, lines


def test_the_installer_lock_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "requirements.lock").write_text("keras==2.13.1\n")
    (tmp_path / "requirements-uv.lock").write_text("python-socketio==5.9.0\n")
    (tmp_path / "advisories.yml").write_text(ADVISORIES)
    status, lines = offline_findings(
        tmp_path / "requirements.lock",
        tmp_path / "advisories.yml",
        tmp_path / "requirements-uv.lock",
    )
    assert status == VULNERABLE
    assert lines == ["python-socketio 5.9.0: GHSA-5w7q-77mv-v69f (fixed in 5.16.2)"]
