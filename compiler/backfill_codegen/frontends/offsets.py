"""Byte offsets (what tree-sitter reports) to character offsets (what a SourceFile counts)."""

from __future__ import annotations

import bisect


class ByteToChar:
    """Maps UTF-8 byte offsets of a text to code point offsets in O(log n) per lookup."""

    def __init__(self, text: str) -> None:
        self._ascii = text.isascii()
        # For each non-ASCII character: its byte offset and the extra bytes it and earlier ones add.
        self._byte_offsets: list[int] = []
        self._extra: list[int] = []
        if not self._ascii:
            extra = 0
            byte_offset = 0
            for char in text:
                width = len(char.encode("utf-8", "surrogatepass"))
                if width > 1:
                    self._byte_offsets.append(byte_offset)
                    extra += width - 1
                    self._extra.append(extra)
                byte_offset += width

    def __call__(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        # Characters that start strictly before this byte offset have added their extra bytes.
        index = bisect.bisect_left(self._byte_offsets, byte_offset)
        return byte_offset - (self._extra[index - 1] if index else 0)
