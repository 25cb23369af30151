"""Escaping a manifest string for each language it lands in, so it round-trips exactly.

Every function returns a complete literal or a text safe inside the named context; none of them
can be broken out of by `*/`, quotes, backticks, `${`, newlines, U+2028/U+2029 or lone surrogates.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Characters that end a line or reorder text in some reader, written as escapes where we can.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_text(value: Any) -> str:
    """A JSON literal; also a valid JavaScript/TypeScript expression (U+2028/9 escaped)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in _LINE_BREAKS.items():
        text = text.replace(char, escape)
    # `</script>` and `<!--` stay inert if the text is ever inlined into HTML.
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    # Lone surrogates cannot be written as UTF-8: keep them as \\u escapes.
    return re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def ts_string(value: str) -> str:
    """A TypeScript string literal that evaluates to exactly `value`."""
    return json_text(value)


def py_string(value: str) -> str:
    """A Python string literal that evaluates to exactly `value` (repr is exact, surrogates too)."""
    return repr(value)


def comment_text(value: str) -> str:
    """Text safe inside a `/* ... */` or JSDoc block and on one `//` or `#` line each: no line
    breaks of any kind (JS counts U+2028/U+2029 as line ends), no `*/`. Not a round-trip:
    comments are for people; the literal beside them carries the exact value."""
    value = value.replace("*/", "*\\/")
    value = re.sub(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]", " ", value)
    return re.sub(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]", "\ufffd", value)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md_inline(value: str) -> str:
    """Markdown text that renders as exactly `value`: every special character escaped, HTML
    inert, line breaks kept as `<br>`-free spaces so a paragraph cannot be split."""
    escaped = _MD_SPECIAL.sub(r"\\\1", value)
    return re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", escaped)


def md_cell(value: str) -> str:
    """Text for a Markdown table cell: like md_inline; `|` is escaped so the row holds."""
    return md_inline(value)


def md_code(value: str) -> str:
    """An inline code span holding `value` (backtick runs longer than any inside it)."""
    value = re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", value)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"
