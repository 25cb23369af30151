"""`backfill-codegen generate` vs `datamodel-codegen`, side by side in one run.

1. One connector: `generate --example` (check, eight outputs, ruff), a fresh process each time,
   against one `datamodel-codegen` run on the example's settings schema alone; medians of
   `--runs` interleaved runs.
2. A batch of N connectors (`--connectors`, default 200; `--connectors 500` for the issue's
   target) in ONE `generate` run, with each `-j` of `--jobs` (default 1,2), against N
   `datamodel-codegen` runs. Running datamodel-codegen N times takes minutes, so a sample of
   `--sample` runs is timed and the total scaled (the table says so); `--full` runs all N.
   The connectors are copies of the example, each under its own name, host and settings title;
   bench/scale.py builds more varied ones.
3. Per-connector cost at 1 and at N, and peak memory of the batch run: the generate process
   itself, each worker process (its own high-water mark, read in the worker after each chunk of
   work), and the largest of any child process (`getrusage(RUSAGE_CHILDREN).ru_maxrss`, which
   covers ruff too).

    .venv/bin/python bench/generate_vs_datamodel_codegen.py [--connectors 200] [--jobs 1,2]
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "compiler"))

from backfill_codegen.pipeline import check_manifest  # noqa: E402
from backfill_codegen.resources import example_dir  # noqa: E402

#: Runs `backfill-codegen ARGS` in this process, then prints its peak memory as JSON on the
#: last line of stderr. Each worker appends "pid peak_kib" to PEAKS after each chunk of work.
_MEASURED_GENERATE = r"""
import functools, json, os, resource, sys
from backfill_codegen import parallel
from backfill_codegen.cli import main

peaks_file = sys.argv[1]
run_chunk = parallel._run_chunk

@functools.wraps(run_chunk)  # same name: pickled by reference, found patched in the worker
def _run_chunk(function, items):
    try:
        return run_chunk(function, items)
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(peaks_file, "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {peak}\n")

parallel._run_chunk = _run_chunk
status = main(sys.argv[2:])
self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"self": self_kib, "children": children_kib}), file=sys.stderr)
sys.exit(status)
"""


@dataclass
class Batch:
    seconds: float
    parent_kib: int
    largest_child_kib: int
    worker_kib: dict[int, int]  # pid -> peak


def _run(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{done.stderr.decode()[-2000:]}")
    return elapsed, done.stderr.decode()


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} not found: pip install '.[test]' first")
    return found


def _connectors(root: Path, count: int) -> list[Path]:
    """`count` copies of the example connector, each with its own name, host and settings title
    (so no two share a settings model or permission tables, as in a real monorepo)."""
    manifest = (example_dir() / "backfill.config.ts").read_text(encoding="utf-8")
    route = example_dir() / "src" / "api" / "setup" / "test_connection.ts"
    call = route.read_text(encoding="utf-8")
    folders = []
    for index in range(count):
        name, host = f"stripe-{index:04d}", f"api{index}.stripe.com"
        folder = root / "connectors" / name
        shutil.copytree(example_dir(), folder)
        text = manifest.replace('const NAME = "stripe";', f'const NAME = "{name}";')
        text = text.replace('title: "Stripe settings"', f'title: "Stripe settings {index}"')
        text = text.replace("api.stripe.com", host)
        (folder / "backfill.config.ts").write_text(text, encoding="utf-8")
        (folder / route.relative_to(example_dir())).write_text(
            call.replace("api.stripe.com", host), encoding="utf-8"
        )
        folders.append(folder)
    return folders


def _dmcg(datamodel_codegen: str, schema: Path, output: Path) -> list[str]:
    return [
        datamodel_codegen,
        "--input",
        str(schema),
        "--input-file-type",
        "jsonschema",
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--output",
        str(output),
    ]


def _batch(work: Path, jobs: int, label: str) -> Batch:
    peaks = work / f"peaks-{label}.txt"
    output = work / f"batch-{label}"
    command = [sys.executable, "-c", _MEASURED_GENERATE, str(peaks), "generate", "connectors"]
    seconds, stderr = _run([*command, "-o", str(output), "-j", str(jobs)], work)
    memory = json.loads(stderr.strip().splitlines()[-1])
    workers: dict[int, int] = {}
    if peaks.exists():
        for line in peaks.read_text(encoding="utf-8").splitlines():
            pid, kib = (int(part) for part in line.split())
            workers[pid] = max(kib, workers.get(pid, 0))
    return Batch(seconds, memory["self"], memory["children"], workers)


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="one-connector runs (median)")
    parser.add_argument("--connectors", type=int, default=200, help="connectors in the batch")
    parser.add_argument("--jobs", default="1,2", help="-j values for the batch, comma-separated")
    parser.add_argument("--batch-runs", type=int, default=1, help="batch runs per -j (median)")
    parser.add_argument("--sample", type=int, default=10, help="datamodel-codegen runs timed")
    parser.add_argument("--full", action="store_true", help="run datamodel-codegen N times")
    options = parser.parse_args()
    ours, theirs = _tool("backfill-codegen"), _tool("datamodel-codegen")
    job_counts = [int(part) for part in options.jobs.split(",") if part]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        value = check_manifest(example_dir() / "backfill.config.ts").manifest
        schema = work / "settings.schema.json"
        schema.write_text(json.dumps(value["connection"]["settingsSchema"]), encoding="utf-8")
        one_ours, one_theirs = [], []
        for run in range(options.runs):  # interleaved, so load from elsewhere hits both alike
            one_ours.append(_run([ours, "generate", "--example", "-o", f"out{run}"], work)[0])
            one_theirs.append(_run(_dmcg(theirs, schema, work / f"m{run}.py"), work)[0])
        ours_1, theirs_1 = statistics.median(one_ours), statistics.median(one_theirs)

        count = options.connectors
        _connectors(work, count)
        batches: dict[int, list[Batch]] = {jobs: [] for jobs in job_counts}
        for run in range(options.batch_runs):
            for jobs in job_counts:
                batches[jobs].append(_batch(work, jobs, f"j{jobs}-{run}"))
        runs = count if options.full else min(options.sample, count)
        sample = [_run(_dmcg(theirs, schema, work / f"s{i}.py"), work)[0] for i in range(runs)]
        theirs_n = sum(sample) * count / runs

    print(f"{'what':<62} {'seconds':>9} {'ratio':>8}")
    label = "generate --example (one connector, fresh process)"
    print(f"{label:<62} {ours_1:>9.3f} {ours_1 / theirs_1:>7.2f}x")
    label = "datamodel-codegen, the example's settings schema alone"
    print(f"{label:<62} {theirs_1:>9.3f} {1:>7.2f}x")
    scaled = "" if runs == count else f" ({runs} timed, scaled to {count})"
    for jobs, measured in batches.items():
        seconds = statistics.median(batch.seconds for batch in measured)
        label = f"generate, {count} connectors in one run, -j {jobs}"
        print(f"{label:<62} {seconds:>9.3f} {seconds / theirs_n:>7.3f}x")
    label = f"datamodel-codegen, {count} runs{scaled}"
    print(f"{label:<62} {theirs_n:>9.3f} {1:>7.3f}x")
    print(f"(medians of {options.runs} one-connector runs, {options.batch_runs} batch run(s))")
    print()
    print(f"per connector: {ours_1 * 1000:.1f} ms alone", end="")
    for jobs, measured in batches.items():
        per = statistics.median(batch.seconds for batch in measured) / count
        share = per / ours_1
        print(f"; {per * 1000:.1f} ms at {count} with -j {jobs} ({share:.3f} of alone)", end="")
    print()
    print()
    print(f"peak memory (resident) of the {count}-connector run, largest over its runs:")
    for jobs, measured in batches.items():
        parent = max(batch.parent_kib for batch in measured)
        child = max(batch.largest_child_kib for batch in measured)
        workers = sorted(kib for batch in measured for kib in batch.worker_kib.values())
        each = ", ".join(_mib(kib) for kib in workers) if workers else "none (no workers)"
        print(
            f"  -j {jobs}: generate process {_mib(parent)}; workers (check and render) {each}; "
            f"largest child {_mib(child)}"
        )
    print(
        "  (a forked worker counts the pages it shares with the generate process; the largest\n"
        "  child, from RUSAGE_CHILDREN, covers ruff too, and Linux counts a fork-then-exec\n"
        "  child from the generate process's size at the fork)"
    )


if __name__ == "__main__":
    main()
