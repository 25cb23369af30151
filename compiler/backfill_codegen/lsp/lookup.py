"""Where the cursor is in a manifest: the key under it, the object around it, the `<token>`."""

from __future__ import annotations

import re
from typing import Any

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.frontends.base import LocatedDocument
from backfill_codegen.frontends.base import _value_at as value_at  # one walk of a path

_TOKEN = re.compile(r"<[^<>\s\"'`]*>")


def key_at(document: LocatedDocument, offset: int) -> JsonPath | None:
    """The path of the key whose text holds `offset` (the innermost)."""
    found = [p for p, s in document.key_spans.items() if s.start <= offset <= s.end]
    return max(found, key=len) if found else None


def object_at(document: LocatedDocument, offset: int) -> JsonPath:
    """The innermost object whose text holds `offset`; the root when none does."""
    best: JsonPath = ()
    for path, span in document.value_spans.items():
        inside = span.start <= offset <= span.end and len(path) >= len(best)
        if inside and isinstance(value_at(document.value, path), dict):
            best = path
    return best


def token_at(text: str, offset: int) -> str | None:
    """The `<token>` the offset is in, on its line."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    for match in _TOKEN.finditer(line):
        if match.start() <= offset - line_start <= match.end():
            return match[0]
    return None


def settings(document: LocatedDocument | None) -> dict[str, dict[str, Any]]:
    """The settings the manifest declares (settingsSchema's properties), by name."""
    if document is None:
        return {}
    found = value_at(document.value, ("connection", "settingsSchema", "properties"))
    return (
        {k: v for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}
    )
