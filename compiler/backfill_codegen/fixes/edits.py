"""Text edits: a span of the manifest's text and what replaces it; applying them; diffs."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: What a replacement may hold to be written as is in any of the three formats' strings or
#: plain scalars: no quote, escape, space or flow indicator; no `#` first (a YAML comment).
SAFE = re.compile(r"[A-Za-z0-9_\-./:<>*$?=&%~+@][A-Za-z0-9_\-./:<>*$?=&%~+@#]*")


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] (code point offsets) with `text`; start == end inserts."""

    start: int
    end: int
    text: str


def compatible(edits: Iterable[Edit]) -> list[Edit]:
    """The edits in order, each duplicate once, and none that overlaps one kept before it
    (two fixes for one place: the first wins, the next run of --fix sees the rest). Insertions
    at one point are kept when each carries its own separator (entries appended to a list)."""
    kept: list[Edit] = []
    for edit in sorted(set(edits)):
        if kept and edit.start < kept[-1].end:
            continue
        same_point = kept and edit.start == kept[-1].start == kept[-1].end == edit.end
        if same_point and not edit.text.startswith((",", "\n", "\r")):
            continue  # the order of two bare insertions would be arbitrary
        kept.append(edit)
    return kept


def apply(text: str, edits: Iterable[Edit]) -> str:
    """`text` with the compatible edits applied; everything else byte for byte as it was."""
    parts, at = [], 0
    for edit in compatible(edits):
        parts += [text[at : edit.start], edit.text]
        at = edit.end
    parts.append(text[at:])
    return "".join(parts)


def unified(display: str, before: str, after: str) -> str:
    """A unified diff of one file, `a/` and `b/` prefixed like git's."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{display}",
            f"b/{display}",
        )
    )
