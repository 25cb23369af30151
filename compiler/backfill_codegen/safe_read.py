"""Reading a file the user's tree names, without being led out of it.

Every file the compiler reads from a connector (the manifest, route files, the files the cache
key hashes) and every file `generate` reads back from an output directory goes through here.

- A path whose real location (every symlink resolved) lies outside `root` is refused BEFORE it
  is opened: nothing outside is read, and opening `/dev/stdin` or a FIFO cannot hang the run.
- The file is opened with O_NONBLOCK and must be a regular file.
- The check is then repeated on the file actually opened (its `/proc/self/fd` link on Linux,
  else its device and inode against the path resolved first), so a symlink swapped between the
  check and the open is caught too.
- Reads are bounded: `read_bounded` stops one byte past the limit, `sha256_bounded` streams.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from backfill_codegen import overlay

_CHUNK = 1 << 20
_PROC_FD = "/proc/self/fd"


class Outside(OSError):
    """The path resolves outside the root it must stay in; it was not opened."""


class NotRegular(OSError):
    """Not a regular file: a folder, a device, a FIFO, a dangling symlink or a symlink loop."""


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether `path`, every symlink resolved, is `root` or below it (both resolved)."""
    real_root = os.path.realpath(root)
    return _below(os.path.realpath(path), real_root)


def _below(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def open_regular(
    path: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    *,
    follow: bool = True,
    root_is_real: bool = False,
) -> int:
    """A read-only descriptor of `path`, a regular file inside `root` (None: anywhere).

    `follow=False` refuses a symlink as the last component (O_NOFOLLOW). `root_is_real`: the
    caller resolved `root` already (one realpath per connector, not per file). Raises Outside,
    NotRegular, or the OSError of the open itself.
    """
    real_root = (
        None if root is None else os.fspath(root) if root_is_real else os.path.realpath(root)
    )
    real = os.path.realpath(path)
    if real_root is not None and not _below(real, real_root):
        raise Outside(errno.EXDEV, "outside the connector directory", os.fspath(path))
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows only
    for name in ("O_NONBLOCK", "O_CLOEXEC", "O_NOCTTY"):  # POSIX only
        flags |= getattr(os, name, 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOENT) and os.path.islink(path):
            raise NotRegular(error.errno, "a dangling symlink or a loop", os.fspath(path)) from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file", os.fspath(path))
        if real_root is not None and not _opened_inside(descriptor, status, real, real_root):
            raise Outside(errno.EXDEV, "outside the connector directory", os.fspath(path))
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _opened_inside(descriptor: int, status: os.stat_result, real: str, real_root: str) -> bool:
    """Whether the file behind `descriptor` is the one resolved inside the root."""
    try:
        opened = os.readlink(f"{_PROC_FD}/{descriptor}")
    except OSError:
        opened = None
    if opened is not None and opened.startswith(os.sep):
        return _below(opened, real_root)
    try:
        expected = os.stat(real, follow_symlinks=False)
    except OSError:
        return False
    return (expected.st_dev, expected.st_ino) == (status.st_dev, status.st_ino)


def read_bounded(
    path: str | os.PathLike[str],
    limit: int,
    root: str | os.PathLike[str] | None = None,
    *,
    follow: bool = True,
) -> bytes:
    """At most `limit + 1` bytes of the file (one more than allowed tells the caller it is too
    large), opened as `open_regular` does. A text the editor holds (overlay.py) wins."""
    edited = overlay.lookup(path)
    if edited is not None and (root is None or inside(path, root)):
        return edited[: limit + 1]
    descriptor = open_regular(path, root, follow=follow)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(limit + 1)


def sha256_bounded(descriptor: int, limit: int) -> tuple[bytes, int] | None:
    """The sha256 and size of an open file, read in chunks; None when it holds more than `limit`
    bytes (the memory used is one chunk, whatever the file's size). Closes the descriptor."""
    digest, size = hashlib.sha256(), 0
    with os.fdopen(descriptor, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                return None
            digest.update(chunk)
    return digest.digest(), size


def write_private(path: Path, data: bytes) -> None:
    """Create `path` whole with mode 0600, never over an existing file or through a symlink."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # no clobber: a racing creator's secret wins
    finally:
        temporary.unlink(missing_ok=True)
