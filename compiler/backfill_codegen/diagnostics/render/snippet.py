"""One source line as shown in a code frame: escaped, tab-expanded, cut around the span."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from backfill_codegen.diagnostics.render.display import cell

#: At most this many columns of a source line are shown, so a 10 MB one-line file prints a line.
MAX_WIDTH = 120
#: When a line is cut, this many columns are kept left of the span's start.
LEFT_CONTEXT = 40
ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    text: str  # what to print after the gutter
    caret_start: int  # 0-based display column of the first caret
    caret_width: int  # at least 1


def snippet(line: str, start: int, end: int) -> Snippet:
    """`line` without its break; `start` <= `end` are character indices into it (may equal len)."""
    start = max(0, min(start, len(line)))
    end = max(start, min(end, len(line)))
    # Only a window of characters around the span is ever measured: each is at least 0 and at
    # most 10 columns wide, so MAX_WIDTH characters either side cover anything we can show.
    first = max(0, start - MAX_WIDTH)
    last = min(len(line), start + MAX_WIDTH)
    cells = [cell(char) for char in line[first:last]]
    # pos[i] is the display column where line[first + i] begins.
    pos = [0, *accumulate(width for _, width in cells)]

    def column(index: int) -> int:
        return pos[index - first]

    left = first
    caret_room = min(max(1, column(min(end, last)) - column(start)), MAX_WIDTH // 4)
    if first > 0 or column(start) + caret_room > MAX_WIDTH:
        left = start
        while left > first and column(start) - column(left - 1) <= LEFT_CONTEXT:
            left -= 1
    right = left
    limit = column(left) + MAX_WIDTH
    while right < last and column(right + 1) <= limit:
        right += 1

    prefix = ELLIPSIS if left > 0 else ""
    suffix = ELLIPSIS if right < len(line) else ""
    body = "".join(shown for shown, _ in cells[left - first : right - first])
    caret_start = len(prefix) + column(start) - column(left)
    caret_end = column(min(end, right)) if end > start else column(start)
    return Snippet(prefix + body + suffix, caret_start, max(1, caret_end - column(start)))
