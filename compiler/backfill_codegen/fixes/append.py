"""Appending a string to an array of the manifest, written as its neighbours are."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backfill_codegen.diagnostics.model import JsonPath
from backfill_codegen.fixes.edits import SAFE, Edit

if TYPE_CHECKING:
    from backfill_codegen.pipeline import ManifestResult

_BLOCK_ITEM = re.compile(r"[ \t]*-[ \t]+")


def _at(value: object, path: JsonPath) -> object:
    for step in path:
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value


def append_entry(result: ManifestResult, path: JsonPath, entry: str) -> list[Edit]:
    document = result.document
    if document is None or not SAFE.fullmatch(entry):
        return []
    items = _at(document.value, path)
    if not isinstance(items, list) or entry in items or path not in document.value_spans:
        return []
    text = document.source.text
    yaml = result.path.suffix.lower() in (".yaml", ".yml")
    whole = document.value_spans[path]
    if not items:
        opened = text[whole.start : whole.end]
        if not opened.startswith("[") or not opened.endswith("]"):
            return []
        quote = "" if yaml else '"'
        return [Edit(whole.start + 1, whole.start + 1, f"{quote}{entry}{quote}")]
    last = document.value_spans.get((*path, len(items) - 1))
    if last is None or not whole.start <= last.start <= last.end <= whole.end:
        return []  # a TypeScript entry spread from a constant: its array is not this one
    written = text[last.start : last.end]
    quote = written[0] if written[:1] in ("'", '"') else ("" if yaml else '"')
    new = f"{quote}{entry}{quote}"
    line_start = text.rfind("\n", 0, last.start) + 1
    before = text[line_start : last.start]
    newline = "\r\n" if "\r\n" in text else "\n"
    if yaml and _BLOCK_ITEM.fullmatch(before):
        ends = (text.find("\r", last.end), text.find("\n", last.end))
        line_end = min((i for i in ends if i >= 0), default=len(text))
        return [Edit(line_end, line_end, f"{newline}{before}{new}")]
    if not text[whole.start : whole.end].startswith("["):
        return []
    if before.strip() == "":  # one entry per line: the new one on a line of its own
        return [Edit(last.end, last.end, f",{newline}{before}{new}")]
    return [Edit(last.end, last.end, f", {new}")]
