"""Putting generated files on disk: all or nothing, atomically, never over hand-written code.

A plan is computed in memory first (`plan`), then either applied (`apply`) or compared (`diff`,
for `--check`). Generated files carry the header notice; only such files are overwritten or
removed when no longer produced. Scaffolds (route stubs) are written once, when missing, and
never touched again.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from compiler.emit.header import has_notice


class WriteConflict(Exception):
    """A write the writer refuses: a hand-written file in the way, a symlink, a folder."""


@dataclass(frozen=True)
class Planned:
    path: Path  # absolute
    text: str | None  # None: remove
    old: str | None  # current content, None when the file does not exist
    display: str  # the path as users see it


@dataclass
class Plan:
    changes: list[Planned] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.changes)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return None


def _guard(path: Path, root: Path, display: str) -> None:
    """Refuse a target that leaves `root`, passes through a symlink, or is not a regular file."""
    resolved_root = root.resolve()
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            raise WriteConflict(f"{display}: refusing to write through the symlink {current.name}")
    if not path.resolve().is_relative_to(resolved_root):
        raise WriteConflict(f"{display}: refusing to write outside {root}")
    if path.exists() and not path.is_file():
        raise WriteConflict(f"{display}: a folder or special file is in the way")


def plan(
    generated: dict[Path, str],
    scaffolds: dict[Path, str],
    output_dirs: dict[Path, Path],
    display: Callable[[Path], str],
) -> Plan:
    """What must change on disk so that it holds exactly `generated` (and any missing scaffold).

    `output_dirs` maps each output directory to the root it must stay inside; files there that
    carry the notice and are no longer generated are removed.
    """
    result = Plan()
    roots = {**output_dirs}
    for path, text in sorted(generated.items()):
        root = next(r for d, r in roots.items() if path.is_relative_to(d))
        _guard(path, root, display(path))
        old = _read(path)
        if old is not None and not has_notice(old):
            raise WriteConflict(
                f"{display(path)}: refusing to overwrite a file that backfill-codegen did not "
                "generate (it has no generated-code header); move it away"
            )
        if old != text:
            result.changes.append(Planned(path, text, old, display(path)))
    for path, text in sorted(scaffolds.items()):
        if path.exists() or path.is_symlink():
            continue  # the author owns it now
        root = path.parent
        while not root.exists():
            root = root.parent
        _guard(path, root, display(path))
        result.changes.append(Planned(path, text, None, display(path)))
    for directory in sorted(output_dirs):
        if not directory.is_dir() or directory.is_symlink():
            continue
        for existing in sorted(directory.rglob("*")):
            if existing in generated or existing.is_symlink() or not existing.is_file():
                continue
            old = _read(existing)
            if old is not None and has_notice(old):
                result.changes.append(Planned(existing, None, old, display(existing)))
    return result


def diff(changes: list[Planned]) -> str:
    """A unified diff of every change, as `--check` prints it."""
    chunks = []
    for change in changes:
        before = (change.old or "").splitlines(keepends=True)
        after = (change.text or "").splitlines(keepends=True)
        old_name = change.display if change.old is not None else "/dev/null"
        new_name = change.display if change.text is not None else "/dev/null"
        chunks.extend(difflib.unified_diff(before, after, old_name, new_name))
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n")
    return "".join(chunks)


def apply(changes: list[Planned]) -> None:
    """Write every change: each file through a temporary file and a rename, so a reader (or a
    crash) sees the old or the new file, never half of one."""
    for change in changes:
        if change.text is None:
            change.path.unlink(missing_ok=True)
            continue
        change.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{change.path.name}.", suffix=".tmp", dir=change.path.parent
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                handle.write(change.text)
            os.replace(temporary, change.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def summary(changes: list[Planned], generated: dict[Path, str]) -> str:
    """What `generate` did, as a short table: file, kind, lines; then the unchanged count."""
    rows = []
    for change in changes:
        if change.text is None:
            kind, lines = "removed", "-"
        elif change.path not in generated:
            kind, lines = "stub", str(change.text.count("\n"))
        else:
            kind = "updated" if change.old is not None else "generated"
            lines = str(change.text.count("\n"))
        rows.append((change.display, kind, lines))
    unchanged = len(generated) - sum(1 for change in changes if change.path in generated)
    if not rows:
        return f"Nothing to write: {unchanged} generated file(s) already up to date.\n"
    width = max(len("file"), *(len(row[0]) for row in rows))
    lines_out = [f"{'file':<{width}}  {'kind':<9}  lines"]
    lines_out += [f"{path:<{width}}  {kind:<9}  {count:>5}" for path, kind, count in rows]
    lines_out.append(f"{len(rows)} file(s) written or removed, {unchanged} unchanged.")
    return "\n".join(lines_out) + "\n"
