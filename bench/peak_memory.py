"""Peak memory of a command and of every process it starts, on Linux.

While the command runs, its process tree is walked every few milliseconds and each process's
`VmHWM` (the peak resident set the kernel keeps for it) is read from /proc: that gives the peak
per process, as last seen before it exited. `wait4` then gives the exact largest peak of any one
process in the tree (the kernel folds reaped children into their parent's figure), which bounds
what polling may have missed at the very end of a process's life.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


@dataclass
class ProcessPeak:
    pid: int
    name: str  # the kernel's short name (`python3.11`, `ruff`)
    role: str  # parent, worker (a child running the same program) or child (anything else)
    peak_kib: int


@dataclass
class Peaks:
    returncode: int
    seconds: float
    largest_kib: int  # wait4: the largest peak of any one process in the tree (exact)
    processes: list[ProcessPeak] = field(default_factory=list)

    def of(self, role: str) -> list[ProcessPeak]:
        return [p for p in self.processes if p.role == role]

    @property
    def total_kib(self) -> int:
        """The sum of every process's peak: an upper bound on what the tree held at once (forked
        workers share the parent's pages until they write them, and each counts them again)."""
        return sum(p.peak_kib for p in self.processes)


def supported() -> bool:
    return (PROC / "self" / "status").exists() and hasattr(os, "wait4")


def _status(pid: int) -> tuple[str, int] | None:
    """(Name, VmHWM in KiB), or None once the process is gone (a zombie has no VmHWM)."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    name, peak = "", None
    for line in text.splitlines():
        if line.startswith("Name:"):
            name = line[len("Name:") :].strip()
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    return None if peak is None else (name, peak)


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _tree(root: int) -> list[int]:
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(child for child in _children(pid) if child not in seen)
    return seen


def run(command: list[str], cwd: Path, interval: float = 0.005) -> Peaks:
    """Run `command` to the end (its output discarded), watching its process tree's memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peaks: dict[int, ProcessPeak] = {}
    while True:
        for pid in _tree(process.pid):
            status = _status(pid)
            if status is None:
                continue
            name, peak_kib = status
            known = peaks.get(pid)
            if known is None or known.name != name:
                # New, or it has just run exec (a child between fork and exec still shows the
                # parent's name and pages): its peak starts again.
                known = peaks[pid] = ProcessPeak(pid, name, "", 0)
            known.peak_kib = max(known.peak_kib, peak_kib)
        # wait4 reaps the process and returns its rusage, which Popen.wait would throw away.
        pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(interval)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(wait_status)
    program = peaks[process.pid].name if process.pid in peaks else ""
    for pid, item in peaks.items():
        # Forked workers keep the parent's name; a program it runs (ruff) has its own.
        item.role = (
            "parent" if pid == process.pid else "worker" if item.name == program else "child"
        )
    return Peaks(process.returncode, seconds, usage.ru_maxrss, list(peaks.values()))
