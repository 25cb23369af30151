"""A description as its author means it: plain text with `code` in backticks.

Descriptions in a settings schema are plain text, but authors write identifiers and values in
backticks (`whsec_...`), as every dashboard and README does; shown literally, the backticks
read as noise. Both documentation outputs split a description into text and code pieces by
CommonMark's code-span rule (a run of N backticks closes only at the next run of exactly N;
one space is stripped from each end of code that has one on both), and show each piece for
what it is. An unclosed run is text. Nothing else in a description is markup.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"`+")


def pieces(value: str) -> list[tuple[bool, str]]:
    """(is_code, text) pieces of `value`, in order; their texts joined give `value` less the
    backtick fences (and the stripped spaces)."""
    out: list[tuple[bool, str]] = []
    position = 0
    text_start = 0
    while True:
        opening = _RUN.search(value, position)
        if opening is None:
            break
        fence = opening.group()
        closing = next((m for m in _RUN.finditer(value, opening.end()) if m.group() == fence), None)
        if closing is None:
            position = opening.end()  # an unclosed run is text
            continue
        if opening.start() > text_start:
            out.append((False, value[text_start : opening.start()]))
        code = value[opening.end() : closing.start()]
        if len(code) > 2 and code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        out.append((True, code))
        position = text_start = closing.end()
    if text_start < len(value):
        out.append((False, value[text_start:]))
    return out


def plain(value: str) -> str:
    """What a reader sees of `value`: its pieces' texts joined."""
    return "".join(text for _, text in pieces(value))
