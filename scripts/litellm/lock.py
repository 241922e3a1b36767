#!/usr/bin/env python3
"""Regenerates scripts/litellm/requirements.txt: every package of the pinned LiteLLM proxy, exact
versions, with the sha256 of every file PyPI holds for each version (so --require-hashes works on
any platform pip picks a wheel for).

Usage (a throw-away virtual environment with pip >= 26 for --uploaded-prior-to):
    python3 -m venv /tmp/lock-venv && /tmp/lock-venv/bin/pip install -U pip
    /tmp/lock-venv/bin/python scripts/litellm/lock.py

The resolution is done by pip itself (--dry-run --report) for CPython on this machine's platform,
considering only files uploaded before CUTOFF, so the result does not move when new releases appear.
"""
import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

LITELLM = "1.106.12"
CUTOFF = "2026-11-21T00:00:00Z"
HERE = Path(__file__).resolve().parent

HEADER = f"""\
# The LiteLLM proxy the test suite and `npm run gateway:litellm` run: every package pinned with hashes.
# Installed with `pip install --require-hashes --no-deps -r` into .cache/litellm-venv (git-ignored).
#
# Why litellm {LITELLM}: LiteLLM's PyPI releases 1.82.7 and 1.82.8 (March 2026) carried a credential
# stealer. {LITELLM} is the last patch release (2026-11-20) of the 1.106 line, which was published seven
# months after that incident and patched for a month; nothing was resolved from files uploaded on or
# after {CUTOFF[:10]} (pip --uploaded-prior-to), so no package here is younger than that release.
# Resolved by pip {{pip}} for CPython {{python}} on Linux; another Python may need packages this file
# lacks, and pip then refuses instead of guessing. Regenerate with scripts/litellm/lock.py; do not edit.
"""


def digests(name: str, version: str) -> list[str]:
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=120) as r:
        data = json.load(r)
    return sorted({f["digests"]["sha256"] for f in data["releases"][version]})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
             "--uploaded-prior-to", CUTOFF, "--report", str(report), f"litellm[proxy]=={LITELLM}"],
            check=True,
        )
        resolved = json.loads(report.read_text())
    pip_version = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True,
                                 text=True, check=True).stdout.split()[1]
    lines = [HEADER.format(pip=pip_version, python=".".join(map(str, sys.version_info[:3])))]
    for item in sorted(resolved["install"], key=lambda i: i["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        hashes = digests(name, version)
        own = item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")
        if own and own not in hashes:
            sys.exit(f"{name} {version}: the file pip chose is not among PyPI's digests")
        extra = "[proxy]" if name == "litellm" else ""
        lines.append(f"{name}{extra}=={version} \\\n" + " \\\n".join(f"    --hash=sha256:{h}" for h in hashes))
    (HERE / "requirements.txt").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(resolved['install'])} packages to {HERE / 'requirements.txt'}")


if __name__ == "__main__":
    main()
