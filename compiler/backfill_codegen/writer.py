"""Putting generated files on disk: all or nothing, atomically, never over hand-written code.

A plan is computed in memory first (`plan`), then either applied (`apply`) or compared (`diff`,
for `--check`). A file in an output directory is ours only when the directory's record
(backfill_codegen/record.py: what the previous run wrote there) lists it AND it carries the header
line exactly where the emitters put it (`has_header`); only such files are overwritten, or removed
when no longer produced (removed only while their bytes are still those recorded). Anything
else at an output path is a WriteConflict; anywhere else it is left alone. A directory without
a record (written by an earlier version) adopts the files at output paths whose header is
exact, and names the other header-carrying files in notes. Scaffolds (route stubs) are written
once, when missing, and never touched again. Files are read back without following a symlink.

Runs take turns: `locked` holds a flock on the folder holding each output directory while a
run plans and writes (see its docstring for why the parent).

Where writes may go. Every target is checked before anything is written: a generated file must
lie inside its output directory, a scaffold inside its connector directory; no component below
that root may be a symlink, and every existing component must be a folder (a file where a
folder is expected is refused, and so is an output directory that is itself a symlink, a
`..` or NUL component, and a name longer than 255 bytes). A refusal is a `WriteConflict` and
nothing at all is written.

The guarantee on disk. For each output directory, a reader or a crash (even SIGKILL, at any
instant) finds either the whole old set of files or the whole new set, never a mix:

1. the new tree is built in a hidden sibling, `.<out>.backfill-partial-<random>`: every entry
   of the current directory that does not change (the user's own files and folders included)
   is hard-linked into it (copied where links are impossible), every new or changed file is
   written; once every sibling of the run is built, all are flushed to disk together (one
   `syncfs` per file system on Linux, else an fsync of each file and then each folder), and
   only then is each renamed `...-ready-...`;
2. the two directories are swapped in one step (`renameat2(RENAME_EXCHANGE)` on Linux); the
   sibling, now holding the old tree, is removed;
3. where an atomic exchange is not available, the old directory is renamed aside and the new
   one into place; a crash between those two renames leaves the new set in the ready sibling,
   and the next `generate` moves it into place before doing anything else. Leftover partial
   siblings are removed by the next run too.

The exception: where a swap cannot be made or would do harm (the output directory is a mount
point, its parent is read-only, it is or holds the working directory, or it holds more than
1,000 entries, as with `-o .`), files are replaced one by one, each atomically (a temporary file
and a rename), so a crash may leave a mix that the next run completes.

So user files in the output directory survive every run unchanged (the same inode), and the
directory's inode changes when its contents do. Route stubs under `src/api/` are created each
through a temporary file and a no-clobber link: an existing file there is never replaced, even
one created while `generate` runs. Where several connectors are generated at once, the
guarantee holds for each output directory on its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import errno
import itertools
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backfill_codegen import record, safe_read
from backfill_codegen.emit.header import has_header

_PARTIAL, _READY, _OLD = "partial", "ready", "old"
#: The longest file name common file systems take, in bytes.
_NAME_MAX = 255


class WriteConflict(Exception):
    """A write the writer refuses: a hand-written file in the way, a symlink, a folder."""


@dataclass(frozen=True)
class Planned:
    path: Path  # absolute
    text: str | None  # None: remove
    old: str | None  # current content, None when the file does not exist
    display: str  # the path as users see it
    #: The output directory this file belongs to; None for a scaffold (written on its own).
    root: Path | None = None


@dataclass
class Plan:
    changes: list[Planned] = field(default_factory=list)
    #: Files left alone that a user may want to look at (printed as notes).
    notes: list[str] = field(default_factory=list)


def _read(path: Path, display: str) -> bytes | None:
    """The bytes of a regular file in an output directory; never through a symlink (O_NOFOLLOW),
    never blocking on a FIFO; None when there is no file."""
    try:
        return safe_read.read_bounded(path, _MAX_READ_BYTES, follow=False)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WriteConflict(f"{display}: cannot read it: {error.strerror or error}") from error


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


#: Larger files at an output path are not ours (no output is this large): read no further.
_MAX_READ_BYTES = 256 * 1024 * 1024


def _guard(path: Path, root: Path, display: str) -> None:
    """Refuse a target that leaves `root`, passes through a symlink, or is not a regular file
    (a file where a folder is expected included). `root` itself is trusted."""
    if not path.is_relative_to(root):
        raise WriteConflict(f"{display}: refusing to write outside {root}")
    current = root
    for part in path.relative_to(root).parts:
        if part in ("", ".", "..") or "\0" in part:
            raise WriteConflict(f"{display}: refusing a path with the component {part!r}")
        if len(os.fsencode(part)) > _NAME_MAX:
            raise WriteConflict(f"{display}: a file name is longer than {_NAME_MAX} bytes")
        current = current / part
        if current.is_symlink():
            raise WriteConflict(f"{display}: refusing to write through the symlink {current.name}")
        if current != path and current.exists() and not current.is_dir():
            raise WriteConflict(f"{display}: {current.name} is a file where a folder is expected")
    if not path.resolve().is_relative_to(root.resolve()):
        raise WriteConflict(f"{display}: refusing to write outside {root}")
    if path.exists() and not path.is_file():
        raise WriteConflict(f"{display}: a folder or special file is in the way")


def _guard_output_dir(directory: Path, display: str) -> None:
    """The output directory itself: not a symlink, not a file, below an existing folder."""
    if directory.is_symlink():
        raise WriteConflict(f"{display}: the output directory is a symlink; refusing to follow it")
    if directory.exists() and not directory.is_dir():
        raise WriteConflict(f"{display}: a file is where the output directory should be")
    ancestor = directory.parent
    while not ancestor.exists() and not ancestor.is_symlink():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise WriteConflict(f"{display}: {ancestor} is a file where a folder is expected")
    if directory.is_dir():
        for entry in directory.rglob("*"):
            mode = entry.lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                raise WriteConflict(f"{display}: a special file is in the output directory")


def _scaffold_root(path: Path, connector_dirs: Iterable[Path]) -> Path:
    """The connector directory a stub belongs to: the given one holding it, else the outermost
    folder `C` with the stub under `C/src/api/` (the outermost checks the most components)."""
    holding = [d for d in connector_dirs if path.is_relative_to(d / "src" / "api")]
    if holding:
        return max(holding, key=lambda d: len(d.parts))
    for ancestor in reversed(path.parents):
        if path.is_relative_to(ancestor / "src" / "api") and path != ancestor / "src" / "api":
            return ancestor
    raise WriteConflict(f"{path}: a scaffold must be under a connector's src/api/")


def plan(
    generated: dict[Path, str],
    scaffolds: dict[Path, str],
    output_dirs: dict[Path, Path],
    display: Callable[[Path], str],
    connector_dirs: Iterable[Path] = (),
    names: Mapping[Path, str] | None = None,
) -> Plan:
    """What must change on disk so that it holds exactly `generated` (and any missing scaffold),
    plus, in each output directory, the record of what was generated there.

    `output_dirs` maps each output directory to the root it must stay inside. A file there is
    overwritten or removed only when it is ours: listed in the directory's record (see
    backfill_codegen/record.py) and carrying the header where we put it. `names` gives each output
    directory's connector name, written into its record. `connector_dirs` are the folders
    scaffolds must stay inside (derived from the scaffold paths when not given).
    """
    result = Plan()
    connector_dirs = tuple(connector_dirs)
    order = {directory: index for index, directory in enumerate(output_dirs)}
    for directory in sorted(output_dirs):
        _guard_output_dir(directory, display(directory))
    by_dir: dict[Path, dict[Path, str]] = {directory: {} for directory in output_dirs}
    for path, text in generated.items():
        # The first output directory (in the given order) holding the file, found through the
        # file's parents: comparing with every directory costs seconds with 500 connectors.
        directory = min((p for p in path.parents if p in output_dirs), key=order.__getitem__)
        by_dir[directory][path] = text
    for directory in sorted(output_dirs):
        name = (names or {}).get(directory, "")
        _plan_directory(result, directory, output_dirs[directory], by_dir[directory], name, display)
    for path, text in sorted(scaffolds.items()):
        if path.exists() or path.is_symlink():
            continue  # the author owns it now (nothing is written, wherever it points)
        _guard(path, _scaffold_root(path, connector_dirs), display(path))
        result.changes.append(Planned(path, text, None, display(path)))
    return result


def _plan_directory(
    result: Plan,
    directory: Path,
    root: Path,
    files: dict[Path, str],
    name: str,
    display: Callable[[Path], str],
) -> None:
    """One output directory: its files, its record, and what the previous record lists that is
    no longer produced."""
    previous = record.load(directory) if directory.is_dir() else None
    relative = {path: path.relative_to(directory).as_posix() for path in files}
    wanted = dict(files)
    wanted[directory / record.RECORD_NAME] = record.dump(
        name, {relative[p]: files[p] for p in files}
    )
    for path, text in sorted(wanted.items()):
        _guard(path, root, display(path))
        data = _read(path, display(path))
        old = _text(data)
        if old == text:
            continue
        is_record = path == directory / record.RECORD_NAME  # ours by name, whatever it holds
        if old is not None and not is_record and not _ours(path, old, relative[path], previous):
            raise WriteConflict(
                f"{display(path)}: refusing to overwrite a file that backfill-codegen did not "
                "generate (it is not in the output directory's record "
                f"{record.RECORD_NAME}, or its first line is not the generated-code "
                "header); move it away"
            )
        result.changes.append(Planned(path, text, old, display(path), directory))
    _plan_removals(result, directory, root, set(relative.values()), previous, display)


def _ours(path: Path, old: str, relative: str | None, previous: dict[str, str] | None) -> bool:
    """A file at an output path may be overwritten when the header is exactly where we put it
    and the previous run recorded it; with no record at all (a directory written by a version
    without records), the header alone adopts it."""
    if not has_header(path.name, old):
        return False
    return previous is None or relative in previous


def _plan_removals(
    result: Plan,
    directory: Path,
    root: Path,
    produced: set[str],
    previous: dict[str, str] | None,
    display: Callable[[Path], str],
) -> None:
    """Remove what the previous record lists and this run no longer produces, when its bytes
    are still exactly those recorded and its header is in place; everything else stays."""
    if not directory.is_dir() or directory.is_symlink():
        return
    legacy = directory / record.LEGACY_CACHE_NAME
    if legacy.is_file() and not legacy.is_symlink():  # an earlier version's cache: ours by name
        result.changes.append(Planned(legacy, None, "", display(legacy), directory))
    if previous is None:
        _note_unrecorded(result, directory, produced, display)
        return
    for relative, digest in sorted(previous.items()):
        if relative in produced:
            continue
        path = directory / relative
        if not record.producible(relative):  # a forged or foreign entry: never ours to remove
            if path.is_file() or path.is_symlink():
                result.notes.append(
                    f"{display(path)}: listed in {record.RECORD_NAME} but not a file "
                    "backfill-codegen generates; left alone"
                )
            continue
        try:
            _guard(path, root, display(path))
        except WriteConflict:
            continue  # a symlink or a folder on the way: not ours to follow
        data = _read(path, display(path)) if path.is_file() else None
        if data is None:
            continue
        old = data.decode("utf-8", "replace")
        if record.sha256(data) == digest and has_header(path.name, old):
            result.changes.append(Planned(path, None, old, display(path), directory))
        else:
            result.notes.append(
                f"{display(path)}: edited since backfill-codegen generated it and no longer "
                "produced; left alone (delete it if you do not need it)"
            )


def _note_unrecorded(
    result: Plan, directory: Path, produced: set[str], display: Callable[[Path], str]
) -> None:
    """No record (a directory last written by a version without one): files beside the outputs
    that carry the header are left alone, and named, since they may be stale outputs."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name in produced or not entry.is_file(follow_symlinks=False):
            continue
        try:
            head = safe_read.read_bounded(entry.path, 4096, follow=False)
        except OSError:
            continue
        if has_header(entry.name, head.decode("utf-8", "replace")):
            result.notes.append(
                f"{display(Path(entry.path))}: carries the generated-code header but no record "
                "says backfill-codegen wrote it here; left alone (delete it if it is stale)"
            )


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
    """Make the plan true on disk: each output directory swapped whole for its new tree, then
    each missing scaffold created (see the module docstring for the guarantee).

    In phases over all output directories, so the costly steps are paid once, not once per
    directory: every new tree is built, then flushed to disk together (`_flush`: one `syncfs`
    per file system on Linux), then marked ready, then swapped; each parent folder is fsynced
    once after each rename phase."""
    by_root: dict[Path, list[Planned]] = {}
    for change in changes:
        if change.root is not None:
            by_root.setdefault(change.root, []).append(change)
    roots = sorted(by_root)
    recover(*roots)
    staged: dict[Path, Path] = {}  # output directory -> its new tree beside it
    try:
        for root in roots:
            staging = _stage(root, by_root[root])
            if staging is not None:
                staged[root] = staging
        _flush(list(staged.values()))
        for root, staging in staged.items():
            ready = staging.with_name(staging.name.replace(f"-{_PARTIAL}-", f"-{_READY}-", 1))
            os.rename(staging, ready)
            staged[root] = ready
        _fsync_parents(staged)
        for root, ready in staged.items():
            if root.exists():
                staged[root] = _swap(ready, root)  # now the old tree
            else:
                os.rename(ready, root)
                staged[root] = ready  # gone: nothing to remove
        _fsync_parents(staged)
    finally:
        for leftover in staged.values():
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    for change in changes:
        if change.root is None and change.text is not None:
            _create_scaffold(change.path, change.text)


# --- one run at a time per output directory ---------------------------------------------------


@contextlib.contextmanager
def locked(directories: Iterable[Path], *, shared: bool = False) -> Iterator[None]:
    """Serialise `generate` runs on the same output directories: an exclusive `flock` on the
    folder HOLDING each output directory (`shared` for `--check`, which only reads), taken in
    path order (no deadlock between runs), held until the block ends.

    The parent, not the output directory: the swap replaces the output directory's inode, so a
    lock on it would not exclude the next run; the parent is never swapped, and no lock file is
    left anywhere. The kernel releases a flock when its process dies (even by SIGKILL), so a
    stale lock cannot exist. Where flock is unavailable (not POSIX, or a file system without
    it), runs are not serialised.
    """
    try:
        import fcntl  # platform: POSIX only; without it runs are not serialised
    except ImportError:  # Windows
        yield
        return
    parents = {directory.parent for directory in directories}
    if not shared:
        for parent in parents:
            with contextlib.suppress(OSError):  # a file in the way: the plan refuses it
                parent.mkdir(parents=True, exist_ok=True)
    # In the order of the real paths, each folder once: two spellings of one folder would
    # otherwise deadlock this run against itself, or two runs against each other.
    real = sorted({os.path.realpath(parent) for parent in parents})
    _allow_descriptors(len(real))
    with contextlib.ExitStack() as stack:
        held: set[tuple[int, int]] = set()
        for parent in real:
            try:
                descriptor = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError:
                continue  # nothing there yet (--check), or not a folder: nothing to guard
            stack.callback(os.close, descriptor)
            status = os.fstat(descriptor)
            if (status.st_dev, status.st_ino) in held:
                continue
            held.add((status.st_dev, status.st_ino))
            try:
                fcntl.flock(descriptor, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            except OSError as error:
                if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EBADF, errno.EINVAL):
                    raise
        yield


def _allow_descriptors(count: int) -> None:
    """Raise the soft limit on open files when one lock per connector would pass it."""
    try:
        import resource  # platform: POSIX only
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


# --- one output directory, swapped whole ----------------------------------------------------


def _sibling_pattern(directory: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(directory.name)}\.backfill-({_PARTIAL}|{_READY}|{_OLD})-")


def recover(*directories: Path) -> None:
    """Finish or undo what an interrupted run left beside each of `directories`: with the
    directory missing, a ready sibling (the complete new set) takes its place; every other
    leftover is removed. Only real folders with the writer's own names are touched. Each
    parent folder is listed once, however many output directories it holds."""
    by_parent: dict[Path, list[Path]] = {}
    for directory in directories:
        by_parent.setdefault(directory.parent, []).append(directory)
    for parent, group in by_parent.items():
        if not parent.is_dir():
            continue
        with os.scandir(parent) as entries:  # leftovers only: their names hold the marker
            candidates = sorted(parent / e.name for e in entries if ".backfill-" in e.name)
        if candidates:
            for directory in group:
                _recover_one(directory, candidates)


def _recover_one(directory: Path, candidates: list[Path]) -> None:
    parent = directory.parent
    pattern = _sibling_pattern(directory)
    leftovers: dict[str, list[Path]] = {_PARTIAL: [], _READY: [], _OLD: []}
    for entry in candidates:
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            leftovers[match[1]].append(entry)
    if not directory.exists() and not directory.is_symlink():
        for kind in (_READY, _OLD):  # the new set if it was complete, else the old one
            if leftovers[kind]:
                os.rename(leftovers[kind].pop(), directory)
                _fsync_directory(parent)
                break
    for found in leftovers.values():
        for leftover in found:
            shutil.rmtree(leftover, ignore_errors=True)


def _stage(directory: Path, changes: list[Planned]) -> Path | None:
    """The new tree of `directory` built in a hidden sibling (not yet flushed to disk); None
    when the directory cannot be swapped and its files were replaced in place instead."""
    parent = directory.parent
    parent.mkdir(parents=True, exist_ok=True)
    if not _swappable(directory):
        _replace_in_place(changes)
        return None
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=f".{directory.name}.backfill-{_PARTIAL}-", dir=parent)
        )
    except PermissionError:  # a read-only parent: no sibling can be made
        _replace_in_place(changes)
        return None
    try:
        replaced = {change.path.relative_to(directory) for change in changes}
        if directory.is_dir():
            shutil.copystat(directory, staging)
            _link_tree(directory, staging, replaced, Path())
        else:
            os.chmod(staging, 0o777 & ~_umask())
        for change in changes:
            if change.text is not None:
                target = staging / change.path.relative_to(directory)
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_file(target, change.text)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


#: More entries than this in an output directory (it is a whole project, say `-o .`) and files
#: are replaced one by one instead of re-linking every entry into a new tree.
_MAX_SWAPPED_ENTRIES = 1000


def _swappable(directory: Path) -> bool:
    """Whether the directory may be swapped whole: not a mount point, not the working
    directory (or one holding it: a shell there would be left in a deleted folder), and not
    a large tree."""
    if not directory.is_dir():
        return True
    if os.path.ismount(directory) or Path.cwd().resolve().is_relative_to(directory.resolve()):
        return False
    entries = sum(1 for _ in itertools.islice(directory.rglob("*"), _MAX_SWAPPED_ENTRIES + 1))
    return entries <= _MAX_SWAPPED_ENTRIES


def _replace_in_place(changes: list[Planned]) -> None:
    """The fallback where no sibling folder can be made (a mount point, a read-only parent):
    each file replaced on its own through a temporary file and a rename, so every file is whole
    but a crash may leave some files old and some new; the next run completes the set. The
    record goes first listing old and new files alike, and last as it should be, so whatever a
    crash leaves on disk is recorded as ours."""
    records = [change for change in changes if change.path.name == record.RECORD_NAME]
    if records and records[0].text is not None:
        first = records[0]
        union = record.union(first.old, first.text)
        others = [change for change in changes if change is not first]
        changes = [Planned(first.path, union, first.old, first.display, first.root), *others]
        changes.append(first)
    for change in changes:
        if change.text is None:
            change.path.unlink(missing_ok=True)
            continue
        change.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_beside(change.path, change.text)
        try:
            os.replace(temporary, change.path)
        finally:
            temporary.unlink(missing_ok=True)


def _link_tree(source: Path, target: Path, skip: set[Path], relative: Path) -> None:
    """Everything under `source` except `skip` (relative paths), into `target`: files as hard
    links (the same file, untouched), folders re-created, symlinks re-created as they are."""
    with os.scandir(source) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            inner = relative / entry.name
            if inner in skip:
                continue
            destination = target / entry.name
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), destination)
            elif entry.is_dir(follow_symlinks=False):
                destination.mkdir()
                shutil.copystat(entry.path, destination)
                _link_tree(Path(entry.path), destination, skip, inner)
            elif entry.is_file(follow_symlinks=False):
                try:
                    os.link(entry.path, destination, follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, destination, follow_symlinks=False)
            else:
                raise WriteConflict(f"{entry.path}: a special file is in the output directory")


def _umask() -> int:
    current = os.umask(0o22)
    os.umask(current)
    return current


def _write_file(path: Path, text: str) -> None:
    """A new file, written whole (made durable with its tree by `_flush`); its mode as any new
    file of the user's (umask)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(text.encode("utf-8"))


def _flush(trees: list[Path]) -> None:
    """Everything written under `trees` on disk before any of them is renamed ready: one
    `syncfs` per file system where Linux has it (thousands of fsyncs, one per file and folder,
    cost seconds at 500 connectors), else an fsync of every file and then of every folder."""
    devices: dict[int, Path] = {}
    for tree in trees:
        devices.setdefault(tree.stat().st_dev, tree)
    for tree in devices.values():
        if not _syncfs(tree):
            for root in trees:
                _fsync_tree(root)
            return


def _syncfs(path: Path) -> bool:
    """`syncfs(2)` on the file system holding `path`; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, TypeError):  # an old libc
        return False
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return False
    try:
        return syncfs(descriptor) == 0
    finally:
        os.close(descriptor)


def _fsync_parents(directories: Iterable[Path]) -> None:
    """Each folder holding one of `directories` fsynced once (a rename there made durable)."""
    for parent in sorted({directory.parent for directory in directories}):
        _fsync_directory(parent)


def _fsync_directory(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some platforms cannot open a folder; the rename is still atomic
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    """Every file under `root` fsynced, then every folder (each after its files)."""
    for folder, _, files in os.walk(root):
        for name in files:
            _fsync_file(Path(folder, name))
        _fsync_directory(Path(folder))


def _fsync_file(path: Path) -> None:
    try:  # a symlink, or a user's unreadable file linked in unchanged: already on disk
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories atomically; False when the platform or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):  # not Linux (macOS, Windows) or an old libc
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(ready: Path, directory: Path) -> Path:
    """Put `ready` in the place of `directory`; the path that now holds the old tree."""
    if _exchange(ready, directory):
        return ready
    aside = ready.with_name(ready.name.replace(f"-{_READY}-", f"-{_OLD}-", 1))
    os.rename(directory, aside)
    try:
        os.rename(ready, directory)  # a crash just before this is finished by `recover`
    except BaseException:
        os.rename(aside, directory)  # an error (not a crash): put the old set back
        raise
    return aside


# --- scaffolds ------------------------------------------------------------------------------


def _create_scaffold(path: Path, text: str) -> None:
    """Create `path` whole or not at all, and never replace a file that appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_beside(path, text)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            return  # the author wrote one in the meantime: theirs wins
        except OSError:
            if path.exists():
                return
            os.replace(temporary, path)  # no hard links here; still whole or nothing
    finally:
        temporary.unlink(missing_ok=True)


def _temporary_beside(path: Path, text: str) -> Path:
    """A complete, fsynced temporary file in the folder of `path`."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; a stub is as any file the user makes
            os.fchmod(descriptor, 0o666 & ~_umask())
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def summary(changes: list[Planned], generated: dict[Path, str], also_unchanged: int = 0) -> str:
    """What `generate` did, as a short table: file, kind, lines; then the unchanged count
    (plus `also_unchanged`: the files of connectors the cache skipped)."""
    rows = []
    for change in changes:
        if change.text is None:
            kind, lines = "removed", "-"
        elif change.root is None:
            kind, lines = "stub", str(change.text.count("\n"))
        else:
            kind = "updated" if change.old is not None else "generated"
            lines = str(change.text.count("\n"))
        rows.append((change.display, kind, lines))
    unchanged = len(generated) - sum(1 for change in changes if change.path in generated)
    unchanged += also_unchanged
    if not rows:
        return f"Nothing to write: {unchanged} generated file(s) already up to date.\n"
    width = max(len("file"), *(len(row[0]) for row in rows))
    lines_out = [f"{'file':<{width}}  {'kind':<9}  lines"]
    lines_out += [f"{path:<{width}}  {kind:<9}  {count:>5}" for path, kind, count in rows]
    lines_out.append(f"{len(rows)} file(s) written or removed, {unchanged} unchanged.")
    return "\n".join(lines_out) + "\n"
