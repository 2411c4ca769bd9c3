"""`make audit`: known-vulnerability check of the locked Python and npm dependencies.

pip-audit runs from its own venv (var/audit-venv; rasa pins packaging<21, so it
cannot live in .venv) over requirements.lock without resolving anything
(--disable-pip: the lock is fully pinned and hashed). npm audit checks
web/package-lock.json. Advisories that do not apply are listed in IGNORED with
the reason (docs/security.md explains the procedure).

Both checks need their advisory service. When a service cannot be reached,
the audit says so and fails: "no advisories" and "could not look" must never
look the same.

`--offline` (`make check-advisories`, part of `make test`) needs no network: it
compares requirements.lock with the advisories listed in ops/advisories.yml and
fails when a pinned version is below a fixed one and the advisory is not accepted
there with a reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from packaging.version import Version

from project import PROJECT_ROOT

PIP_AUDIT = PROJECT_ROOT / "var" / "audit-venv" / "bin" / "pip-audit"
WEB = PROJECT_ROOT / "web"
LOCK = PROJECT_ROOT / "requirements.lock"
INSTALLER_LOCK = PROJECT_ROOT / "requirements-uv.lock"  # uv, which installs LOCK
ADVISORIES = PROJECT_ROOT / "ops" / "advisories.yml"

# Advisory id -> why it does not apply to this deployment. Keep each reason specific.
IGNORED: dict[str, str] = {}

PIP_AUDIT_ARGS = [
    "--disable-pip",
    "-r",
    LOCK.name,
    "-r",
    INSTALLER_LOCK.name,
    "-f",
    "json",
    "--progress-spinner",
    "off",
]
OK, VULNERABLE, UNREACHABLE = 0, 1, 2


def python_findings() -> tuple[int, list[str]]:
    """Run pip-audit over the lock; return (status, report lines)."""
    result = subprocess.run(
        [str(PIP_AUDIT), *PIP_AUDIT_ARGS],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError):
        return UNREACHABLE, [f"pip-audit failed: {result.stderr.strip()[-500:]}"]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    if not audited:
        return UNREACHABLE, [
            f"pip-audit could not audit any of the {len(dependencies)} locked packages: the "
            "advisory service did not answer (PyPI's per-release JSON API "
            "https://pypi.org/pypi/<name>/<version>/json answers 404 from this network, "
            "and api.osv.dev is not reachable)."
        ]
    findings = [
        f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in "
        f"{', '.join(vuln.get('fix_versions') or ['-'])})"
        for dependency in audited
        for vuln in dependency.get("vulns", [])
        if vuln["id"] not in IGNORED and not set(vuln.get("aliases", [])) & IGNORED.keys()
    ]
    skipped = len(dependencies) - len(audited)
    notes = [f"warning: {skipped} packages could not be audited"] if skipped else []
    return (VULNERABLE if findings else OK), findings + notes


def npm_findings() -> tuple[int, list[str]]:
    """Run npm audit over web/package-lock.json; return (status, report lines)."""
    if not (WEB / "package-lock.json").exists():
        return OK, ["web/package-lock.json not present: nothing to audit"]
    result = subprocess.run(
        ["npm", "audit", "--package-lock-only", "--json"], cwd=WEB, capture_output=True, text=True
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return UNREACHABLE, [f"npm audit failed: {result.stderr.strip()[-500:]}"]
    if "error" in report or "message" in report:
        message = report.get("message") or report["error"].get("summary", "")
        return UNREACHABLE, [f"npm audit could not reach the advisory service: {message}"]
    lines = [
        f"{name}: {advisory.get('url', advisory.get('title'))} ({advisory.get('severity')})"
        for name, vulnerability in report.get("vulnerabilities", {}).items()
        for advisory in vulnerability.get("via", [])
        if isinstance(advisory, dict) and advisory.get("url", "").rsplit("/", 1)[-1] not in IGNORED
    ]
    return (VULNERABLE if lines else OK), lines


def locked_versions(lock: Path) -> dict[str, Version]:
    """name -> pinned version of every package in a pip-compile lock file."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", lock.read_text(), re.MULTILINE)
    return {name.lower().replace("_", "-"): Version(version) for name, version in pins}


def offline_findings(
    lock: Path = LOCK, advisories: Path = ADVISORIES, installer_lock: Path = INSTALLER_LOCK
) -> tuple[int, list[str]]:
    """The listed advisories that apply to the locks' pins: unaccepted ones fail."""
    pins = {**locked_versions(installer_lock), **locked_versions(lock)}
    findings, notes = [], []
    for advisory in yaml.safe_load(advisories.read_text())["advisories"]:
        pinned = pins.get(advisory["package"].lower())
        if pinned is None or pinned >= Version(str(advisory["fixed"])):
            continue
        line = f"{advisory['package']} {pinned}: {advisory['id']} (fixed in {advisory['fixed']})"
        if advisory.get("accepted"):
            notes.append(f"accepted: {line}")
        else:
            findings.append(line)
    return (VULNERABLE if findings else OK), findings + notes


def main() -> int:
    if sys.argv[1:] == ["--offline"]:
        status, lines = offline_findings()
        print(f"Known advisories (ops/advisories.yml): {'ok' if status == OK else 'VULNERABLE'}")
        for line in lines:
            print(f"  {line}")
        return status
    worst = OK
    for label, check in (
        ("Python (requirements.lock, requirements-uv.lock)", python_findings),
        ("npm (web/)", npm_findings),
    ):
        status, lines = check()
        verdict = {OK: "ok", VULNERABLE: "VULNERABLE", UNREACHABLE: "NOT AUDITED"}[status]
        print(f"{label}: {verdict}")
        for line in lines:
            print(f"  {line}")
        worst = max(worst, status)
    if worst == UNREACHABLE:
        print("Audit incomplete: run `make audit` where the advisory services are reachable.")
    return worst


if __name__ == "__main__":
    sys.exit(main())
