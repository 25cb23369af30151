"""The outbound HTTP allowlist of this connector (`permissions.http`), and `is_allowed(url)`.

A request URL is allowed when some entry has its host, its port (443 when absent) and a path
pattern that matches the whole request path: the path percent-decoded once (`%XX` -> byte, the
bytes read as UTF-8; a `%` without two hex digits stays), with its `.` and `..` segments
removed. `*` in a pattern matches any run of characters, `/` included; everything else is
literal. The query and the fragment are ignored.

Only what is read exactly as the WHATWG URL parser (Node's `new URL`, what the request is sent
with) reads it can be allowed. A URL is refused outright when it does not start with `https://`,
has credentials (`user@`), a host that is not ASCII or not spelt as an entry spells it (lowercase
aside), an empty or bad port, whitespace, a control character or `\\` before its query, an
encoded `.`, `/` or `\\` (`%2E`, `%2F`, `%5C`, any case) in its path, or a path that does not
decode to UTF-8.

These are the rules backfill-codegen checks the allowlist with; permissions.ts applies the same.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote_to_bytes


class AllowEntry(NamedTuple):
    """One normalized entry; `original` is the entry as the manifest wrote it."""

    scheme: str
    host: str  # lowercase ASCII: IDNA A-labels, a dotted-quad IPv4, or [IPv6] as WHATWG writes it
    port: int
    path_pattern: str  # percent-decoded once; `*` matches any run of characters
    original: str


# <data>
CONNECTOR = ""
ALLOWLIST: tuple[AllowEntry, ...] = ()
# </data>

DEFAULT_PORT = 443
#: Refused before the query: C0 controls and space, `\`, DEL and C1 controls, and what else
#: Python's str.isspace calls whitespace (inclusive ranges, all below U+D800).
REFUSED_RANGES = (
    (0x00, 0x20), (0x5C, 0x5C), (0x7F, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
    (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
)  # fmt: skip
#: Escapes WHATWG sends as they are: a server that decodes them sees a `.`, `/` or `\` that
#: the path the matcher judged did not have.
REFUSED_ESCAPES = ("%2e", "%2f", "%5c")


def is_allowed(url: str) -> bool:
    """Whether a request to `url` is allowed by some entry of ALLOWLIST."""
    return is_allowed_by(ALLOWLIST, url)


def is_allowed_by(entries: Iterable[AllowEntry], url: str) -> bool:
    """Whether a request to `url` is allowed by one of `entries`."""
    request = parse_request(url)
    if request is None:
        return False
    host, port, path = request
    return any(
        entry.host == host and entry.port == port and glob_match(entry.path_pattern, path)
        for entry in entries
    )


def parse_request(url: object) -> tuple[str, int, str] | None:
    """(host, port, path) of a request URL, the host lowercased and the path decoded and without
    dot segments; None when the URL is refused."""
    if not isinstance(url, str) or not url[:8].isascii() or url[:8].lower() != "https://":
        return None
    cuts = [at for at in (url.find("?"), url.find("#")) if at != -1]
    head = url[: min(cuts, default=len(url))]
    if any(_refused(char) for char in head):
        return None
    end = head.find("/", 8)
    end = len(head) if end == -1 else end
    authority, path = head[8:end], head[end:] or "/"
    if not authority.isascii() or "@" in authority:
        return None
    host, port_text = authority, None
    if authority.startswith("["):  # an IPv6 address: its colons are not the port's
        close = authority.find("]") + 1
        if not close or authority[close : close + 1] not in ("", ":"):
            return None
        host = authority[:close]
        if close < len(authority):
            port_text = authority[close + 1 :]
    elif ":" in authority:
        host, _, port_text = authority.partition(":")
    port = DEFAULT_PORT if port_text is None else _port(port_text)
    if port is None or any(escape in path.lower() for escape in REFUSED_ESCAPES):
        return None
    decoded = percent_decode(path)
    return None if decoded is None else (host.lower(), port, remove_dot_segments(decoded))


def _refused(char: str) -> bool:
    code = ord(char)
    return any(first <= code <= last for first, last in REFUSED_RANGES)


def _port(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 5:
        return None
    return int(text) if 1 <= int(text) <= 65535 else None


def percent_decode(text: str) -> str | None:
    """`text` with each `%XX` replaced by its byte, read as UTF-8; a `%` not followed by two hex
    digits stays as it is. None when the result (or `text`: a lone surrogate) is not UTF-8."""
    try:
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeError:
        return None


def remove_dot_segments(path: str) -> str:
    """RFC 3986, section 5.2.4 (what WHATWG does too), for a path that starts with `/`."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        if segment in (".", ".."):
            if segment == ".." and output:
                output.pop()
            if index == len(segments) - 1:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def glob_match(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` in full, `*` matching any run of characters. The literal
    pieces between stars are found leftmost-first: linear, and exact for `*`-only globs. No
    regular expression is built from an entry."""
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == text
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(text) or not (text.startswith(first) and text.endswith(last)):
        return False
    position, limit = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, limit)
        if found == -1:
            return False
        position = found + len(piece)
    return True
