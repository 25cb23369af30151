"""How `check` and `generate` scale from 1 to 500 connectors, against the tools a user would
otherwise run, in one command:

    .venv/bin/python bench/scale.py [--sizes 1,10,100,500] [--runs 5] [--runs-big 3] [--jobs N]
                                    [--sample 10] [--full] [--keep DIR] [--json FILE]

For each size it builds a seeded synthetic monorepo (bench/synthetic.py), asserts that every
connector passes `check` (exit 0, no error; warnings are counted and shown) and generates, and
that `generate --check` right after finds nothing stale; then it times fresh processes,
interleaved (the order rotates each repetition), and reports medians:

- `python -c pass`, the floor;
- `backfill-codegen check DIR` against `check-jsonschema` on the same manifests;
- a cold `generate DIR -o OUT` (OUT removed first; `--no-cache` when generate has it) against
  one `datamodel-codegen` run per connector on its settings schema alone (above --all-below
  connectors a sample of runs is timed and scaled to N; `--full` times them all);
- a warm `generate --check` with nothing changed since a `generate` into the same OUT;
- then, once per size, the peak memory of a cold `generate`: its own and each worker's
  (bench/peak_memory.py).

It prints the machine, a Markdown table, the performance targets and whether each holds
(bench/scale_report.py). Sizes of 200 and more run --runs-big repetitions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import peak_memory  # noqa: E402
import synthetic  # noqa: E402
from scale_report import (  # noqa: E402
    CHECK,
    CJS,
    DMCG,
    FLOOR,
    GENERATE,
    WARM,
    Size,
    Tools,
    as_json,
    machine,
    report,
)

MANIFEST_SCHEMA = ROOT / "schemas" / "manifest.schema.json"
#: Sizes from here up run --runs-big repetitions instead of --runs.
BIG = 200


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} not found beside {sys.executable}: pip install '.[test]' first")
    return found


def find_tools() -> Tools:
    ours = _tool("backfill-codegen")
    help_text = subprocess.run(
        [ours, "generate", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return Tools(
        ours, _tool("check-jsonschema"), _tool("datamodel-codegen"), "--no-cache" in help_text
    )


# --- building and validating a monorepo -------------------------------------------------------


def prepare(work: Path, count: int, seed: int) -> Size:
    folder = work / f"monorepo-{count:04d}"
    connectors = synthetic.build(folder, count, seed)
    side = work / f"inputs-{count:04d}"
    (side / "manifests").mkdir(parents=True)
    (side / "schemas").mkdir()
    cjs_inputs, schemas = [], []
    for item in connectors:
        manifest = folder / "connectors" / item.name / item.manifest_file
        if item.format == "ts":  # check-jsonschema cannot read TS: the same value as JSON
            manifest = side / "manifests" / f"{item.name}.json"
            manifest.write_text(json.dumps(item.manifest, indent=2), encoding="utf-8")
        cjs_inputs.append(manifest)
        schema = side / "schemas" / f"{item.name}.json"
        schema.write_text(
            json.dumps(item.manifest["connection"]["settingsSchema"], indent=2), encoding="utf-8"
        )
        schemas.append(schema)
    return Size(count, folder, connectors, cjs_inputs, schemas)


def _jobs(jobs: int | None) -> list[str]:
    return [] if jobs is None else ["-j", str(jobs)]


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)


def _require(
    done: subprocess.CompletedProcess[str], what: str, codes: tuple[int, ...] = (0,)
) -> None:
    if done.returncode not in codes:
        raise SystemExit(
            f"{what}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )


def validate(size: Size, tools: Tools, work: Path, jobs: int | None) -> None:
    """Every connector checks clean and generates; check-jsonschema accepts every manifest; a
    generate --check right after generate finds nothing stale. Also warms the file cache."""
    done = _run([tools.ours, "check", str(size.folder), "--format", "json", *_jobs(jobs)], work)
    _require(done, f"backfill-codegen check on {size.count} synthetic connectors (a builder bug)")
    found = json.loads(done.stdout)
    errors = [d for d in found if d["severity"] == "error"]
    if errors:
        raise SystemExit(f"synthetic connectors have errors (a builder bug): {errors[:5]}")
    size.warnings = len(found)
    done = _run(
        [tools.check_jsonschema, "--schemafile", str(MANIFEST_SCHEMA), *map(str, size.cjs_inputs)],
        work,
    )
    _require(done, "check-jsonschema on the synthetic manifests")
    warm = _out(work, size, "warm")
    done = _run([tools.ours, "generate", str(size.folder), "-o", str(warm), *_jobs(jobs)], work)
    _require(done, f"generate on {size.count} synthetic connectors")
    for item in size.connectors:
        target = warm if size.count == 1 else warm / item.name
        if not (target / "settings.ts").is_file():
            raise SystemExit(f"generate wrote no {target / 'settings.ts'}")
    command = [tools.ours, "generate", str(size.folder), "-o", str(warm), "--check", *_jobs(jobs)]
    done = _run(command, work)
    _require(done, "generate --check right after generate (stale output: not deterministic?)")


def tool_fingerprint() -> tuple[tuple[str, int, int], ...]:
    """The path, size and mtime of every file of the installed compiler package."""
    spec = importlib.util.find_spec("backfill_codegen")
    if spec is None or spec.origin is None:
        return ()
    package = Path(spec.origin).parent
    found = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            found.append((str(path.relative_to(package)), info.st_size, info.st_mtime_ns))
    return tuple(found)


def _out(work: Path, size: Size, kind: str) -> Path:
    return work / f"out-{size.count:04d}" / kind


# --- timing ------------------------------------------------------------------------------------


def _timed(command: Sequence[str], cwd: Path, what: str) -> float:
    start = time.perf_counter()
    done = _run(command, cwd)
    elapsed = time.perf_counter() - start
    _require(done, what)
    return elapsed


def _dmcg_command(tools: Tools, schema: Path, output: Path) -> list[str]:
    return [
        tools.datamodel_codegen,
        "--input",
        str(schema),
        "--input-file-type",
        "jsonschema",
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--output",
        str(output),
    ]


def _cold_generate(size: Size, tools: Tools, work: Path, jobs: int | None) -> list[str]:
    cold = _out(work, size, "cold")
    no_cache = ["--no-cache"] if tools.no_cache else []
    return [tools.ours, "generate", str(size.folder), "-o", str(cold), *no_cache, *_jobs(jobs)]


def measurements(
    size: Size, tools: Tools, work: Path, jobs: int | None, sample: int, full: bool, all_below: int
) -> dict[str, Callable[[int], float]]:
    """One timer per command; each takes the repetition number and returns seconds."""
    every = full or size.count <= all_below
    size.dmcg_timed = size.count if every else min(sample, size.count)
    scratch = work / "dmcg"
    scratch.mkdir(exist_ok=True)

    def floor(_: int) -> float:
        return _timed([sys.executable, "-c", "pass"], work, FLOOR)

    def check(_: int) -> float:
        command = [tools.ours, "check", str(size.folder), *_jobs(jobs)]
        return _timed(command, work, CHECK)

    def cjs(_: int) -> float:
        files = map(str, size.cjs_inputs)
        command = [tools.check_jsonschema, "--schemafile", str(MANIFEST_SCHEMA), *files]
        return _timed(command, work, CJS)

    def generate(_: int) -> float:
        shutil.rmtree(_out(work, size, "cold"), ignore_errors=True)
        return _timed(_cold_generate(size, tools, work, jobs), work, GENERATE)

    def dmcg(repetition: int) -> float:
        # A different spread of connectors each repetition: the mean covers more schemas.
        step = size.count / size.dmcg_timed
        picks = [(int(i * step) + repetition) % size.count for i in range(size.dmcg_timed)]
        total = 0.0
        for index in picks:
            output = scratch / f"{index}.py"
            output.unlink(missing_ok=True)
            command = _dmcg_command(tools, size.schemas[index], output)
            total += _timed(command, work, DMCG)
        return total * size.count / size.dmcg_timed

    def warm(_: int) -> float:
        warm_out = _out(work, size, "warm")
        command = [tools.ours, "generate", str(size.folder), "-o", str(warm_out), *_jobs(jobs)]
        # One generate first, untimed: the state a developer's tree is in after a build. The
        # cache rightly distrusts an edited tool, so when the tool's files change between that
        # generate and the --check (someone editing the checkout the venv runs), both run again.
        for _attempt in range(3):
            before = tool_fingerprint()
            _require(_run(command, work), "generate before the warm --check")
            seconds = _timed([*command, "--check"], work, WARM)
            if tool_fingerprint() == before:
                break
            size.warm_retries += 1
        return seconds

    return {FLOOR: floor, CHECK: check, CJS: cjs, GENERATE: generate, DMCG: dmcg, WARM: warm}


def measure(
    size: Size, timers: dict[str, Callable[[int], float]], log: Callable[[str], None]
) -> None:
    names = list(timers)
    for repetition in range(size.runs):
        log(f"  {size.count} connectors: repetition {repetition + 1}/{size.runs}")
        shift = repetition % len(names)  # rotate, so no command always runs first
        for name in names[shift:] + names[:shift]:
            size.times[name].append(timers[name](repetition))


def measure_memory(size: Size, tools: Tools, work: Path, jobs: int | None) -> None:
    if not peak_memory.supported():
        return
    shutil.rmtree(_out(work, size, "cold"), ignore_errors=True)
    peaks = peak_memory.run(_cold_generate(size, tools, work, jobs), work)
    if peaks.returncode != 0:
        raise SystemExit(
            f"generate (memory run) on {size.count} connectors: exit {peaks.returncode}"
        )
    size.memory = peaks


# --- the command -------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 1,10,100, got {text!r}") from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return values


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[1, 10, 100, 500], help="default: 1,10,100,500"
    )
    parser.add_argument("--runs", type=int, default=5, help=f"repetitions below {BIG} connectors")
    parser.add_argument(
        "--runs-big", type=int, default=3, help=f"repetitions at {BIG} connectors and more"
    )
    parser.add_argument("--jobs", type=int, help="passed to check and generate as -j")
    parser.add_argument(
        "--sample", type=int, default=10, help="datamodel-codegen runs timed per repetition"
    )
    parser.add_argument(
        "--all-below",
        type=int,
        default=20,
        help="up to this many connectors, time every datamodel-codegen run",
    )
    parser.add_argument("--full", action="store_true", help="time every datamodel-codegen run")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="build (and keep) the monorepos in DIR"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--seed", type=int, default=0, help="the synthetic monorepo's seed")
    return parser


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    if options.runs < 1 or options.runs_big < 1 or options.sample < 1:
        raise SystemExit("--runs, --runs-big and --sample must be at least 1")
    tools = find_tools()
    fingerprint = tool_fingerprint()
    info = machine()
    if options.keep is not None:
        if options.keep.exists() and any(options.keep.iterdir()):
            raise SystemExit(f"--keep {options.keep}: not empty")
        options.keep.mkdir(parents=True, exist_ok=True)
        holder = None
        work = options.keep.resolve()
    else:
        holder = tempfile.TemporaryDirectory(prefix="backfill-scale-")
        work = Path(holder.name)
    try:
        sizes = []
        for count in options.sizes:
            _log(f"building and checking {count} synthetic connectors")
            size = prepare(work, count, options.seed)
            size.runs = options.runs_big if count >= BIG else options.runs
            validate(size, tools, work, options.jobs)
            timers = measurements(
                size, tools, work, options.jobs, options.sample, options.full, options.all_below
            )
            warm_up = _dmcg_command(tools, size.schemas[0], work / "dmcg-warm-up.py")
            _require(_run(warm_up, work), "datamodel-codegen")  # its imports into the file cache
            measure(size, timers, _log)
            measure_memory(size, tools, work, options.jobs)
            sizes.append(size)
        tool_changed = tool_fingerprint() != fingerprint
        print(report(sizes, info, tools, options, tool_changed), flush=True)
        if options.json is not None:
            results = as_json(sizes, info, tools, options, tool_changed)
            options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finally:
        if holder is not None:
            holder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
