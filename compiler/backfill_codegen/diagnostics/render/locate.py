"""A label's 1-based start and (exclusive) end line and column, for the machine formats."""

from __future__ import annotations

from dataclasses import dataclass

from backfill_codegen.diagnostics.model import Label
from backfill_codegen.diagnostics.render.display import display_path


@dataclass(frozen=True)
class Location:
    path: str  # as text any output can carry (`display_path`); `raw_path` is the OS's
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive: the column just after the last character, like ruff's JSON
    raw_path: str = ""  # the path as given, surrogate escapes and all


def clamp(label: Label) -> tuple[int, int]:
    """The label's span, kept inside its text (a renderer must not fail on a bad span)."""
    length = len(label.source.text)
    start = max(0, min(label.span.start, length))
    end = max(start, min(label.span.end, length))
    return start, end


def locate(label: Label) -> Location:
    start, end = clamp(label)
    begin = label.source.position(start)
    finish = label.source.position(end)
    path = display_path(label.source.path)
    return Location(path, begin.line, begin.column, finish.line, finish.column, label.source.path)
