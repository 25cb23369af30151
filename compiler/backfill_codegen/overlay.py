"""Texts an editor holds, unsaved: the compiler reads them instead of the files on disk.

The language server checks what the user sees, not what was last saved. `safe_read` consults
this overlay first, so the manifest and its route files go through the one pipeline `check`
uses. Outside `editing(...)` the overlay is empty and nothing changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

_TEXTS: ContextVar[Mapping[str, bytes] | None] = ContextVar("backfill_overlay", default=None)


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.abspath(os.fspath(path))


@contextmanager
def editing(texts: Mapping[str | os.PathLike[str], str]) -> Iterator[None]:
    """While inside, a read of one of `texts`' paths returns its text (UTF-8)."""
    token = _TEXTS.set({_key(path): text.encode("utf-8") for path, text in texts.items()})
    try:
        yield
    finally:
        _TEXTS.reset(token)


def lookup(path: str | os.PathLike[str]) -> bytes | None:
    """The edited text of `path` (encoded), or None when the editor holds none."""
    texts = _TEXTS.get()
    return texts.get(_key(path)) if texts else None
