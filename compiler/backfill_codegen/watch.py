"""`check --watch` / `generate --watch`: run again on every change, only where it changed.

A change to a manifest or to a `.ts` file under a connector's `src/api/` re-runs that connector
alone (generate's content-hash cache skips the rest anyway); a new manifest is picked up, a
deleted one reported. Each run ends with one status line. A manifest saved half-way through an
edit is just a manifest with diagnostics; a run that fails outright (a usage error) is reported
in the status line and the watch goes on. Ctrl-C stops between writes: the writer's atomic swap
leaves each output directory whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from watchfiles import Change
from watchfiles import watch as watch_changes

from backfill_codegen.workspace import API_DIR, MANIFEST_NAMES, UsageError, find_manifests

#: One run over some manifests -> its status ("1 error, 0 warnings"), after printing the rest.
Once = Callable[[list[Path]], str]
_SKIP = {"node_modules", "generated", ".git"}


def _relevant(change: Change, path: str) -> bool:
    """A manifest, or a TypeScript file under some `src/api/`; never generated output."""
    parts = Path(path).parts
    if _SKIP & set(parts) or any(part.startswith(".") for part in parts[-3:]):
        return False
    name = parts[-1]
    if name in MANIFEST_NAMES:
        return True
    joined = "/".join(parts)
    return name.endswith(".ts") and f"/{'/'.join(API_DIR)}/" in joined


def connectors_of(changed: Iterable[Path], manifests: Sequence[Path]) -> list[Path]:
    """The manifests whose connector holds a changed file (the manifest or a route file)."""
    folders = {m.parent.absolute(): m for m in manifests}
    hit = []
    for path in changed:
        for folder in (path.parent, *path.parents):
            if folder in folders and folders[folder] not in hit:
                hit.append(folders[folder])
                break
    return hit


def _manifests(roots: Sequence[Path]) -> list[Path]:
    try:
        return [m.absolute() for m in find_manifests(roots)]
    except UsageError:
        return []  # a folder emptied for now, a manifest deleted: wait for the next change


def _run(once: Once, manifests: list[Path], status: Callable[[str], None]) -> None:
    names = ", ".join(sorted(m.parent.name for m in manifests))
    try:
        outcome = once(manifests)
    except UsageError as error:
        outcome = f"error: {error}"
    status(f"[watch] {names}: {outcome}")


def watch(
    roots: Sequence[Path],
    once: Once,
    status: Callable[[str], None],
    *,
    every_time: bool = False,
    stop: threading.Event | None = None,
) -> None:
    """Run `once` over every manifest under `roots`, then over the connectors each change
    touches (all of them when `every_time`: -o OUT with several connectors names the folders
    by how many there are). Returns when `stop` is set; Ctrl-C raises KeyboardInterrupt."""
    folders = [root if root.is_dir() else root.parent for root in roots]
    manifests: list[Path] = []
    started = False
    # The first (empty) batch comes once the watcher is up: the first run starts then, so an
    # edit made while it runs is seen, not lost between the run and the watch.
    for changes in watch_changes(
        *folders,
        watch_filter=_relevant,
        debounce=50,
        step=5,
        stop_event=stop,
        rust_timeout=100,
        yield_on_timeout=True,
    ):
        if not started:
            started = True
            manifests = _manifests(roots)
            if manifests:
                _run(once, manifests, status)
            else:
                status("[watch] no manifest yet; waiting for one")
        if not changes:
            continue
        changed = [Path(path).absolute() for _, path in changes]
        now = _manifests(roots)
        gone = [m for m in manifests if m not in now]
        manifests = now
        for manifest in gone:
            status(f"[watch] {manifest.parent.name}: manifest deleted")
        touched = manifests if every_time else connectors_of(changed, manifests)
        if touched:
            _run(once, touched, status)
