"""Escaping a manifest string for each language it lands in, so it round-trips exactly.

Every function returns a complete literal or a text safe inside the named context; none of them
can be broken out of by `*/`, quotes, backticks, `${`, newlines, U+2028/U+2029 or lone surrogates.
"""

from __future__ import annotations

import json
import re
from typing import Any


def escape_invisible(text: str) -> str:
    """Each character a reader cannot see (bidi overrides, U+2028, NBSP, BOM, lone surrogates,
    ...) as `\\uXXXX`: no "Trojan Source" reordering of the code around it. Safe on the text of
    a JSON/JS string literal (none of these follows an escaping backslash) and in comments."""
    out = []
    for char in text:
        if char.isprintable() or char in "\t ":
            out.append(char)
        elif ord(char) > 0xFFFF:
            code = ord(char) - 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def json_text(value: Any) -> str:
    """A JSON literal; also a valid JavaScript/TypeScript expression, with every invisible
    character (U+2028/9 included) written as an escape."""
    text = json.dumps(value, ensure_ascii=False)
    # `</script>` and `<!--` stay inert if the text is ever inlined into HTML.
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return escape_invisible(text)


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
    return escape_invisible(value)


# Characters with a meaning anywhere in a line of CommonMark/GFM inline text. `.`, `-`, `+`,
# `#`, `(`, `)` only mean something at the start of a block, handled by _MD_BLOCK_START.
# An `_` between two letters or digits cannot open or close emphasis, so `api_key` stays as is.
_MD_INLINE = re.compile(r"([\\`*\[\]<>&|~]|(?<![^\W_])_|_(?![^\W_]))")
_MD_BLOCK_START = re.compile(r"\A(?:([#>+=-])|(\d{1,9})([.)]))")


def md_inline(value: str) -> str:
    """Markdown text that renders as exactly `value`: inline markup and HTML escaped, a block
    marker at the start (`# `, `- `, `1. `, `> `) escaped, line breaks turned into spaces so a
    paragraph cannot be split (use a character reference where the break must survive)."""
    escaped = _MD_INLINE.sub(r"\\\1", value)
    escaped = _MD_BLOCK_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), escaped
    )
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
