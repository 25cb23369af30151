"""`generate`: checked manifests -> IR -> every emitter -> one ruff pass -> the writer's plan.

Everything is rendered in memory first; nothing is written when any manifest has an error.

With more than one job (-j), several connectors are rendered in worker processes forked after
one preload of every emitter's imports (backfill_codegen/parallel.py); a lone connector has its slow
emitter (datamodel-code-generator) run in one worker while this process renders the rest. The
emitters are pure functions of the connector and the results are put together in the jobs'
order, so the bytes do not depend on the worker count. Python from every connector then goes
through ONE ruff pass in this process (backfill_codegen/format.py).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from backfill_codegen import ir, parallel
from backfill_codegen.emit import permissions, templating
from backfill_codegen.emit.python_settings import warm_up
from backfill_codegen.emit.routes import emit_stubs
from backfill_codegen.format import format_python

#: Emitters of files in the output directory, each `emit(connector) -> {path: text}`.
EMITTERS = (
    "backfill_codegen.emit.python_settings",
    "backfill_codegen.emit.typescript_settings",
    "backfill_codegen.emit.routes",
    "backfill_codegen.emit.permissions",
    "backfill_codegen.emit.openapi",
    "backfill_codegen.emit.docs",
)
#: The emitter whose start-up (datamodel-code-generator's import, ~0.3 s) dominates one connector:
#: for a lone connector it runs in a worker of its own, beside the rest (`head_start`).
SLOW_EMITTER = "backfill_codegen.emit.python_settings"


@dataclass(frozen=True)
class Job:
    """One connector to generate: where its manifest is and where its output goes."""

    connector: ir.Connector
    connector_dir: Path
    output_dir: Path
    write_stubs: bool = True


@dataclass(frozen=True)
class _Task:
    """Some emitters of one job (and its stubs, when `stubs`): the unit of work of a worker."""

    job: Job
    emitters: tuple[str, ...] = EMITTERS
    stubs: bool = True


@dataclass(frozen=True)
class _Rendered:
    outputs: dict[str, str]
    stubs: dict[str, str]
    #: Why the settings model could not be generated (the fallback: see `SettingsFailed`).
    settings_failure: str | None = None


class SettingsFailed(Exception):
    """The settings-model generator failed on connectors that passed `check` (a bug: BF413's
    predicate missed a case). The command reports BF413 at each one's `settingsSchema` and
    exits 1; nothing is written. `failures` maps each failed job's index to the reason."""

    def __init__(self, failures: dict[int, str]) -> None:
        super().__init__("; ".join(failures.values()))
        self.failures = failures


def outputs(connector: ir.Connector, emitters: tuple[str, ...] = EMITTERS) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in emitters:
        for path, text in importlib.import_module(name).emit(connector).items():
            if path in files:
                raise ValueError(f"two emitters produce {path}")
            files[path] = text
    return dict(sorted(files.items()))


def stubs(job: Job) -> dict[str, str]:
    generated = Path(os.path.relpath(job.output_dir, job.connector_dir)).as_posix()
    return emit_stubs(job.connector, generated_dir=generated)


def _run_task(task: _Task) -> _Rendered:
    """A worker's function (module level, so it pickles): plain dicts of text back."""
    emitters = task.emitters
    if SLOW_EMITTER in emitters:
        # The last line of defence: whatever the generator raises becomes a diagnostic.
        try:
            files = outputs(task.job.connector, (SLOW_EMITTER,))
        except Exception as error:
            # Nothing is written for this batch: the rest need not run (and the settings
            # failure stays the first, in emitter order).
            return _Rendered({}, {}, f"{type(error).__name__}: {error}")
        emitters = tuple(name for name in emitters if name != SLOW_EMITTER)
        files.update(outputs(task.job.connector, emitters))
        files = dict(sorted(files.items()))
    else:
        files = outputs(task.job.connector, emitters)
    scaffolds = stubs(task.job) if task.stubs and task.job.write_stubs else {}
    return _Rendered(files, scaffolds)


def preload() -> None:
    """Import what every emitter needs, and build the tables they share, in this process: forked
    workers then start with it all in memory (shared, copy-on-write) instead of each paying the
    start-up again. The warm-ups' outputs are thrown away; the emitters keep no state that a
    later connector's output could depend on (tests/cli/test_generate_parallel.py)."""
    for name in EMITTERS:
        importlib.import_module(name)
    templating.compile_all()
    for language in ("py", "ts"):
        permissions.runtime_parts(language)
    _prepare_slow_emitter()


def _prepare_slow_emitter() -> None:
    with contextlib.suppress(Exception):  # a real connector meets the same failure, and reports it
        warm_up()


def head_start(manifests: int, workers: int | None = None) -> parallel.Standby | None:
    """Call before checking: for a lone connector, fork now the worker that will run the slow
    emitter, so that it imports datamodel-code-generator while this process checks the manifest
    (pass it to `render`). None where it would not help: several manifests (workers forked after
    the check share one import, see `render`), one job, or a platform without fork."""
    if manifests != 1 or (workers or parallel.default_jobs()) < 2 or not parallel.can_fork():
        return None
    return parallel.Standby(_prepare_slow_emitter)


def render(
    jobs: list[Job], workers: int | None = None, standby: parallel.Standby | None = None
) -> tuple[dict[Path, str], dict[Path, str]]:
    """Every generated file and every scaffold of the batch, by absolute path; Python formatted
    in one ruff run for the whole batch. `workers`: processes to render in (default: the CPUs;
    1: this process only); the result is the same for any number. `standby`: from `head_start`
    (stopped here when not used)."""
    workers = workers or parallel.default_jobs()
    try:
        if len(jobs) == 1 and workers > 1 and parallel.can_fork():
            results = [_render_split(jobs[0], standby or parallel.Standby(_prepare_slow_emitter))]
        else:
            results = _render_each(jobs, workers)
    finally:
        if standby is not None:
            standby.close()
    failures = {i: r.settings_failure for i, r in enumerate(results) if r.settings_failure}
    if failures:
        raise SettingsFailed(failures)
    generated: dict[Path, str] = {}
    scaffolds: dict[Path, str] = {}
    for job, result in zip(jobs, results, strict=True):
        for relative, text in result.outputs.items():
            generated[job.output_dir / relative] = text
        for relative, text in result.stubs.items():
            scaffolds[job.connector_dir / relative] = text
    # Keys for the formatter are short relative names, so no absolute path reaches ruff's output.
    python_paths = sorted(path for path in generated if path.suffix == ".py")
    keys = {f"f{index}/{path.name}": path for index, path in enumerate(python_paths)}
    formatted = format_python({key: generated[path] for key, path in keys.items()})
    for key, path in keys.items():
        generated[path] = formatted[key]
    return generated, scaffolds


def _render_split(job: Job, standby: parallel.Standby) -> _Rendered:
    """One connector on two cores: the slow emitter in the standby worker (which may have been
    importing since before the check), every other emitter here meanwhile."""
    try:
        rest = _run_task(_Task(job, tuple(name for name in EMITTERS if name != SLOW_EMITTER)))
    except Exception as error:
        # In-process, the slow emitter runs first: its failure, if any, is the one to report.
        slow_first: _Rendered = standby.call(_run_task, _Task(job, (SLOW_EMITTER,), stubs=False))
        if slow_first.settings_failure is not None:
            raise SettingsFailed({0: slow_first.settings_failure}) from error
        raise
    slow: _Rendered = standby.call(_run_task, _Task(job, (SLOW_EMITTER,), stubs=False))
    files = dict(rest.outputs)
    for path, text in slow.outputs.items():
        if path in files:
            raise ValueError(f"two emitters produce {path}")
        files[path] = text
    return _Rendered(dict(sorted(files.items())), rest.stubs, slow.settings_failure)


def _render_each(jobs: list[Job], workers: int) -> list[_Rendered]:
    """Every job, in `workers` processes (forked after one preload here) or in this one."""
    tasks = [_Task(job) for job in jobs]
    if len(tasks) <= 1:
        return [_run_task(task) for task in tasks]
    # Import once here, then keep the garbage collector off what is loaded: forked workers share
    # those pages (a collection would write to every object's header, copying them), and no
    # process rescans them at each full collection.
    preload()
    gc.freeze()
    try:
        progress = parallel.terminal_progress("generating")
        return parallel.run_ordered(_run_task, tasks, workers, progress)
    finally:
        gc.unfreeze()
