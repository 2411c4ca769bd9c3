"""ops/packages.py: the one place that knows the Debian packages the tests and the cluster run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ops import packages

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_every_package_the_makefile_names_is_known() -> None:
    named = re.findall(r"\$\(DEBIAN_PACKAGES\) ([\w-]+)", MAKEFILE.read_text(encoding="utf-8"))
    assert named, "the Makefile installs its Debian packages through ops.packages"
    assert set(named) <= set(packages.PACKAGES)


def test_the_cluster_packages_are_among_those_make_test_installs() -> None:
    assert set(packages.CLUSTER_PACKAGES) < set(packages.PACKAGES)
    assert "chromium" not in packages.CLUSTER_PACKAGES  # `make cluster` needs no browser


def test_only_packages_whose_file_is_missing_are_installed(tmp_path: Path) -> None:
    present = tmp_path / "present"
    present.touch()
    wanted = {"here": str(present), "gone": str(tmp_path / "missing-*")}
    assert packages.missing_packages(wanted) == ["gone"]


def test_nothing_missing_runs_no_apt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "bin").touch()
    monkeypatch.setattr(packages.shutil, "which", lambda _: pytest.fail("apt-get was looked for"))
    packages.ensure_packages({"x": str(tmp_path / "bin")})


def test_without_apt_a_missing_package_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(packages, "PACKAGES", {"ghost": "/nonexistent/ghost"})
    monkeypatch.setattr(packages.shutil, "which", lambda _: None)
    assert packages.main(["ghost"]) == 1
    assert "please install the Debian packages: ghost" in capsys.readouterr().err


def test_an_unknown_package_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert packages.main(["chromium-browser"]) == 2
    assert "unknown Debian package" in capsys.readouterr().err
