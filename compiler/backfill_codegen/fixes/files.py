"""Writing a fixed manifest back: only over the text that was checked, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_BOM = b"\xef\xbb\xbf"


class Changed(Exception):
    """The file on disk is no longer the text that was checked (edited meanwhile)."""


def replace_text(path: Path, checked: str, fixed: str) -> None:
    """Write `fixed` over `path` when it still holds `checked` (its BOM kept): a temporary file
    beside it, then one rename, so a reader sees the old text or the new, never half."""
    path = Path(os.path.realpath(path))  # a symlinked manifest: its target is the text
    data = path.read_bytes()
    bom = _BOM if data.startswith(_BOM) else b""
    if data[len(bom) :] != checked.encode("utf-8"):
        raise Changed(path)
    mode = os.stat(path).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(bom + fixed.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
