"""backfill_codegen.parallel: results in item order whatever the worker count, failures as
in-process,
silent workers, and a progress bar only on a terminal once the work takes a moment."""

from __future__ import annotations

import io
import os
import pickle

import pytest

from backfill_codegen import parallel
from backfill_codegen.batch import summary_line
from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.diagnostics.registry import make_diagnostic, rule
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.resources import example_dir
from backfill_codegen.workspace import UsageError, find_manifests
from tests.support.paths import GOLDEN


def _square_slowly_at_first(number: int) -> int:
    # Early items take longest, so workers finish out of order.
    if number < 3:
        import time

        time.sleep(0.05 * (3 - number))
    return number * number


def _fail_at_five(number: int) -> int:
    if number == 5:
        raise UsageError(f"bad item {number}")
    if number == 9:
        raise RuntimeError("a later failure must not win")
    return number


class _Unpicklable(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


def _fail_unpicklably(number: int) -> int:
    if number == 2:
        raise _Unpicklable("two", "arguments")
    return number


def _noisy(number: int) -> int:
    print("worker stdout", number)
    os.write(2, b"worker stderr\n")
    return number


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_results_keep_the_item_order(jobs: int) -> None:
    items = list(range(23))
    assert parallel.run_ordered(_square_slowly_at_first, items, jobs) == [n * n for n in items]


def test_empty_and_single_item_runs() -> None:
    assert parallel.run_ordered(_square_slowly_at_first, [], 4) == []
    assert parallel.run_ordered(_square_slowly_at_first, [7], 4) == [49]


@pytest.mark.parametrize("jobs", [1, 3])
def test_first_failure_in_item_order_is_raised_as_itself(jobs: int) -> None:
    with pytest.raises(UsageError, match="bad item 5"):
        parallel.run_ordered(_fail_at_five, list(range(12)), jobs)


def test_an_unpicklable_worker_exception_keeps_its_message() -> None:
    with pytest.raises(parallel.WorkerError, match="_Unpicklable: two arguments"):
        parallel.run_ordered(_fail_unpicklably, list(range(6)), 2)


def test_workers_never_print(capfd: pytest.CaptureFixture[str]) -> None:
    assert parallel.run_ordered(_noisy, list(range(6)), 2) == list(range(6))
    captured = capfd.readouterr()
    assert "worker" not in captured.out and "worker" not in captured.err


@pytest.mark.parametrize(("count", "jobs"), [(1, 1), (5, 8), (100, 2), (1000, 4), (7, 1)])
def test_chunks_cover_every_item_once_in_order(count: int, jobs: int) -> None:
    parts = parallel.chunks(count, jobs)
    assert [index for part in parts for index in part] == list(range(count))
    assert all(len(part) <= parallel.MAX_CHUNK for part in parts)
    assert parts == parallel.chunks(count, jobs)  # a fixed function of its inputs
    assert len(parts) >= min(count, jobs)  # every worker gets something to do


def test_default_jobs_is_positive() -> None:
    assert parallel.default_jobs() >= 1


def test_manifest_results_survive_pickling() -> None:
    """Workers send whole ManifestResults back: diagnostics, sources and documents intact."""
    for path in find_manifests([GOLDEN, example_dir()]):  # the example has route files
        result = check_manifest(path)
        copy = pickle.loads(pickle.dumps(result))
        assert copy.manifest == result.manifest and copy.path == result.path
        assert [d.sort_key() for d in copy.diagnostics] == [
            d.sort_key() for d in result.diagnostics
        ]
        assert [d.severity for d in copy.diagnostics] == [d.severity for d in result.diagnostics]


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_for_a_moment_then_draws_and_erases() -> None:
    stream, clock = io.StringIO(), _Clock()
    progress = parallel.Progress(stream, "checking", delay=0.5, clock=clock, width=10)
    progress.update(1, 4)
    assert stream.getvalue() == ""  # quick work shows nothing
    clock.now += 0.6
    progress.update(2, 4)
    assert stream.getvalue() == "\rchecking [#####-----] 2/4"
    progress.update(4, 4)
    assert stream.getvalue().endswith("\rchecking [##########] 4/4")
    progress.close()
    line = "checking [##########] 4/4"
    assert stream.getvalue().endswith("\r" + " " * len(line) + "\r")


def test_progress_that_never_drew_erases_nothing() -> None:
    stream = io.StringIO()
    progress = parallel.Progress(stream, "checking", clock=_Clock())
    progress.update(1, 2)
    progress.close()
    assert stream.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_an_interactive_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert parallel.terminal_progress("checking", io.StringIO()) is None
    assert parallel.terminal_progress("checking", _Terminal()) is not None
    monkeypatch.setenv("CI", "true")
    assert parallel.terminal_progress("checking", _Terminal()) is None


def test_progress_during_a_run_ends_erased() -> None:
    stream = io.StringIO()
    clock = _Clock()
    progress = parallel.Progress(stream, "checking", delay=0.0, clock=clock, width=4)
    assert parallel.run_ordered(_square_slowly_at_first, list(range(8)), 2, progress) == [
        n * n for n in range(8)
    ]
    text = stream.getvalue()
    assert "8/8" in text and text.endswith("\r")


def _diagnostics(*codes: str) -> list[Diagnostic]:
    return [make_diagnostic(rule(code), "m", None) for code in codes]


def test_summary_counts_each_connector_under_its_worst_severity() -> None:
    per_connector = [
        _diagnostics("BF101", "BF304"),  # an error and a warning: counted as with errors
        _diagnostics("BF304"),
        _diagnostics(),
        _diagnostics(),
    ]
    assert summary_line(per_connector) == (
        "Checked 4 connectors: 1 with errors, 1 with warnings, 2 clean."
    )
