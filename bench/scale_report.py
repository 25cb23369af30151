"""What bench/scale.py measured, and how it is shown: the machine, the Markdown table, the
performance targets with whether each holds, and the JSON for machines."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peak_memory
import synthetic

MIB = 1024

FLOOR, CHECK, CJS, GENERATE, DMCG, WARM = (
    "python -c pass",
    "check",
    "check-jsonschema",
    "generate",
    "datamodel-codegen xN",
    "warm generate --check",
)
COMMANDS = (FLOOR, CHECK, CJS, GENERATE, DMCG, WARM)


@dataclass(frozen=True)
class Tools:
    ours: str
    check_jsonschema: str
    datamodel_codegen: str
    no_cache: bool  # generate has --no-cache (a content-hash cache to bypass for cold runs)


@dataclass
class Size:
    """One monorepo and what was measured on it."""

    count: int
    folder: Path  # the monorepo: <folder>/connectors/<name>/
    connectors: list[synthetic.Connector]
    cjs_inputs: list[Path]  # what check-jsonschema reads: the JSON/YAML manifests, TS as JSON
    schemas: list[Path]  # each connector's settings schema alone, for datamodel-codegen
    runs: int = 0
    dmcg_timed: int = 0  # datamodel-codegen runs timed per repetition (the rest scaled)
    warnings: int = 0
    warm_retries: int = 0  # warm runs measured again: the tool's files changed meanwhile
    times: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in COMMANDS})
    memory: peak_memory.Peaks | None = None

    def median(self, command: str) -> float:
        return statistics.median(self.times[command])

    @property
    def scaled(self) -> bool:
        return self.dmcg_timed < self.count


# --- the machine -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    system = f"{platform.system()} {platform.release()}"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system += f" ({line.split('=', 1)[1].strip(chr(34))})"
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model,
        "cpus": os.cpu_count(),
        "usable_cpus": usable,
        "python": platform.python_version(),
        "os": system,
    }


def machine_line(info: dict[str, Any]) -> str:
    return (
        f"{info['date']} · {info['cpu']} · {info['cpus']} CPUs ({info['usable_cpus']} usable) · "
        f"Python {info['python']} · {info['os']}"
    )


# --- the report --------------------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / MIB:.0f}"


def _memory_cells(peaks: peak_memory.Peaks | None) -> tuple[str, str, str]:
    if peaks is None:
        return ("n/a", "n/a", "n/a")
    parent = max((p.peak_kib for p in peaks.of("parent")), default=0)
    workers = sorted((p.peak_kib for p in peaks.of("worker")), reverse=True)
    shown = " / ".join(_mib(w) for w in workers) if workers else "none"
    return (_mib(parent), shown, _mib(peaks.total_kib))


#: The table's columns, and what each means (printed under the table).
TABLE_COLUMNS = (
    ("N", "connectors in the monorepo"),
    ("floor s", "`python -c pass`"),
    ("check s", "`backfill-codegen check DIR`"),
    ("cjs s", "`check-jsonschema --schemafile schemas/manifest.schema.json` on the N manifests"),
    ("check/cjs", "check s / cjs s"),
    ("check ms/conn", "check s / N"),
    ("generate s", "cold `backfill-codegen generate DIR -o OUT`"),
    ("dmcg xN s", "N `datamodel-codegen` runs, one per connector's settings schema"),
    ("gen/dmcg", "generate s / dmcg xN s"),
    ("gen ms/conn", "generate s / N"),
    ("warm --check s", "`generate DIR -o OUT --check` with nothing changed"),
    ("MiB parent", "peak RSS of the generate process"),
    ("MiB workers", "peak RSS of each worker process"),
    ("MiB sum", "sum of the peaks of every process of the run (ruff included)"),
)


def table(sizes: Sequence[Size]) -> str:
    rows = [tuple(name for name, _ in TABLE_COLUMNS)]
    for size in sizes:
        check, cjs = size.median(CHECK), size.median(CJS)
        generate, dmcg = size.median(GENERATE), size.median(DMCG)
        rows.append(
            (
                str(size.count),
                f"{size.median(FLOOR):.3f}",
                f"{check:.3f}",
                f"{cjs:.3f}",
                f"{check / cjs:.2f}x",
                f"{check / size.count * 1000:.1f}",
                f"{generate:.3f}",
                f"{dmcg:.2f}" + ("*" if size.scaled else ""),
                f"{generate / dmcg:.3f}x",
                f"{generate / size.count * 1000:.1f}",
                f"{size.median(WARM):.3f}",
                *_memory_cells(size.memory),
            )
        )
    widths = [max(3, *(len(row[i]) for row in rows)) for i in range(len(TABLE_COLUMNS))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            rule = ["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]
            lines.append("| " + " | ".join(rule) + " |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    holds: bool | None  # None: not measured (a size it needs was not run)


def targets(sizes: Sequence[Size]) -> list[Target]:
    by_count = {size.count: size for size in sizes}
    one, big = by_count.get(1), by_count.get(500)
    found = []

    def ratio(name: str, size: Size | None, value: Callable[[Size], float], limit: float) -> None:
        if size is None:
            found.append(Target(name, "not measured", None))
            return
        measured = value(size)
        found.append(Target(name, f"{measured:.3f}x", measured <= limit))

    ratio(
        "check 1 connector ≤ 0.5x check-jsonschema",
        one,
        lambda s: s.median(CHECK) / s.median(CJS),
        0.5,
    )
    ratio(
        "generate 1 ≤ 1.0x datamodel-codegen",
        one,
        lambda s: s.median(GENERATE) / s.median(DMCG),
        1.0,
    )
    ratio(
        "generate 500 ≤ 0.03x 500 datamodel-codegen runs",
        big,
        lambda s: s.median(GENERATE) / s.median(DMCG),
        0.03,
    )
    name = "per-connector cost at 500 ≤ 1/5 of cost at 1"
    if one is None or big is None:
        found.append(Target(name, "not measured", None))
    else:
        per_big = big.median(GENERATE) / big.count
        per_one = one.median(GENERATE)
        found.append(
            Target(
                name,
                f"{per_big * 1000:.1f} ms vs {per_one * 1000:.1f} ms = {per_big / per_one:.3f}",
                per_big / per_one <= 0.2,
            )
        )
    name = "warm generate --check 500 ≤ 2 s"
    if big is None:
        found.append(Target(name, "not measured", None))
    else:
        found.append(Target(name, f"{big.median(WARM):.3f} s", big.median(WARM) <= 2.0))
    name = "peak memory ≤ 1 GiB"
    largest = max(sizes, key=lambda s: s.count, default=None)
    if largest is None or largest.memory is None:
        found.append(Target(name, "not measured", None))
    else:
        total = largest.memory.total_kib
        found.append(
            Target(
                name,
                f"{total / MIB:.0f} MiB at {largest.count} (sum of per-process peaks)",
                total <= 1024 * MIB,
            )
        )
    return found


def _verdict(target: Target) -> str:
    return "not measured" if target.holds is None else "holds" if target.holds else "missed"


def report(
    sizes: Sequence[Size],
    info: dict[str, Any],
    tools: Tools,
    options: argparse.Namespace,
    tool_changed: bool = False,
) -> str:
    runs = ", ".join(f"{s.runs} at {s.count}" for s in sizes)
    jobs = f"-j {options.jobs}" if options.jobs else f"-j default ({info['usable_cpus']} workers)"
    scaled = [s for s in sizes if s.scaled]
    lines = [
        f"backfill-codegen scale benchmark · {machine_line(info)}",
        "",
        f"Medians of fresh processes, interleaved (runs: {runs}); {jobs}; cold generate: "
        + ("OUT removed first, --no-cache." if tools.no_cache else "OUT removed first."),
        "check-jsonschema reads the JSON and YAML manifests as written, and a JSON rendering of "
        "each TS manifest (it cannot read TS); all N files in one process.",
        "datamodel-codegen xN: one process per connector on its settings schema alone"
        + (
            "; * = "
            + ", ".join(f"{s.dmcg_timed} timed per run at {s.count}" for s in scaled)
            + ", scaled to N (--full runs them all)."
            if scaled
            else ", every run timed."
        ),
        "Peak memory: VmHWM of each process of one cold generate (polled from /proc); workers are "
        "forked and count the parent's shared pages again, so the sum is an upper bound.",
        "",
        table(sizes),
        "",
        *(f"  {name}: {meaning}" for name, meaning in TABLE_COLUMNS),
        "",
    ]
    for size in sizes:
        notes = []
        if size.memory is not None:
            children: dict[str, int] = {}
            for item in size.memory.of("child"):
                children[item.name] = max(children.get(item.name, 0), item.peak_kib)
            shown = ", ".join(f"{name} {_mib(kib)} MiB" for name, kib in sorted(children.items()))
            notes.append(f"largest single process (wait4) {_mib(size.memory.largest_kib)} MiB")
            notes.append(f"other children: {shown or 'none'}")
        if size.warnings:
            notes.append(f"check warnings: {size.warnings}")
        if size.warm_retries:
            notes.append(f"warm --check measured {size.warm_retries} more time(s): tool edited")
        if notes:
            lines.append(f"{size.count} connectors: " + "; ".join(notes))
    if tool_changed:
        lines += [
            "",
            "NOTE: the compiler's files changed while this ran (an edited checkout): the figures "
            "mix versions of the tool. Run it again on a quiet tree.",
        ]
    lines += ["", "Targets:", ""]
    found = targets(sizes)
    width = max(len(t.name) for t in found)
    for target in found:
        lines.append(f"  {target.name.ljust(width)}  {target.measured:<42} {_verdict(target)}")
    return "\n".join(lines)


def as_json(
    sizes: Sequence[Size],
    info: dict[str, Any],
    tools: Tools,
    options: argparse.Namespace,
    tool_changed: bool = False,
) -> dict[str, Any]:
    def memory(peaks: peak_memory.Peaks | None) -> dict[str, Any] | None:
        if peaks is None:
            return None
        return {
            "largest_kib": peaks.largest_kib,
            "sum_kib": peaks.total_kib,
            "processes": [
                {"name": p.name, "role": p.role, "peak_kib": p.peak_kib} for p in peaks.processes
            ],
        }

    return {
        "machine": info,
        "tool_changed_during_run": tool_changed,
        "options": {
            "sizes": [s.count for s in sizes],
            "jobs": options.jobs,
            "seed": options.seed,
            "no_cache": tools.no_cache,
            "full": options.full,
        },
        "sizes": [
            {
                "connectors": size.count,
                "runs": size.runs,
                "datamodel_codegen_timed_per_run": size.dmcg_timed,
                "check_warnings": size.warnings,
                "warm_retries": size.warm_retries,
                "seconds": size.times,
                "medians": {name: size.median(name) for name in COMMANDS},
                "memory": memory(size.memory),
            }
            for size in sizes
        ],
        "targets": [
            {"target": t.name, "measured": t.measured, "holds": t.holds} for t in targets(sizes)
        ],
    }
