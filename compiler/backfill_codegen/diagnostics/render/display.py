"""Making untrusted text safe and measurable on a terminal.

Source lines and messages carry whatever the manifest holds. Control characters, bidi overrides
(U+202A-202E, U+2066-2069), line/paragraph separators and other format characters are shown as
visible escapes (`\\u202e`) so they cannot reorder or break the terminal; each displayed character
has a width in terminal columns (East Asian wide = 2, combining marks = 0) so carets line up.
"""

from __future__ import annotations

import unicodedata

#: A tab in a source line is shown as this many spaces (rustc does the same), so the caret
#: under it never depends on the terminal's tab stops.
TAB_WIDTH = 4

# Cc: C0/C1 controls; Cf: format characters (bidi overrides and isolates, LRM/RLM, ZWJ, BOM,
# soft hyphen); Cs: lone surrogates, which cannot even be encoded; Zl/Zp: U+2028 and U+2029.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(char: str) -> str:
    """The visible escape of one character, Python style."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def needs_escape(char: str) -> bool:
    return unicodedata.category(char) in _ESCAPED_CATEGORIES


def visible(text: str) -> str:
    """`text` with every unsafe character replaced by its visible escape (tabs included)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(escape(char) if needs_escape(char) else char for char in text)


def display_path(path: str) -> str:
    """A file path as text that any UTF-8 output can carry. A path the OS gave us that is not
    UTF-8 holds surrogate escapes (PEP 383, one per undecodable byte), which no UTF-8 writer
    accepts; each such byte is shown as `\\xNN` instead."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no OS path decodes to: show it, never fail
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def path_bytes(path: str) -> bytes:
    """The bytes of a file path as the OS knows them (for a URI's percent-encoding)."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace")


def cell(char: str) -> tuple[str, int]:
    """How one source character is displayed in a code frame, and its width in columns."""
    if char == "\t":
        return " " * TAB_WIDTH, TAB_WIDTH
    if " " <= char <= "~":
        return char, 1
    category = unicodedata.category(char)
    if category in _ESCAPED_CATEGORIES:
        shown = escape(char)
        return shown, len(shown)
    if category in ("Mn", "Me"):
        return char, 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return char, 2
    return char, 1
