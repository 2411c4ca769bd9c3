"""Installs the Debian packages of the cluster when they are missing."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

# Debian package -> a file it installs that the cluster runs.
PACKAGES = {
    "postgresql": "/usr/lib/postgresql/*/bin/initdb",
    "redis-server": "/usr/bin/redis-server",
    "nginx": "/usr/sbin/nginx",
}
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]


def missing_packages() -> list[str]:
    return [package for package, path in PACKAGES.items() if not glob.glob(path)]


def ensure_packages() -> None:
    """apt-get update, then install what is missing (CI machines start clean)."""
    missing = missing_packages()
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise RuntimeError(f"please install the Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*APT, "update", "-qq"], check=True, env=env)
    subprocess.run([*APT, "install", "-y", "-qq", *missing], check=True, env=env)


def postgres_bin(program: str) -> str:
    """A PostgreSQL server program (they are not on PATH in Debian)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {program} not found: install the postgresql package")
    return candidates[-1]
