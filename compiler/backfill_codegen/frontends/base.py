"""The located value tree every front end produces.

`value` is plain JSON data (dict with str keys, list, str, int, float, bool, None). Every path into
it has a span: `value_spans[path]` covers the value's text, `key_spans[path]` the key that names it
(object members only). Paths are tuples of keys and indices, like JSON pointers; `()` is the root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backfill_codegen.diagnostics.model import Diagnostic, JsonPath, Pointer
from backfill_codegen.source import SourceFile, Span


@dataclass
class LocatedDocument:
    source: SourceFile
    value: Any
    value_spans: dict[JsonPath, Span] = field(default_factory=dict)
    key_spans: dict[JsonPath, Span] = field(default_factory=dict)
    #: Members written with a value that is not static (TypeScript only; BF004 says why).
    unknown: set[JsonPath] = field(default_factory=set)

    def span(self, pointer: Pointer) -> Span:
        """The span for a pointer; a path that does not exist falls back to its nearest parent.

        A missing key points at its parent's key (or the parent value when that has no key),
        an extra key at the key, a bad value at the value.
        """
        path = pointer.path
        if pointer.within is not None and pointer.part == "value" and path in self.value_spans:
            return self._span_within(self.value_spans[path], path, pointer.within)
        if pointer.part == "key" and path in self.key_spans:
            return self.key_spans[path]
        if pointer.part == "value" and path in self.value_spans:
            return self.value_spans[path]
        if pointer.part == "start" and path in self.value_spans:
            start = self.value_spans[path].start
            return Span(start, start + 1)
        while path:
            path = path[:-1]
            if path in self.key_spans:
                return self.key_spans[path]
            if path in self.value_spans:
                return self.value_spans[path]
        return self.value_spans.get((), Span(0, 0))

    def _span_within(self, span: Span, path: JsonPath, within: tuple[int, int]) -> Span:
        """A sub-range of a string value, when its source text spells it out character for
        character (plain or simply quoted, no escapes); otherwise the whole value."""
        value = _value_at(self.value, path)
        if not isinstance(value, str):
            return span
        written = self.source.text[span.start : span.end]
        if written == value:
            offset = span.start
        elif len(written) == len(value) + 2 and written[1:-1] == value and written[0] in "\"'`":
            offset = span.start + 1
        else:
            return span
        start, end = within
        return Span(offset + start, offset + end)


@dataclass
class FrontendResult:
    """A front end's answer: the document when one could be read, and what went wrong."""

    document: LocatedDocument | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _value_at(value: Any, path: JsonPath) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value
