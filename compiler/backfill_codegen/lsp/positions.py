"""Code point offsets (the compiler's spans) <-> LSP positions (0-based lines, UTF-16 units)."""

from __future__ import annotations

from lsprotocol import types

from backfill_codegen.source import SourceFile, Span


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(source: SourceFile, offset: int) -> types.Position:
    where = source.position(offset)
    line_start = source.line_starts[where.line - 1]
    return types.Position(
        where.line - 1, _units(source.text[line_start : line_start + where.column - 1])
    )


def range_of(source: SourceFile, span: Span) -> types.Range:
    return types.Range(position(source, span.start), position(source, span.end))


def as_tuple(at: types.Range) -> tuple[int, int, int, int]:
    return (at.start.line, at.start.character, at.end.line, at.end.character)


def offset(source: SourceFile, at: types.Position) -> int:
    """The code point offset of an LSP position (clamped to its line, as editors do)."""
    starts = source.line_starts
    if at.line >= len(starts):
        return len(source.text)
    index = starts[at.line]
    end = starts[at.line + 1] if at.line + 1 < len(starts) else len(source.text)
    units = 0
    while index < end and units < at.character and source.text[index] not in "\r\n":
        units += 2 if ord(source.text[index]) > 0xFFFF else 1
        index += 1
    return index
