"""`backfill-codegen check` vs `check-jsonschema` on the bundled example, side by side.

check-jsonschema is what a user would otherwise put in a pre-commit config: it validates the
manifest (as JSON) against schemas/manifest.schema.json and nothing more. Both run as fresh
processes, interleaved, so machine noise hits both alike; `python -c pass` is the floor. Then
`check` runs under `-X importtime`, and the imports that cost most (median over the runs) are
listed, so a regression in start-up shows where it comes from.

Every command runs as installed: with byte-code cached (PYTHONDONTWRITEBYTECODE is dropped for
the children, and one warm-up run writes the .pyc files), as pip leaves an installed package.

    .venv/bin/python bench/check_startup.py [--runs 21] [--import-runs 7] [--top 15]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "compiler"))

from backfill_codegen.pipeline import check_manifest  # noqa: E402
from backfill_codegen.resources import example_dir  # noqa: E402

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def _time(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, check=False, env=_environment()
    )
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed: {completed.stderr.decode()[-500:]}")
    return elapsed


def _imports(command: list[str], cwd: Path) -> dict[str, tuple[int, int, int]]:
    """module -> (self us, cumulative us, depth) from one `-X importtime` run."""
    env = _environment(PYTHONPROFILEIMPORTTIME="1")
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    found = {}
    for line in completed.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            own, total, indent, name = match.groups()
            found[name] = (int(own), int(total), len(indent) // 2)
    return found


def _import_table(runs: list[dict[str, tuple[int, int, int]]], top: int) -> list[str]:
    """The `top` imports by median cumulative time, and the total of the top-level ones."""
    names = {name for run in runs for name in run}
    rows = []
    for name in names:
        seen = [run[name] for run in runs if name in run]
        own = statistics.median(s[0] for s in seen) / 1000
        total = statistics.median(s[1] for s in seen) / 1000
        rows.append((total, own, min(s[2] for s in seen), name))
    rows.sort(key=lambda row: (-row[0], row[3]))
    overall = statistics.median(
        sum(total for _, total, depth in run.values() if depth == 0) for run in runs
    )
    lines = [
        f"all imports of `check` (sum of top-level cumulative times): {overall / 1000:.1f} ms",
        f"{'cumulative ms':>13} {'self ms':>8}  module (indented by import depth)",
    ]
    for total, own, depth, name in rows[:top]:
        lines.append(f"{total:>13.1f} {own:>8.1f}  {'  ' * depth}{name}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--import-runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=15, help="how many imports to list")
    options = parser.parse_args()
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
            "backfill-codegen check (JSON)": [ours, "check", "manifest.json"],
            "check-jsonschema (JSON)": [
                theirs,
                "--schemafile",
                str(ROOT / "schemas" / "manifest.schema.json"),
                "manifest.json",
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm the file cache, write the .pyc files
            _time(command, work)
        for _ in range(options.runs):
            for name, command in commands.items():
                times[name].append(_time(command, work))
        check = commands["backfill-codegen check (TS)"]
        imports = [_imports(check, work) for _ in range(max(1, options.import_runs))]
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["check-jsonschema (JSON)"]
    print(f"{'command':<32} {'median ms':>10} {'vs check-jsonschema':>20}")
    for name, median in medians.items():
        print(f"{name:<32} {median * 1000:>10.1f} {median / baseline:>19.2f}x")
    print()
    print("\n".join(_import_table(imports, options.top)))


if __name__ == "__main__":
    main()
