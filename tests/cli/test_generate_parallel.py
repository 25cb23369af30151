"""Rendering in worker processes: the same bytes, in the same order, whatever the worker count;
a connector's files do not depend on the others in its batch; a failure is raised as in-process."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from backfill_codegen import generate, parallel
from backfill_codegen.generate import Job, SettingsFailed, render
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.workspace import find_manifests
from tests.support.golden_support import case_source, run_cli, tree
from tests.support.paths import GOLDEN

CASES = sorted(path for path in GOLDEN.glob("gen-*") if path.is_dir())
#: Files every case generates (a connector without a settings schema has no settings.py).
FILES = sum(len(tree(case / "expected" / "generated")) for case in CASES)


@pytest.fixture(scope="module")
def connectors(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every golden generate case (different schemas, permissions, routes), each in its own
    folder of one scratch monorepo."""
    root = tmp_path_factory.mktemp("monorepo")
    folders = []
    for case in CASES:
        target = root / case.name
        shutil.copytree(case_source(case), target, ignore=shutil.ignore_patterns("expected"))
        folders.append(target)
    return folders


def _jobs(folders: list[Path], output: Path) -> list[Job]:
    jobs = []
    for manifest in find_manifests(folders):
        result = check_manifest(manifest)
        assert result.manifest is not None and not result.has_errors, manifest
        connector = lower(result.manifest, result.route_files)
        jobs.append(Job(connector, manifest.parent, output / connector.name))
    return jobs


def _as_lists(rendered: tuple[dict[Path, str], dict[Path, str]]) -> tuple[list, list]:
    generated, scaffolds = rendered
    return list(generated.items()), list(scaffolds.items())  # order included


def test_the_batch_is_the_same_for_any_worker_count(connectors: list[Path], tmp_path: Path) -> None:
    jobs = _jobs(connectors, tmp_path / "out")
    assert len(jobs) == len(CASES) >= 5
    serial = _as_lists(render(jobs, 1))
    assert serial == _as_lists(render(jobs, 2))
    assert serial == _as_lists(render(jobs, 3))
    generated, scaffolds = serial
    assert len(generated) == FILES
    assert scaffolds, "the route-file case scaffolds stubs"


def test_a_connector_renders_the_same_alone_and_in_a_batch(
    connectors: list[Path], tmp_path: Path
) -> None:
    jobs = _jobs(connectors, tmp_path / "out")
    generated, scaffolds = render(jobs, 2)
    for job in jobs:
        alone_generated, alone_scaffolds = render([job], 1)
        assert alone_generated == {
            path: text for path, text in generated.items() if path.is_relative_to(job.output_dir)
        }
        assert alone_scaffolds == {
            path: text for path, text in scaffolds.items() if path.is_relative_to(job.connector_dir)
        }


def test_one_connector_split_over_two_processes_is_the_same(
    connectors: list[Path], tmp_path: Path
) -> None:
    for folder in connectors:
        (job,) = _jobs([folder], tmp_path / "out")
        assert _as_lists(render([job], 2)) == _as_lists(render([job], 1)), folder.name


def _fail_for_pager(connector):  # replaces backfill_codegen.emit.docs.emit in the workers too
    if connector.name == "pager":
        raise RuntimeError(f"docs failed for {connector.name}")
    return {}


def test_a_failure_is_raised_as_in_process(
    connectors: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backfill_codegen.emit.docs

    jobs = _jobs(connectors, tmp_path / "out")
    assert "pager" in [job.connector.name for job in jobs]
    # Workers are forked from this process on Linux: they see the patch (elsewhere, skip).
    if not sys.platform.startswith("linux"):
        pytest.skip("workers do not inherit the patch without fork")
    monkeypatch.setattr(backfill_codegen.emit.docs, "emit", _fail_for_pager)
    for workers in (1, 2):
        with pytest.raises(RuntimeError, match="docs failed for pager"):
            render(jobs, workers)


def _fail_settings(connector):
    raise RuntimeError(f"settings failed for {connector.name}")


@pytest.mark.skipif(not parallel.can_fork(), reason="workers inherit the patch through fork")
def test_a_lone_connector_split_raises_the_first_failure_in_emitter_order(
    connectors: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backfill_codegen.emit.docs
    import backfill_codegen.emit.python_settings

    (job,) = _jobs([connectors[CASES.index(GOLDEN / "gen-webhook-only")]], tmp_path / "out")
    monkeypatch.setattr(backfill_codegen.emit.docs, "emit", _fail_for_pager)
    for workers in (1, 2):
        with pytest.raises(RuntimeError, match="docs failed for pager"):
            render([job], workers)
    monkeypatch.setattr(backfill_codegen.emit.python_settings, "emit", _fail_settings)
    for workers in (1, 2):  # both fail: the settings emitter comes first (as the fallback's
        # SettingsFailed, which `generate` reports as a located BF413)
        with pytest.raises(SettingsFailed, match="settings failed for pager"):
            render([job], workers)


def test_the_command_writes_the_same_files_with_any_jobs(
    connectors: list[Path], tmp_path: Path
) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        work = tmp_path / f"j{jobs}"
        shutil.copytree(connectors[0].parent, work)
        status, _, stderr = run_cli(["generate", ".", "-j", jobs, "-o", "out"], work)
        assert status == 0, stderr
        outputs[jobs] = tree(work / "out")
        assert len(outputs[jobs]) >= FILES  # (and a cache file each, where there is one)
    assert outputs["1"] == outputs["2"]


# --- The head start for a lone connector. ------------------------------------------------------

_PREPARED: list[str] = []


def _prepare() -> None:
    _PREPARED.append("prepared in the worker")


def _prepared_and_pid(suffix: str) -> tuple[list[str], int, str]:
    return list(_PREPARED), os.getpid(), suffix


def _fail(message: str) -> None:
    raise ValueError(message)


class _Unpicklable(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


def _fail_unpicklably(message: str) -> None:
    raise _Unpicklable(message, "twice")


linux_only = pytest.mark.skipif(not parallel.can_fork(), reason="a Standby worker is forked")


@linux_only
def test_a_standby_worker_prepares_then_runs_one_call() -> None:
    standby = parallel.Standby(_prepare)
    prepared, pid, suffix = standby.call(_prepared_and_pid, "!")
    assert prepared == ["prepared in the worker"] and suffix == "!"
    assert pid != os.getpid() and _PREPARED == []  # it ran in the worker, not here
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    with pytest.raises(RuntimeError, match="one call"):
        standby.call(_prepared_and_pid, "again")


@linux_only
def test_a_standby_failure_is_raised_here() -> None:
    with pytest.raises(ValueError, match="no good"):
        parallel.Standby(_prepare).call(_fail, "no good")
    with pytest.raises(parallel.WorkerError, match="_Unpicklable: bad twice"):
        parallel.Standby(_prepare).call(_fail_unpicklably, "bad")


def _die() -> None:
    os._exit(3)


@linux_only
def test_a_standby_worker_that_dies_is_a_worker_error() -> None:
    with pytest.raises(parallel.WorkerError, match="without an answer"):
        parallel.Standby(_die).call(_prepared_and_pid, "never")


@linux_only
def test_an_unused_standby_worker_is_stopped() -> None:
    standby = parallel.Standby(_prepare)
    pid = standby._pid
    standby.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    standby.close()  # twice is harmless


def test_a_head_start_only_for_a_lone_connector_with_a_second_worker() -> None:
    assert generate.head_start(2, 2) is None
    assert generate.head_start(1, 1) is None
    standby = generate.head_start(1, 2)
    assert (standby is not None) == parallel.can_fork()
    if standby is not None:
        standby.close()


@linux_only
def test_a_lone_connector_with_a_head_start_renders_the_same(
    connectors: list[Path], tmp_path: Path
) -> None:
    (job,) = _jobs([connectors[-1]], tmp_path / "out")
    serial = _as_lists(render([job], 1))
    standby = generate.head_start(1, 2)
    assert standby is not None
    assert _as_lists(render([job], 2, standby)) == serial
    # Handed to a batch, it is not used, only stopped.
    standby = generate.head_start(1, 2)
    jobs = _jobs(connectors[:2], tmp_path / "out")
    assert _as_lists(render(jobs, 2, standby)) == _as_lists(render(jobs, 1))
    assert not standby._finalizer.alive
