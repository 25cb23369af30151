"""Many manifests at once (a monorepo): find them, check them in worker processes, sum them up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path

from backfill_codegen import parallel
from backfill_codegen.diagnostics.model import Diagnostic, Severity
from backfill_codegen.pipeline import ManifestResult, check_manifest
from backfill_codegen.workspace import find_manifests


def check_all(
    paths: Iterable[Path],
    jobs: int | None = None,
    skip: frozenset[str] = frozenset(),
    sources: Mapping[Path, bytes | None] | None = None,
) -> list[ManifestResult]:
    """check_manifest for every manifest under `paths`, in `jobs` worker processes (default: the
    CPUs); the results in the sorted manifest order whatever the worker count. `skip`: checks
    whose rules are all deselected (check_manifest). `sources`: the bytes of manifests already
    read (by generate's cache), so that none is read twice."""
    manifests = find_manifests(paths)
    progress = parallel.terminal_progress("checking")
    jobs = jobs or parallel.default_jobs()
    if sources:
        items = [(manifest, sources.get(manifest)) for manifest in manifests]
        return parallel.run_ordered(partial(_check_read, skip=skip), items, jobs, progress)
    run = partial(check_manifest, skip=skip) if skip else check_manifest
    return parallel.run_ordered(run, manifests, jobs, progress)


def _check_read(item: tuple[Path, bytes | None], skip: frozenset[str]) -> ManifestResult:
    path, data = item
    return check_manifest(path, skip, data=data)


def summary_line(per_connector: Sequence[Sequence[Diagnostic]]) -> str:
    """`Checked 12 connectors: 1 with errors, 2 with warnings, 9 clean.`: each connector counted
    once, under the worst severity it reported."""
    errors = sum(1 for found in per_connector if _worst(found) == Severity.ERROR)
    warnings = sum(1 for found in per_connector if _worst(found) == Severity.WARNING)
    clean = len(per_connector) - errors - warnings
    noun = "connector" if len(per_connector) == 1 else "connectors"
    return (
        f"Checked {len(per_connector)} {noun}: {errors} with errors, {warnings} with warnings, "
        f"{clean} clean."
    )


def _worst(diagnostics: Sequence[Diagnostic]) -> Severity | None:
    severities = {d.severity for d in diagnostics}
    if Severity.ERROR in severities:
        return Severity.ERROR
    return Severity.WARNING if severities else None
