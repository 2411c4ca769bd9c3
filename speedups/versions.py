"""The library versions the speed-ups were written and tested for (the one place they are kept).

The patches replace Rasa's methods and reach into private parts of Rasa, TensorFlow,
Keras and aiohttp, which any release may change without notice. On other versions
speedups.rasa_main installs none of them; test_speedups.py checks these are the versions
pinned in requirements.lock. docs/deployment.md ("Speed-ups") says what to do on upgrade.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

# Distribution name -> the version the differential tests (test_speedups.py) passed on.
# Only libraries whose internals a patch relies on; the others' public APIs suffice.
TESTED_VERSIONS: dict[str, str] = {
    # Every patch replaces a Rasa method, and reads private attributes of Rasa's objects.
    "rasa": "3.6.21",
    # ConcreteFunction._call_flat: DIET's traced graph called with flat tensors.
    "tensorflow": "2.12.0",
    # keras.utils.tf_utils, an internal module (what Rasa's own _rasa_predict calls).
    "keras": "2.12.0",
    # TCPConnector._keepalive_timeout: how long a kept-alive connection may stay idle.
    "aiohttp": "3.9.5",
}


@dataclass(frozen=True)
class UntestedVersion:
    """An installed library that is not at the version the speed-ups were tested on."""

    package: str
    expected: str
    found: str | None  # None: not installed at all

    def __str__(self) -> str:
        found = self.found or "not installed"
        return f"{self.package} {found} is installed, the speed-ups were tested on {self.expected}"


def installed_version(package: str) -> str | None:
    """The installed version of a distribution, None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def untested_version() -> UntestedVersion | None:
    """The first library whose installed version is not the tested one, if any."""
    for package, expected in TESTED_VERSIONS.items():
        found = installed_version(package)
        if found != expected:
            return UntestedVersion(package, expected, found)
    return None
