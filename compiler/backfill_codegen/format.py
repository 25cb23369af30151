"""One pinned, isolated ruff pass over all the Python a batch generates.

Every Python output of a `generate` run (any number of connectors) goes through ONE `ruff check
--select I --fix` (import sorting) and ONE `ruff format` process: the files are written to a fresh
temporary directory, ruff runs there, and the texts are read back. What could make the bytes depend
on the machine is shut out:

- `--isolated`: no pyproject.toml / ruff.toml of the user's (or of any parent directory) is read;
  line length, target version and the rule selection are given on the command line.
- `--no-cache`, and the process runs with the temporary directory as its working directory, so
  ruff's first-party detection (`src = [".", "src"]`) sees only our files, never a folder of the
  caller's that happens to be named like an import.
- Files are passed to ruff by name (explicit paths are never excluded by ruff's default
  `exclude` list or a `.gitignore`), under names we choose (`d<index>/<basename>`), so no
  caller's path reaches ruff or its output.
- ruff itself is pinned in pyproject.toml; we run the binary of the installed `ruff` package.

The scratch folder is in RAM (/dev/shm) where there is one with room to spare (`scratch_parent`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

LINE_LENGTH = 100
TARGET_VERSION = "py311"
#: Seconds one ruff run may take (a batch of hundreds of files takes well under one).
TIMEOUT_SECONDS = 120

_COMMON = (
    "--isolated",
    "--no-cache",
    "--line-length",
    str(LINE_LENGTH),
    "--target-version",
    TARGET_VERSION,
)


class FormatError(RuntimeError):
    """ruff could not format the generated Python (a bug in an emitter: it wrote invalid code)."""


def ruff_binary() -> str:
    from ruff import find_ruff_bin  # imported when formatting only: `check` never needs it

    return str(find_ruff_bin())


#: Linux's RAM-backed folder: a batch writes (and ruff rewrites) a thousand small files, which
#: costs a few tenths of a second on a disk's file system and next to nothing there.
_SHARED_MEMORY = Path("/dev/shm")


def scratch_parent(size: int) -> str | None:
    """Where the scratch folder goes: the default temporary folder when TMPDIR names one, else
    /dev/shm when it is a writable folder with room to spare for `size` characters of source
    (ruff's rewrites included), else the default. The bytes are the same in any of them."""
    if os.environ.get("TMPDIR") or not _SHARED_MEMORY.is_dir():
        return None
    try:
        status = os.statvfs(_SHARED_MEMORY)
    except OSError:
        return None
    room = status.f_bavail * status.f_frsize
    writable = os.access(_SHARED_MEMORY, os.W_OK | os.X_OK)
    return str(_SHARED_MEMORY) if writable and room > 4 * size + (64 << 20) else None


def _local_name(index: int, key: str) -> str:
    name = PurePosixPath(key).name
    if not name.endswith(".py") or name in (".py", "..py"):
        raise ValueError(f"not a Python file name: {key!r}")
    return f"d{index}/{name}"


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        arguments,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def format_python(files: dict[str, str]) -> dict[str, str]:
    """`{key: python source}` -> the same keys, each text import-sorted and formatted.

    Keys are opaque labels (relative paths such as `f0/settings.py`); only their base name, which
    must end in `.py`, is given to ruff. The result is the same for the same texts, in any
    directory, on any machine.
    """
    if not files:
        return {}
    keys = sorted(files)
    local = {key: _local_name(index, key) for index, key in enumerate(keys)}
    size = sum(len(text) for text in files.values())
    with tempfile.TemporaryDirectory(prefix="backfill-ruff-", dir=scratch_parent(size)) as temp:
        root = Path(temp)
        for key in keys:
            path = root / local[key]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[key].encode("utf-8"))
        names = [local[key] for key in keys]
        ruff = ruff_binary()
        # Imports first (the formatter then lays out what the fix left), both over the whole batch.
        sort = _run(
            [ruff, "check", *_COMMON, "--select", "I", "--fix", "--exit-zero", *names], root
        )
        if sort.returncode != 0:
            raise FormatError(f"ruff check --select I failed:\n{sort.stderr}{sort.stdout}")
        layout = _run([ruff, "format", *_COMMON, *names], root)
        if layout.returncode != 0:
            raise FormatError(f"ruff format failed:\n{layout.stderr}{layout.stdout}")
        return {key: (root / local[key]).read_bytes().decode("utf-8") for key in keys}
