"""`generate --watch` save-to-written latency against a cold `generate`, on the bundled example.

Cold: a fresh `backfill-codegen generate` process on an edited copy (the cache misses), median
of the runs. Watch: one `generate --watch` process; each run saves a new manifest text and times
until its status line (the files are written then), median. Printed side by side with the ratio
(the issue's target: watch <= 150 ms and >= 3x faster than cold).

    .venv/bin/python bench/watch_bench.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "compiler"))

from backfill_codegen.resources import example_dir  # noqa: E402

COMMAND = [sys.executable, "-m", "backfill_codegen", "generate"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}


def _copy(to: Path) -> Path:
    shutil.copytree(example_dir(), to)
    return to / "backfill.config.ts"


def _edit(manifest: Path, original: str, run: int) -> None:
    manifest.write_text(original.replace('"1.0.0"', f'"1.0.{run + 1}"'), encoding="utf-8")


def _cold(runs: int) -> list[float]:
    times = []
    for run in range(runs):
        manifest = _copy(Path(tempfile.mkdtemp()) / "stripe")
        _edit(manifest, manifest.read_text(encoding="utf-8"), run)
        start = time.perf_counter()
        subprocess.run(COMMAND, cwd=manifest.parent, env=ENV, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def _watch(runs: int) -> list[float]:
    manifest = _copy(Path(tempfile.mkdtemp()) / "stripe")
    original = manifest.read_text(encoding="utf-8")
    process = subprocess.Popen(
        [*COMMAND, "--watch"], cwd=manifest.parent, env=ENV, stdout=subprocess.PIPE, text=True
    )
    lines: queue.Queue[float] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("[watch]"):
                lines.put(time.perf_counter())

    threading.Thread(target=read, daemon=True).start()
    lines.get(timeout=120)  # the first run, cold
    times = []
    try:
        for run in range(runs):
            saved = time.perf_counter()
            _edit(manifest, original, run)
            times.append(lines.get(timeout=120) - saved)
    finally:
        process.terminate()
        process.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs = parser.add_argument("--runs", type=int, default=9) and parser.parse_args().runs
    cold = statistics.median(_cold(runs)) * 1000
    warm = statistics.median(_watch(runs)) * 1000
    print(f"generate, bundled example, median of {runs}:")
    print(f"  cold process   {cold:7.1f} ms")
    print(f"  --watch save   {warm:7.1f} ms   (target <= 150 ms)")
    print(f"  cold / watch   {cold / warm:7.1f} x   (target >= 3x)")


if __name__ == "__main__":
    main()
