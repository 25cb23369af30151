"""`docs` against `generate` on the same synthetic monorepo (bench/synthetic.py), in one command:

    .venv/bin/python bench/docs_bench.py [--count 500] [--runs 3] [--jobs N]

Each run is a fresh process on a fresh output folder: `generate DIR -o OUT --no-cache` and
`docs DIR -o SITE`, interleaved. It prints the medians, their ratio and whether issue 13's
target holds (`docs` at most 2x `generate`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

CLI = [sys.executable, "-m", "backfill_codegen"]
TARGET = 2.0


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    arguments = parser.parse_args()
    jobs = ["-j", str(arguments.jobs)] if arguments.jobs else []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        tree = work / "monorepo"
        synthetic.build(tree, arguments.count)
        times: dict[str, list[float]] = {"generate": [], "docs": []}
        for run in range(arguments.runs):
            for name in ("generate", "docs") if run % 2 == 0 else ("docs", "generate"):
                out = work / f"{name}-out"
                shutil.rmtree(out, ignore_errors=True)
                extra = ["--no-cache"] if name == "generate" else []
                times[name].append(
                    _timed([*CLI, name, str(tree), "-o", str(out), *extra, *jobs], work)
                )
    generate, docs = (statistics.median(times[n]) for n in ("generate", "docs"))
    ratio = docs / generate
    print(f"{arguments.count} connectors, median of {arguments.runs} runs")
    print("| command | median s |\n| --- | --- |")
    print(f"| generate --no-cache | {generate:.2f} |\n| docs | {docs:.2f} |")
    verdict = "holds" if ratio <= TARGET else "MISSED"
    print(f"docs / generate = {ratio:.2f} (target <= {TARGET}: {verdict})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
