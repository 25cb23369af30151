"""A time-boxed, coverage-guided fuzz campaign against the compiler.

Four targets: each front end (`ts`, `json`, `yaml`: `backfill_codegen.frontends.<x>.parse` on the
bytes of a manifest) and `pipeline` (`check` through the command line in-process, then, when the
manifest has no error, `lower` and every emitter in memory; the first byte picks the format).
Seeds are golden/*/backfill.config.* and the bundled example. A failure is any exception, a
broken front-end invariant, a hang (one input > 5 s) or a `check` exit status other than 0/1.

The engine is atheris (libFuzzer) when it is installed (`.venv/bin/pip install atheris`), else
a small built-in coverage-guided loop (bench/fuzz_engine.py). Each target runs in its own
process; afterwards the corpus is replayed under a line tracer to measure coverage.

    .venv/bin/python bench/fuzz.py --seconds 60              # all targets, about a minute
    .venv/bin/python bench/fuzz.py --seconds 3600 --work .fuzz --targets pipeline
    .venv/bin/python bench/fuzz.py --to-golden CRASH_FILE --target json --name short-name

Exit status 0 when nothing failed, 1 when a target found a failure (the inputs are listed; turn
each into a golden case with --to-golden), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "compiler"))

import fuzz_engine  # noqa: E402
import fuzz_targets  # noqa: E402

TARGETS = ("ts", "json", "yaml", "pipeline")
TIMEOUT = 5


def _import_compiler() -> None:
    """Import every compiler module, so instrumentation and tracing see them all."""
    import importlib

    import backfill_codegen

    for module in pkgutil.walk_packages(backfill_codegen.__path__, "backfill_codegen."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def _dictionary_file(path: Path) -> Path:
    """The dictionary in libFuzzer's format: one quoted token a line, \\xNN escapes."""
    lines = []
    for token in fuzz_targets.DICTIONARY:
        escaped = "".join(
            chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in token
        )
        lines.append(f'"{escaped}"')
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _write_seeds(target: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, data in enumerate(fuzz_targets.seeds(target)):
        (folder / f"seed-{index:03d}").write_bytes(data)
    return folder


# --- worker processes -----------------------------------------------------------------------


def _worker_atheris(target: str, seconds: float, work: Path) -> None:
    import atheris

    with atheris.instrument_imports(include=["backfill_codegen"]):
        _import_compiler()
    run = fuzz_targets.targets(work)[target].run
    corpus = work / f"corpus-{target}"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes = work / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    seeds = _write_seeds(target, work / f"seeds-{target}")
    argv = [
        sys.argv[0],
        f"-max_total_time={max(1, int(seconds))}",
        f"-timeout={TIMEOUT}",
        "-rss_limit_mb=3072",
        f"-max_len={fuzz_targets.MAX_LEN}",
        f"-artifact_prefix={crashes}/{target}-",
        f"-dict={_dictionary_file(work / f'{target}.dict')}",
        "-print_final_stats=1",
        "-seed=1",
        str(corpus),
        str(seeds),
    ]
    if target == "pipeline":
        import random

        def mutator(data: bytes, max_size: int, seed: int) -> bytes:
            rng = random.Random(seed)
            if rng.random() < 0.5:
                changed = fuzz_targets.structured_mutate(data, rng)
                if changed is not None and len(changed) <= max_size:
                    return changed
            return atheris.Mutate(data, max_size)

        atheris.Setup(argv, run, custom_mutator=mutator)
    else:
        atheris.Setup(argv, run)
    atheris.Fuzz()


def _worker_builtin(target: str, seconds: float, work: Path) -> None:
    _import_compiler()
    stats = fuzz_engine.campaign(
        target,
        fuzz_targets.targets(work)[target].run,
        fuzz_targets.seeds(target),
        fuzz_targets.DICTIONARY,
        seconds,
        work,
        max_len=fuzz_targets.MAX_LEN,
        timeout=TIMEOUT,
        structured=fuzz_targets.structured_mutate if target == "pipeline" else None,
    )
    (work / f"{target}.stats.json").write_text(json.dumps(stats.as_json()), encoding="utf-8")


def _replay(target: str, work: Path, budget: float) -> None:
    """Replay the seeds and the corpus under a line tracer; coverage of the target's modules."""
    tracer = fuzz_engine.ArcTracer(arcs=False)
    with tracer.active():
        _import_compiler()
    definition = fuzz_targets.targets(work)[target]
    inputs = fuzz_targets.seeds(target)
    corpus = work / f"corpus-{target}"
    if corpus.is_dir():
        inputs += [p.read_bytes() for p in sorted(corpus.iterdir(), key=lambda p: p.stat().st_size)]
    start = time.monotonic()
    replayed = 0
    for data in inputs:
        if time.monotonic() - start > budget:
            break
        try:
            with tracer.active():
                definition.run(data)
        except Exception:
            pass  # the campaign reports failures; here only coverage counts
        replayed += 1
    files = fuzz_engine.module_files(definition.modules)
    covered = total = 0
    for file in files:
        lines = fuzz_engine.executable_lines(file)
        hit = {line for name, _, line in tracer.seen if name == str(file)}
        covered += len(lines & hit)
        total += len(lines)
    result = {
        "covered": covered,
        "total": total,
        "files": len(files),
        "replayed": replayed,
        "inputs": len(inputs),
    }
    (work / f"{target}.coverage.json").write_text(json.dumps(result), encoding="utf-8")


# --- the campaign ---------------------------------------------------------------------------

_FINAL = re.compile(r"^stat::number_of_executed_units:\s*(\d+)", re.M)
_LINE = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)", re.M)


def _atheris_stats(target: str, log: str, work: Path) -> dict[str, object]:
    executions = _FINAL.findall(log)
    progress = _LINE.findall(log)
    last = progress[-1] if progress else ("0", "0", "0", "0")
    crashes = sorted(
        str(p)
        for p in (work / "crashes").glob(f"{target}-*")
        if p.suffix != ".txt" and p.stat().st_size >= 0
    )
    return {
        "target": target,
        "engine": "atheris",
        "executions": int(executions[-1]) if executions else int(last[0]),
        "edges": int(last[1]),
        "features": int(last[2]),
        "corpus": int(last[3]),
        "crashes": crashes,
    }


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BACKFILL_CODEGEN_DEBUG": "1", "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    handle = log.open("wb")
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        stdout=handle,
        stderr=subprocess.STDOUT,
        env=env,
    )


def _run_all(commands: list[tuple[str, list[str], Path]], jobs: int, limit: float) -> None:
    """Run the worker commands, `jobs` at a time; a worker past `limit` seconds is killed."""
    pending = list(commands)
    running: list[tuple[subprocess.Popen[bytes], float]] = []
    while pending or running:
        while pending and len(running) < jobs:
            _, args, log = pending.pop(0)
            running.append((_spawn(args, log), time.monotonic()))
        time.sleep(0.1)
        for process, started in list(running):
            if process.poll() is None and time.monotonic() - started > limit:
                process.kill()
            if process.poll() is not None:
                running.remove((process, started))


def campaign(
    seconds: float,
    targets: list[str],
    engine: str,
    jobs: int,
    work: Path,
    replay_seconds: float | None = None,
) -> int:
    if engine == "auto":
        engine = "atheris" if _have_atheris() else "builtin"
    work.mkdir(parents=True, exist_ok=True)
    share = max(1.0, seconds * min(jobs, len(targets)) / len(targets))
    print(f"engine {engine}; {len(targets)} target(s), {share:.0f} s each, {jobs} at a time")
    fuzzing = [
        (
            t,
            ["--worker", t, "--engine", engine, "--seconds", str(share), "--work", str(work)],
            work / f"{t}.log",
        )
        for t in targets
    ]
    _run_all(fuzzing, jobs, share + 120)
    budget = max(1.0, share / 2) if replay_seconds is None else replay_seconds
    replays = [
        (t, ["--replay", t, "--seconds", str(budget), "--work", str(work)], work / f"{t}.cov.log")
        for t in targets
    ]
    _run_all(replays, jobs, budget + 120)
    failed = False
    header = f"{'target':<9} {'engine':<8} {'executions':>10} {'exec/s':>7} {'corpus':>6} "
    print(header + f"{'features':>8}  line coverage")
    for target in targets:
        log = (work / f"{target}.log").read_text(encoding="utf-8", errors="replace")
        if engine == "atheris":
            stats = _atheris_stats(target, log, work)
        else:
            stats_file = work / f"{target}.stats.json"
            if not stats_file.exists():
                print(f"{target}: the worker died:\n{log[-3000:]}")
                failed = True
                continue
            stats = json.loads(stats_file.read_text(encoding="utf-8"))
            stats["crashes"] = sorted(str(p) for p in (work / "crashes").glob(f"{target}-*"))
            stats["crashes"] = [c for c in stats["crashes"] if not c.endswith(".txt")]
        coverage = _coverage(work, target)
        rate = int(stats["executions"]) / share
        print(
            f"{target:<9} {engine:<8} {stats['executions']:>10} {rate:>7.0f} "
            f"{stats['corpus']:>6} {stats['features']:>8}  {coverage}"
        )
        stats["coverage"] = coverage
        (work / f"{target}.summary.json").write_text(json.dumps(stats), encoding="utf-8")
        for crash in stats["crashes"]:
            failed = True
            print(f"  FAILURE {crash}")
            text = Path(crash).with_suffix(".txt")
            if text.exists():
                print("    " + text.read_text(encoding="utf-8").strip().replace("\n", "\n    "))
        if engine == "atheris" and "Uncaught Python exception" in log:
            failed = True
            print("    " + log[log.index("Uncaught Python exception") :][:3000])
    if failed:
        print(
            "Failures found: make each a golden case with\n"
            "  .venv/bin/python bench/fuzz.py --to-golden FILE --target TARGET --name NAME\n"
            "then fix the compiler and run the golden update."
        )
    return 1 if failed else 0


def _coverage(work: Path, target: str) -> str:
    path = work / f"{target}.coverage.json"
    if not path.exists():
        return "(replay failed)"
    data = json.loads(path.read_text(encoding="utf-8"))
    percent = 100 * data["covered"] / max(1, data["total"])
    files = fuzz_targets.MODULES[target]
    where = files[0] if len(files) == 1 else ", ".join(files)
    return f"{data['covered']}/{data['total']} lines ({percent:.1f}%) of {where}"


def to_golden(artifact: Path, target: str, name: str) -> Path:
    """golden/fuzz-<name>/backfill.config.<ext> holding the failing input."""
    data = artifact.read_bytes()
    if target == "pipeline":
        suffix, data = fuzz_targets.SUFFIXES[data[0] % 3], data[1:]
    else:
        suffix = {"ts": ".ts", "json": ".json", "yaml": ".yaml"}[target]
    case = fuzz_targets.GOLDEN / f"fuzz-{name}"
    case.mkdir(parents=True, exist_ok=False)
    (case / f"backfill.config{suffix}").write_bytes(data)
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="wall-clock budget")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated targets")
    parser.add_argument("--engine", choices=("auto", "atheris", "builtin"), default="auto")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, help="corpus, crashes and logs (default: a temp dir)")
    parser.add_argument(
        "--replay-seconds", type=float, help="time to replay each corpus for line coverage"
    )
    parser.add_argument("--worker", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--replay", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--to-golden", type=Path, metavar="FILE", help="make FILE a golden case")
    parser.add_argument("--target", choices=TARGETS, help="the target that found --to-golden")
    parser.add_argument("--name", help="the golden case's name: golden/fuzz-NAME")
    args = parser.parse_args()
    if args.to_golden:
        if not (args.target and args.name):
            parser.error("--to-golden needs --target and --name")
        print(to_golden(args.to_golden, args.target, args.name))
        return 0
    if args.worker:
        if args.engine == "atheris":
            _worker_atheris(args.worker, args.seconds, args.work)
        else:
            _worker_builtin(args.worker, args.seconds, args.work)
        return 0
    if args.replay:
        _replay(args.replay, args.work, args.seconds)
        return 0
    targets = [t for t in args.targets.split(",") if t]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    if args.engine == "atheris" and not _have_atheris():
        parser.error("atheris is not installed: .venv/bin/pip install atheris")
    jobs = max(1, args.jobs)
    if args.work is not None:
        return campaign(args.seconds, targets, args.engine, jobs, args.work, args.replay_seconds)
    work = Path(tempfile.mkdtemp(prefix="backfill-fuzz-"))
    try:
        status = campaign(args.seconds, targets, args.engine, jobs, work, args.replay_seconds)
    finally:
        if not any((work / "crashes").glob("*")):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work} (it holds the failing inputs)")
    return status


if __name__ == "__main__":
    sys.exit(main())
