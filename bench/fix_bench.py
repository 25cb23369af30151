"""`check --fix` against `check` on the synthetic monorepo (500 connectors by default).

Every tenth connector gets a fixable slip (a lower-case route method, or an `http://` entry);
`check` runs on one copy, `check --fix` on another (it fixes, then checks again only the
manifests it rewrote). Fresh processes, interleaved, median of the runs; printed side by side
with the ratio (the issue's target: --fix <= 1.5x check).

    .venv/bin/python bench/fix_bench.py [--connectors 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import build  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
COMMAND = [sys.executable, "-m", "backfill_codegen", "check", "."]


def _break(root: Path) -> int:
    """A fixable slip in every tenth manifest; how many were broken."""
    broken = 0
    manifests = sorted((root / "connectors").glob("*/backfill.config.*"))
    for index, manifest in enumerate(manifests):
        if index % 10:
            continue
        text = manifest.read_text(encoding="utf-8")
        slipped = text.replace('"POST"', '"post"', 1).replace("https://", "http://", 1)
        if slipped != text:
            manifest.write_text(slipped, encoding="utf-8")
            broken += 1
    return broken


def _time(args: list[str], root: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([*COMMAND, *args], cwd=root, env=ENV, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr[-800:])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connectors", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    base = Path(tempfile.mkdtemp())
    build(base / "clean", options.connectors)
    broken = _break(base / "clean")
    checks, fixes = [], []
    for run in range(options.runs):
        copy = base / f"run{run}"
        shutil.copytree(base / "clean", copy)
        checks.append(_time([], copy))
        fixes.append(_time(["--fix"], copy))
        shutil.rmtree(copy)
    check, fix = statistics.median(checks), statistics.median(fixes)
    print(
        f"{options.connectors} connectors, {broken} with a fixable slip, median of {options.runs}:"
    )
    print(f"  check        {check * 1000:8.0f} ms")
    print(f"  check --fix  {fix * 1000:8.0f} ms")
    print(f"  fix / check  {fix / check:8.2f} x   (target <= 1.5x)")


if __name__ == "__main__":
    main()
