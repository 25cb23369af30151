"""`backfill-codegen check` vs `check-jsonschema` on the bundled example, side by side.

check-jsonschema is what a user would otherwise put in a pre-commit config: it validates the
manifest (as JSON) against schemas/manifest.schema.json and nothing more. Both run as fresh
processes, interleaved, so machine noise hits both alike; `python -c pass` is the floor.

    .venv/bin/python bench/check_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.pipeline import check_manifest  # noqa: E402
from compiler.resources import example_dir  # noqa: E402


def _time(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed: {completed.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    bin_dir = Path(sys.executable).parent
    ours = shutil.which("backfill-codegen", path=str(bin_dir))
    theirs = shutil.which("check-jsonschema", path=str(bin_dir))
    if not ours or not theirs:
        raise SystemExit("install the project with its test extras first: pip install '.[test]'")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        connector = work / "stripe"
        shutil.copytree(example_dir(), connector)
        value = check_manifest(connector / "backfill.config.ts").manifest
        (work / "manifest.json").write_text(json.dumps(value), encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "backfill-codegen check (TS)": [ours, "check", "stripe"],
            "check-jsonschema (JSON)": [
                theirs,
                "--schemafile",
                str(ROOT / "schemas" / "manifest.schema.json"),
                "manifest.json",
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm the file cache once
            _time(command, work)
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(_time(command, work))
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["check-jsonschema (JSON)"]
    print(f"{'command':<32} {'median ms':>10} {'vs check-jsonschema':>20}")
    for name, median in medians.items():
        print(f"{name:<32} {median * 1000:>10.1f} {median / baseline:>19.2f}x")


if __name__ == "__main__":
    main()
