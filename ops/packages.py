"""Installs the Debian packages that the cluster and the tests run, when missing.

    python -m ops.packages                 # every package below (`make system-packages`)
    python -m ops.packages chromium        # only those named

CI machines start clean, so `make test` installs them itself: all in one apt-get
run, while the Python dependencies install and the model trains, since
downloading and unpacking them waits mostly on the network and the disk. The
module uses the standard library only, so it runs before .venv exists.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time

# Debian package -> a file it installs that the cluster runs.
CLUSTER_PACKAGES = {
    "postgresql": "/usr/lib/postgresql/*/bin/initdb",
    "redis-server": "/usr/bin/redis-server",
    "nginx": "/usr/sbin/nginx",
}
# ... and what the browser suites drive (Playwright cannot download its own browser).
PACKAGES = {**CLUSTER_PACKAGES, "chromium": "/usr/bin/chromium"}
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]


def missing_packages(packages: dict[str, str] = CLUSTER_PACKAGES) -> list[str]:
    return [package for package, path in packages.items() if not glob.glob(path)]


def ensure_packages(packages: dict[str, str] = CLUSTER_PACKAGES) -> None:
    """apt-get update, then install what is missing, in one run."""
    missing = missing_packages(packages)
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise RuntimeError(f"please install the Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    start = time.monotonic()
    subprocess.run([*APT, "update", "-qq"], check=True, env=env)
    subprocess.run([*APT, "install", "-y", "-qq", *missing], check=True, env=env)
    print(f"installed {' '.join(missing)} in {time.monotonic() - start:.0f} s")


def postgres_bin(program: str) -> str:
    """A PostgreSQL server program (they are not on PATH in Debian)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {program} not found: install the postgresql package")
    return candidates[-1]


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(PACKAGES))
    if unknown:
        print(f"unknown Debian package(s) {unknown}; known: {sorted(PACKAGES)}", file=sys.stderr)
        return 2
    try:
        ensure_packages({name: PACKAGES[name] for name in names or PACKAGES})
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
