"""Source files and spans: character offsets in, 1-based editor lines and columns out."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range of character (code point) offsets into a SourceFile's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            object.__setattr__(self, "end", self.start)


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in code points


@dataclass(eq=False)
class SourceFile:
    """A decoded source text and its display path (relative, forward slashes).

    Lines end at LF, CRLF or a lone CR, as editors count them; U+2028, U+2029, NEL and
    form feeds are characters, not line breaks.
    """

    path: str
    text: str
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            text = self.text
            index = 0
            length = len(text)
            while index < length:
                newline = text.find("\n", index)
                carriage = text.find("\r", index)
                if newline < 0 and carriage < 0:
                    break
                if carriage < 0 or (0 <= newline < carriage):
                    index = newline + 1
                elif carriage + 1 < length and text[carriage + 1] == "\n":
                    index = carriage + 2
                else:
                    index = carriage + 1
                starts.append(index)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(line_index + 1, offset - self.line_starts[line_index] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        starts = self.line_starts
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
