"""Running one function over many items in worker processes, with results in the items' order.

The output of a run must not depend on the worker count: results come back as a list in the
order of the items, whichever worker finished first, and the first failure in that order is the
one raised (as it would be in-process). Workers never print: their stdout and stderr are closed
off, and Ctrl-C is left to the parent, which cancels what has not started.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import sys
import time
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Chunks per worker: enough to balance uneven items, few enough to keep pickling overhead low.
CHUNKS_PER_WORKER = 4
MAX_CHUNK = 32


def default_jobs() -> int:
    """The CPUs this process may run on (a container's or CI runner's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def chunks(count: int, jobs: int) -> list[range]:
    """Consecutive index ranges covering `count` items, a fixed function of `count` and `jobs`."""
    if count <= 0:
        return []
    size = min(MAX_CHUNK, max(1, math.ceil(count / (max(1, jobs) * CHUNKS_PER_WORKER))))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class Progress:
    """A one-line `\\r` progress bar on a terminal, drawn only once the work has taken more than
    `delay` seconds, and erased when done so the report that follows starts on a clean line."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        width: int = 30,
    ) -> None:
        self._stream = stream
        self._label = label
        self._delay = delay
        self._clock = clock
        self._start = clock()
        self._width = width
        self._drawn = 0  # length of the line on screen, to erase it

    def update(self, done: int, total: int) -> None:
        if total <= 0 or self._clock() - self._start < self._delay:
            return
        filled = self._width * done // total
        bar = "#" * filled + "-" * (self._width - filled)
        line = f"{self._label} [{bar}] {done}/{total}"
        self._stream.write("\r" + line.ljust(self._drawn))
        self._stream.flush()
        self._drawn = len(line)

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * self._drawn + "\r")
            self._stream.flush()
            self._drawn = 0


def terminal_progress(label: str, stream: TextIO | None = None) -> Progress | None:
    """A Progress on stderr when it is an interactive terminal (never in CI logs), else None."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return None
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return None
    return Progress(stream, label) if interactive else None


def run_ordered(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int,
    progress: Progress | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, in `jobs` worker processes when jobs > 1.

    `function` and the items and results must be picklable (a module-level function, plain data).
    With one job, or one item, everything runs in this process: no pool is started.
    """
    try:
        if jobs <= 1 or len(items) <= 1:
            return _run_here(function, items, progress)
        return _run_pool(function, items, jobs, progress)
    finally:
        if progress is not None:
            progress.close()


def _run_here(
    function: Callable[[Item], Result], items: Sequence[Item], progress: Progress | None
) -> list[Result]:
    results = []
    for item in items:
        results.append(function(item))
        if progress is not None:
            progress.update(len(results), len(items))
    return results


def _run_pool(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int,
    progress: Progress | None,
) -> list[Result]:
    # start-up: multiprocessing and concurrent.futures (~12 ms) only once there are workers
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    parts = chunks(len(items), jobs)
    workers = min(jobs, len(parts))
    executor = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_quiet_worker)
    try:
        futures: list[Future[list[Result]]] = [
            executor.submit(_run_chunk, function, [items[index] for index in part])
            for part in parts
        ]
        position = {future: index for index, future in enumerate(futures)}
        pending: set[Future[list[Result]]] = set(futures)
        done_items = 0
        while pending:
            finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            failed = [position[future] for future in finished if future.exception() is not None]
            if failed:
                for future in futures[min(failed) + 1 :]:
                    future.cancel()  # only earlier chunks can still change which error is first
                break
            done_items += sum(len(future.result()) for future in finished)
            if progress is not None:
                progress.update(done_items, len(items))
        results: list[Result] = []
        for future in futures:  # in item order, so the first failure raised is deterministic
            results.extend(future.result())
        return results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class WorkerError(Exception):
    """A worker's exception that could not travel back to the parent as itself."""


def _run_chunk(function: Callable[[Item], Result], items: list[Item]) -> list[Result]:
    try:
        return [function(item) for item in items]
    except Exception as error:
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:
            # Unpicklable, it would break the pool and lose its message: send the words instead
            # (the pool attaches this worker's traceback, which shows the original, as the cause).
            raise WorkerError(f"{type(error).__name__}: {error}") from error
        raise


def _quiet_worker() -> None:
    """A worker's output would interleave with the parent's report: send it nowhere; and let
    only the parent handle Ctrl-C (the terminal sends SIGINT to the whole process group)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the worker
    for descriptor in (1, 2):  # native code writes to the descriptors, not to sys.stdout
        os.dup2(devnull.fileno(), descriptor)
    sys.stdout = devnull
    sys.stderr = devnull


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with the compiler already imported; elsewhere (macOS,
    # Windows) the platform's default is the safe choice.
    import multiprocessing  # start-up: only once there are workers

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


# --- One worker started ahead of its work. -----------------------------------------------------


def can_fork() -> bool:
    """Whether workers are forked (Linux): a forked worker starts with this process's state."""
    return sys.platform.startswith("linux") or _context().get_start_method() == "fork"


class Standby:
    """One worker process forked now, which runs `prepare()` at once and then waits for one
    call: its start-up work (imports, tables) overlaps whatever this process does meanwhile.

    `call` hands it the work and waits for the answer (a failure is raised here, as it would be
    in-process). Unused, the worker is stopped by `close`, when the Standby is garbage
    collected, or when this process exits (its request pipe then reads empty). Linux only (see
    `can_fork`).
    """

    def __init__(self, prepare: Callable[[], None]) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(request_write)
            os.close(response_read)
            _standby_worker(prepare, request_read, response_write)
        os.close(request_read)
        os.close(response_write)
        self._pid = pid
        #: This side's pipe ends, each taken out of here before it is closed (never twice).
        self._open = [request_write, response_read]
        self._finalizer = weakref.finalize(self, _stop, pid, self._open)

    def call(self, function: Callable[[Item], Result], item: Item) -> Result:
        """`function(item)` in the worker (both picklable); the worker then exits."""
        if len(self._open) != 2:
            raise RuntimeError("a Standby worker takes one call")
        request, response = self._open
        payload = pickle.dumps((function, item))
        self._open.remove(request)
        try:
            with os.fdopen(request, "wb") as pipe:
                pipe.write(payload)  # the worker reads until this end is closed
        except BrokenPipeError:
            pass  # the worker is gone: its empty answer says so below
        self._open.remove(response)
        with os.fdopen(response, "rb") as pipe:
            answer = pipe.read()
        self._finalizer.detach()
        os.waitpid(self._pid, 0)
        if not answer:
            raise WorkerError("the standby worker ended without an answer")
        failed, value = pickle.loads(answer)
        if failed:
            raise value
        return value

    def close(self) -> None:
        """Stop the worker unless it has answered."""
        self._finalizer()


def _stop(pid: int, descriptors: list[int]) -> None:
    while descriptors:
        os.close(descriptors.pop())
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _standby_worker(prepare: Callable[[], None], request: int, response: int) -> None:
    status = 0
    try:
        _quiet_worker()
        with contextlib.suppress(Exception):  # the call meets the same failure and reports it
            prepare()
        with os.fdopen(request, "rb") as pipe:
            payload = pipe.read()
        if payload:
            function, item = pickle.loads(payload)
            try:
                answer = pickle.dumps((False, function(item)))
            except Exception as error:
                try:
                    answer = pickle.dumps((True, error))
                    pickle.loads(answer)  # it must come back whole, or as its words
                except Exception:
                    answer = pickle.dumps((True, WorkerError(f"{type(error).__name__}: {error}")))
            with os.fdopen(response, "wb") as pipe:
                pipe.write(answer)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # a fork: none of the parent's cleanup (atexit, buffers) runs here
