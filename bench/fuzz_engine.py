"""A small coverage-guided fuzzer (used when atheris is not installed) and line coverage.

Feedback is the set of line-to-line arcs executed in `backfill_codegen/` (sys.settrace); an input
that
reaches a new arc joins the corpus. Mutations are byte-level plus the target's dictionary. An
input that runs longer than the per-input limit is a hang: a SIGALRM interrupts Python code,
and a watchdog thread ends the process (with the input saved) if native code does not return.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPILER = str(ROOT / "compiler" / "backfill_codegen") + os.sep
HANG_EXIT = 70


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` in the compiler eats it."""


@dataclass
class Stats:
    target: str
    engine: str = "builtin"
    executions: int = 0
    seconds: float = 0.0
    corpus: int = 0
    features: int = 0
    crashes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "engine": self.engine,
            "executions": self.executions,
            "seconds": round(self.seconds, 1),
            "corpus": self.corpus,
            "features": self.features,
            "crashes": self.crashes,
        }


class ArcTracer:
    """Records (file, previous line, line) arcs of frames in `backfill_codegen/`; others are not
    traced."""

    def __init__(self, prefix: str = COMPILER, arcs: bool = True) -> None:
        self.prefix = prefix
        self.arcs = arcs
        self.seen: set[tuple[str, int, int]] = set()

    def _global(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        filename = frame.f_code.co_filename
        if not filename.startswith(self.prefix):
            return None
        seen = self.seen
        previous = [-1]
        arcs = self.arcs

        def local(frame: types.FrameType, event: str, arg: Any) -> Any:
            if event == "line":
                line = frame.f_lineno
                seen.add((filename, previous[0] if arcs else 0, line))
                previous[0] = line
            return local

        return local

    @contextmanager
    def active(self) -> Iterator[None]:
        sys.settrace(self._global)
        threading.settrace(self._global)
        try:
            yield
        finally:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]


class Deadline:
    """SIGALRM after `seconds` raises Hang in Python code; a watchdog ends the process with the
    input saved when native code holds on for `hard` seconds."""

    def __init__(self, seconds: float, hard: float, artifact: Callable[[], None]) -> None:
        self.seconds = seconds
        self.hard = hard
        self._artifact = artifact
        self._started: float | None = None
        signal.signal(signal.SIGALRM, self._alarm)
        threading.Thread(target=self._watch, daemon=True).start()

    def _alarm(self, signum: int, frame: Any) -> None:
        raise Hang(f"one input ran for more than {self.seconds:g} s")

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            started = self._started
            if started is not None and time.monotonic() - started > self.hard:
                self._artifact()
                sys.stderr.write(f"HANG: native code held one input for {self.hard:g} s\n")
                sys.stderr.flush()
                os._exit(HANG_EXIT)

    @contextmanager
    def running(self) -> Iterator[None]:
        self._started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._started = None


class Mutator:
    def __init__(self, rng: random.Random, dictionary: Sequence[bytes], max_len: int) -> None:
        self.rng = rng
        self.dictionary = dictionary
        self.max_len = max_len

    def mutate(self, data: bytes, other: bytes) -> bytes:
        out = bytearray(data)
        for _ in range(self.rng.choice((1, 1, 2, 3, 4))):
            out = self._one(out, other)
        return bytes(out[: self.max_len])

    def _one(self, out: bytearray, other: bytes) -> bytearray:
        rng = self.rng
        where = rng.randint(0, len(out))
        kind = rng.randrange(9)
        if kind == 0 and out:  # flip a bit
            index = rng.randrange(len(out))
            out[index] ^= 1 << rng.randrange(8)
        elif kind == 1 and out:  # an interesting byte
            out[rng.randrange(len(out))] = rng.choice(b"\x00\x7f\xff\"'\\{}[]:,-\n\r\t #&*!`$<>")
        elif kind == 2 and out:  # delete a range
            end = min(len(out), where + rng.randint(1, 16))
            del out[where:end]
        elif kind in (3, 4):  # insert a token
            out[where:where] = rng.choice(self.dictionary)
        elif kind == 5 and out:  # replace a range by a token
            end = min(len(out), where + rng.randint(1, 8))
            out[where:end] = rng.choice(self.dictionary)
        elif kind == 6 and out:  # repeat a short range: nesting, long strings
            start = rng.randrange(len(out))
            chunk = out[start : start + rng.randint(1, 4)]
            out[where:where] = chunk * rng.choice((2, 8, 64, 300))
        elif kind == 7 and other:  # splice with another input
            cut = rng.randint(0, len(other))
            out = out[:where] + bytearray(other[cut:])
        elif kind == 8:  # a number that is too large, negative or fractional
            out[where:where] = rng.choice((b"9" * 40, b"-1", b"0.5", b"1e308", b"65536"))
        return out


def _failure_text(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def _signature(error: BaseException) -> str:
    """One name per distinct failure: its type and the innermost compiler frame."""
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if f.filename.startswith(COMPILER)] or frames
    where = f"{Path(inside[-1].filename).name}:{inside[-1].lineno}" if inside else "?"
    return f"{type(error).__name__}@{where}"


def campaign(
    name: str,
    run: Callable[[bytes], None],
    seeds: list[bytes],
    dictionary: Sequence[bytes],
    seconds: float,
    work: Path,
    *,
    max_len: int,
    timeout: float = 5.0,
    seed: int = 0,
    structured: Callable[[bytes, random.Random], bytes | None] | None = None,
) -> Stats:
    """Fuzz `run` for `seconds`; interesting inputs go to work/corpus-<name>/, failures to
    work/crashes/<name>-crash-<sha1> (with a .txt traceback beside it)."""
    corpus_dir = work / f"corpus-{name}"
    crash_dir = work / "crashes"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    crash_dir.mkdir(parents=True, exist_ok=True)
    stats = Stats(name)
    tracer = ArcTracer()
    current = [b""]

    def save(data: bytes, kind: str, text: str) -> str:
        digest = hashlib.sha1(data).hexdigest()
        path = crash_dir / f"{name}-{kind}-{digest}"
        path.write_bytes(data)
        path.with_suffix(".txt").write_text(text, encoding="utf-8")
        return str(path)

    deadline = Deadline(
        timeout, timeout * 3, lambda: save(current[0], "timeout", "native code hang")
    )
    signatures: set[str] = set()

    def execute(data: bytes) -> bool:
        """Run one input; True when it reached a new arc."""
        before = len(tracer.seen)
        current[0] = data
        stats.executions += 1
        try:
            with deadline.running(), tracer.active():
                run(data)
        except Hang as error:
            _record(data, "timeout", error)
        except Exception as error:
            _record(data, "crash", error)
        return len(tracer.seen) > before

    def _record(data: bytes, kind: str, error: BaseException) -> None:
        signature = f"{kind}:{_signature(error)}"
        if signature not in signatures:
            signatures.add(signature)
            stats.crashes.append(save(data, kind, _failure_text(error)))
            print(f"{name}: {kind} {signature}", file=sys.stderr, flush=True)

    rng = random.Random(seed)
    mutator = Mutator(rng, dictionary, max_len)
    start = time.monotonic()
    corpus: list[bytes] = []
    for data in seeds:
        if execute(data) or not corpus:
            corpus.append(data)
    print(
        f"{name}: INITED corpus {len(corpus)} features {len(tracer.seen)}",
        file=sys.stderr,
        flush=True,
    )
    while time.monotonic() - start < seconds and len(signatures) < 20:
        parent = rng.choice(corpus)
        child = None
        if structured is not None and rng.random() < 0.5:
            child = structured(parent, rng)
        if child is None:
            child = mutator.mutate(parent, rng.choice(corpus))
        if execute(child):
            corpus.append(child)
            (corpus_dir / hashlib.sha1(child).hexdigest()).write_bytes(child)
    stats.seconds = time.monotonic() - start
    stats.corpus = len(corpus)
    stats.features = len(tracer.seen)
    return stats


def executable_lines(path: Path) -> set[int]:
    """Lines that hold code (of any function, class or module body) in a Python file."""
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    lines: set[int] = set()
    pending = [code]
    while pending:
        current = pending.pop()
        lines.update(line for _, _, line in current.co_lines() if line is not None)
        pending.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return lines


def module_files(modules: Sequence[str]) -> list[Path]:
    """The .py files named by `modules` (files, or folders searched recursively)."""
    files: list[Path] = []
    for module in modules:
        path = ROOT / module
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files
