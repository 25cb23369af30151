"""Allowlist entries (`permissions.http`): parsing, normalization, matching and coverage.

This is THE implementation of the allowlist semantics. The checks use it, and the generated
Python and TypeScript matchers mirror it rule for rule, so every rule is spelled out here.

Entry syntax: `https://HOST[:PORT][PATH]`, where
  * the scheme is `https` (any case); anything else, or no scheme at all, is a problem;
  * HOST is a domain name or an IP literal (`1.2.3.4`, `[2001:db8::1]`). A domain is lowercased
    and IDNA-encoded with UTS-46 mapping (`Bücher.example` -> `xn--bcher-kva.example`); an
    all-ASCII domain may use letters, digits, `-` and `_` in labels of 1..63 characters, and an
    `xn--` label must be valid punycode. No `*`, no empty label, no trailing dot, no `%`, no
    whitespace. A host whose last label is numeric must be a dotted-quad IPv4 address. An IPv6
    literal is written in brackets, without a zone, and kept in its compressed form (`[::1]`;
    `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]` and stays distinct from `127.0.0.1`).
    IP literals, `localhost` and names under `localhost`, `local`, `internal` and `home.arpa`
    are usable but warned about, as are private, loopback and link-local addresses.
  * PORT is 1..65535 in decimal digits; absent means 443.
  * PATH is the path pattern. `*` matches any run of characters, `/` included; everything
    else is literal. The pattern is percent-decoded once when parsed (`%20` -> space), so it is
    compared in the same decoded space as request paths; `%2A` (a literal star) cannot be
    written, a `%` must start a `%XX` escape, and the decoded text must be UTF-8. A `.` or `..`
    segment, whitespace, control characters and `\\` are problems. No path, or `/`, means the
    pattern `/`, which allows the root path only (hence the warning that suggests `/*`).
  * no userinfo (`user@`), no query (`?`), no fragment (`#`).

Request matching, `matches(entry, url)`: the URL is parsed by the same rules, and is refused
outright (matches nothing) when it is not `https`, has userinfo, a bad host or port,
whitespace, control characters or `\\` anywhere before the query, or a path whose decoding
is not UTF-8. Otherwise it is allowed by an entry when
  1. the host equals the entry's host (after the normalization above),
  2. the port equals the entry's port (443 when absent),
  3. the request path (empty means `/`) — percent-decoded ONCE (`%XX` -> byte; a `%` not
     followed by two hex digits stays as it is; the bytes are read as UTF-8), THEN with dot
     segments removed (RFC 3986, 5.2.4) — matches the entry's pattern in full.
The query and fragment are ignored. Decoding comes first so that `/v1/%2e%2e/admin` is judged
as `/admin`; `%252e` decodes once to `%2e`, which is not a dot segment. Note that `%2F` decodes
to `/` before dot segments are removed, so `/x/..%2Fv1/a` is judged as `/v1/a`.

Coverage, `covers(a, b)`: every request that `b` allows, `a` allows too. That holds exactly when
scheme, host and port are equal and the language of `b`'s pattern is inside `a`'s, decided as a
glob match of `a` against `b`'s pattern where each of `b`'s stars is a symbol that only a star
of `a` can absorb (sound, and complete for `*`-only globs).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import idna

DEFAULT_PORT = 443
_MAX_HOST = 253
_MAX_LABEL = 63

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: Schemes recognised even without `//` after them (`http:api.example`), so the rest of the
#: string is not misread as a host and a port.
_KNOWN_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file", "mailto", "data"})
_ASCII_LABEL = re.compile(r"[a-z0-9_\-]+")
_HEX = frozenset("0123456789abcdefABCDEF")
_LOCAL_NAMES = ("localhost", "local", "internal", "home.arpa")


class Kind(StrEnum):
    """What is wrong with an entry; the checks map each kind to a rule code."""

    NOT_HTTPS = "not-https"
    HOST_WILDCARD = "host-wildcard"
    USERINFO = "userinfo"
    QUERY_OR_FRAGMENT = "query-or-fragment"
    INVALID_HOST = "invalid-host"
    INVALID_PATH = "invalid-path"
    NO_PATH = "no-path"
    LOCAL_ADDRESS = "local-address"


#: Kinds that still leave a usable entry (warnings); every other kind makes the entry unusable.
USABLE_KINDS = frozenset({Kind.NO_PATH, Kind.LOCAL_ADDRESS})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an entry, and the character range of the string it is about."""

    kind: Kind
    message: str
    start: int
    end: int


@dataclass(frozen=True)
class AllowEntry:
    """A normalized entry. Two entries are equal when scheme, host, port and pattern are, however
    each was spelled (`original` takes no part in equality or hashing)."""

    scheme: str
    host: str  # lowercase; IDNA A-labels; IPv6 in brackets, compressed
    port: int
    path_pattern: str  # percent-decoded once; `*` is the only special character
    original: str = field(compare=False)

    def url(self) -> str:
        """The normalized entry for display (the port only when not 443). The path is the decoded
        pattern, so a `%20` in the entry shows as a space here."""
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}{self.path_pattern}"


@dataclass(frozen=True)
class ParsedEntry:
    """An entry's problems, and the entry itself unless one of them is an error."""

    entry: AllowEntry | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Host:
    host: str | None  # normalized; None when invalid
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    problems: tuple[Problem, ...]


_Bad = Callable[..., "_Host"]


@dataclass(frozen=True)
class _Parts:
    """A URL cut into its parts, with where each one starts."""

    scheme: str | None
    authority: str
    authority_start: int
    path: str
    path_start: int
    tail_start: int | None  # where `?` or `#` begins
    problems: tuple[Problem, ...]


# --- cutting a URL into parts ------------------------------------------------------------


def _split(text: str) -> _Parts:
    problems: list[Problem] = []
    scheme: str | None = None
    start = 0
    match = _SCHEME.match(text)
    if match is not None:
        name = match.group()[:-1].lower()
        after = match.end()
        if text.startswith("//", after) or name in _KNOWN_SCHEMES:
            scheme = name
            if text.startswith("//", after):
                start = after + 2
            else:
                # `https:/x` or `https:\\x`: skip what stands for `//` and say so.
                start = after
                while start < len(text) and text[start] in "/\\":
                    start += 1
                if name == "https":
                    message = "expected `//` after `https:`"
                    problems.append(Problem(Kind.INVALID_HOST, message, 0, start))
    elif text.startswith("//"):
        start = 2
    end_authority = len(text)
    for index in range(start, len(text)):
        if text[index] in "/?#\\":
            end_authority = index
            break
    tail = next((i for i in range(end_authority, len(text)) if text[i] in "?#"), None)
    path_end = len(text) if tail is None else tail
    return _Parts(
        scheme,
        text[start:end_authority],
        start,
        text[end_authority:path_end],
        end_authority,
        tail,
        tuple(problems),
    )


# --- hosts and ports ----------------------------------------------------------------------


def _is_bad_char(char: str) -> bool:
    """Whitespace, or a C0/C1 control character: never part of a host or a path as written."""
    code = ord(char)
    return char.isspace() or code < 0x20 or 0x7F <= code <= 0x9F


def _bad_chars(text: str) -> bool:
    return any(_is_bad_char(char) for char in text)


def _parse_host(host: str, at: int) -> _Host:
    """Normalize a host as written between `//` (or `@`) and the port."""
    end = at + len(host)

    def bad(message: str, kind: Kind = Kind.INVALID_HOST) -> _Host:
        return _Host(None, None, (Problem(kind, message, at, max(end, at + 1)),))

    if not host:
        # Nothing to point at: point at what comes before, `https://` (or `user@`).
        return _Host(None, None, (Problem(Kind.INVALID_HOST, "the host is empty", 0, at),))
    if "*" in host:
        return bad("`*` in the host; wildcards are allowed in the path only", Kind.HOST_WILDCARD)
    if _bad_chars(host):
        return bad("the host has whitespace or control characters")
    if host.startswith("["):
        return _parse_ipv6(host, bad)
    if "[" in host or "]" in host or ":" in host:
        return bad("an IPv6 address must be written in brackets, like `[2001:db8::1]`")
    if "%" in host:
        return bad("percent-escapes are not allowed in a host")
    if host.endswith("."):
        return bad("the host ends with `.`; drop the trailing dot")
    if host.isascii():
        return _parse_ascii_host(host.lower(), bad)
    try:
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as error:
        return bad(f"the host is not a valid internationalized domain name ({error})")
    return _parse_ascii_host(encoded, bad)


def _parse_ipv6(host: str, bad: _Bad) -> _Host:
    if not host.endswith("]"):
        return bad("an IPv6 address must end with `]`")
    try:
        address = ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return bad("not a valid IPv6 address")
    if address.scope_id is not None:
        return bad("an IPv6 zone (`%...`) is not allowed")
    return _Host(f"[{address.compressed}]", address, ())


def _parse_ascii_host(host: str, bad: _Bad) -> _Host:
    labels = host.split(".")
    if any(not label for label in labels):
        return bad("the host has an empty label (`..`, or a leading `.`)")
    last = labels[-1]
    if last.isdigit() or (last.startswith("0x") and all(c in _HEX for c in last[2:])):
        # WHATWG reads a host ending in a number as IPv4; accept only the plain dotted quad.
        try:
            return _Host(host, ipaddress.IPv4Address(host), ())
        except ValueError:
            return bad("not a valid IPv4 address (write four decimal numbers, like `10.0.0.1`)")
    if len(host) > _MAX_HOST:
        return bad(f"the host is longer than {_MAX_HOST} characters")
    for label in labels:
        if not _ASCII_LABEL.fullmatch(label):
            return bad(f"the host label `{label}` has a character not allowed in a host name")
        if len(label) > _MAX_LABEL:
            return bad(f"a host label is longer than {_MAX_LABEL} characters")
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError):
                return bad(f"the host label `{label}` is not valid punycode")
    return _Host(host, None, ())


def _parse_port(port: str, at: int) -> tuple[int | None, tuple[Problem, ...]]:
    span_end = at + max(len(port), 1)
    if not port:
        return None, (Problem(Kind.INVALID_HOST, "the port is empty; drop the `:`", at - 1, at),)
    if not (port.isascii() and port.isdigit()) or len(port) > 5 or not 1 <= int(port) <= 65535:
        return None, (
            Problem(Kind.INVALID_HOST, "the port must be a number from 1 to 65535", at, span_end),
        )
    return int(port), ()


@dataclass(frozen=True)
class _Authority:
    host: str | None  # normalized; None when invalid
    port: int | None  # None when invalid
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    host_start: int
    host_end: int
    problems: tuple[Problem, ...]


def _parse_authority(authority: str, at: int) -> _Authority:
    """The parts of `userinfo@host:port`, starting at offset `at` of the URL."""
    problems: list[Problem] = []
    hostport, hostport_at = authority, at
    if "@" in authority:
        cut = authority.rindex("@")
        problems.append(
            Problem(
                Kind.USERINFO,
                "credentials (`user@`) in the URL; the platform sends credentials, not the URL",
                at,
                at + cut + 1,
            )
        )
        hostport, hostport_at = authority[cut + 1 :], at + cut + 1
    host_text, port_text = hostport, None
    if hostport.startswith("["):
        close = hostport.find("]")
        if close != -1 and close + 1 < len(hostport) and hostport[close + 1] == ":":
            host_text, port_text = hostport[: close + 1], hostport[close + 2 :]
    elif hostport.count(":") == 1:
        host_text, port_text = hostport.split(":")
    parsed = _parse_host(host_text, hostport_at)
    problems.extend(parsed.problems)
    port: int | None = DEFAULT_PORT
    if port_text is not None:
        port, port_problems = _parse_port(port_text, hostport_at + len(host_text) + 1)
        problems.extend(port_problems)
    return _Authority(
        parsed.host,
        port,
        parsed.ip,
        hostport_at,
        hostport_at + len(host_text),
        tuple(problems),
    )


# --- paths --------------------------------------------------------------------------------


def percent_decode(text: str) -> str | None:
    """`text` with each `%XX` replaced by its byte, read as UTF-8; a `%` not followed by two
    hex digits stays as it is. None when the bytes are not UTF-8."""
    if "%" not in text:
        return text
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%" and _is_escape(text, index):
            out.append(int(text[index + 1 : index + 3], 16))
            index += 3
        else:
            out.extend(char.encode("utf-8", "surrogatepass"))
            index += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_escape(text: str, index: int) -> bool:
    return index + 2 < len(text) and text[index + 1] in _HEX and text[index + 2] in _HEX


def remove_dot_segments(path: str) -> str:
    """RFC 3986, section 5.2.4, for an absolute path (one that starts with `/`)."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _path_problems(path: str, at: int) -> list[Problem]:
    problems: list[Problem] = []

    def add(message: str, start: int, end: int) -> None:
        problems.append(Problem(Kind.INVALID_PATH, message, at + start, at + end))

    for index, char in enumerate(path):
        if _is_bad_char(char):
            add(
                "whitespace or a control character in the path; write it as `%XX`", index, index + 1
            )
        elif char == "\\":
            add("a backslash in the path", index, index + 1)
        elif char == "%" and not _is_escape(path, index):
            add("a `%` that does not start a `%XX` escape; write `%25`", index, index + 1)
        elif char == "%" and path[index + 1 : index + 3].upper() == "2A":
            add("`%2A` would be a literal `*`, which a pattern cannot express", index, index + 3)
    if problems:
        return problems
    decoded = percent_decode(path)
    if decoded is None:
        add("the path's percent-escapes do not decode to UTF-8", 0, len(path))
        return problems
    if any(segment in (".", "..") for segment in decoded.split("/")):
        add(
            "a `.` or `..` segment in the path; request paths are matched with those removed",
            0,
            len(path),
        )
    return problems


# --- entries ------------------------------------------------------------------------------


def parse_entry(text: str) -> ParsedEntry:
    """Parse one `permissions.http` entry; never raises. Problems are in string order."""
    if not text.strip():
        problem = Problem(Kind.INVALID_HOST, "the entry is empty", 0, max(len(text), 1))
        return ParsedEntry(None, (problem,))
    parts = _split(text)
    problems: list[Problem] = list(parts.problems)
    if parts.scheme is None:
        message = "the entry has no scheme; it must start with `https://`"
        problems.append(Problem(Kind.NOT_HTTPS, message, 0, len(text)))
    elif parts.scheme != "https":
        message = f"the scheme is `{parts.scheme}`; only `https` is allowed"
        problems.append(Problem(Kind.NOT_HTTPS, message, 0, len(parts.scheme)))
    authority = _parse_authority(parts.authority, parts.authority_start)
    problems.extend(authority.problems)
    if authority.host is not None:
        local = _local_reason(authority.host, authority.ip)
        if local is not None:
            problems.append(
                Problem(Kind.LOCAL_ADDRESS, local, authority.host_start, authority.host_end)
            )
    problems.extend(_path_problems(parts.path, parts.path_start))
    if parts.tail_start is not None:
        what = "a query" if text[parts.tail_start] == "?" else "a fragment"
        problems.append(
            Problem(
                Kind.QUERY_OR_FRAGMENT,
                f"{what} in the entry; requests are matched on scheme, host, port and path only",
                parts.tail_start,
                len(text),
            )
        )
    path = parts.path
    if path in ("", "/") and parts.authority:
        message = "the entry has no path, so it allows only `/` on this host"
        # An absent path is pointed at as the whole entry; a lone `/` at itself.
        where = (parts.path_start, parts.path_start + 1) if path else (0, len(text))
        problems.append(Problem(Kind.NO_PATH, message, *where))
    problems = [_clamp(problem, len(text)) for problem in problems]
    problems.sort(key=lambda problem: (problem.start, problem.end, problem.kind.value))
    pattern = percent_decode(path or "/")
    usable = all(problem.kind in USABLE_KINDS for problem in problems)
    if not usable or authority.host is None or authority.port is None or pattern is None:
        return ParsedEntry(None, tuple(problems))
    entry = AllowEntry("https", authority.host, authority.port, pattern, text)
    return ParsedEntry(entry, tuple(problems))


def _clamp(problem: Problem, length: int) -> Problem:
    """A problem with its range inside the text and non-empty (else the whole text)."""
    start, end = max(problem.start, 0), min(problem.end, length)
    if start >= end:
        start, end = 0, length
    return Problem(problem.kind, problem.message, start, end)


def _local_reason(
    host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
) -> str | None:
    if ip is not None:
        checked = ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip
        if checked.is_loopback:
            return "a loopback address: it reaches the platform's own machine, not a service"
        if checked.is_link_local:
            return "a link-local address: not reachable from the platform"
        if checked.is_private or checked.is_reserved or checked.is_unspecified:
            return "a private or reserved address: not reachable from the platform"
        return "an IP address: it can change owner; allow the service's host name instead"
    for name in _LOCAL_NAMES:
        if host == name or host.endswith("." + name):
            return f"`{host}` is a local name: not reachable from the platform"
    return None


# --- matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request URL reduced to what matching compares."""

    host: str
    port: int
    path: str  # decoded once, dot segments removed


def parse_request(url: str) -> Request | None:
    """The parts of a request URL that matching compares; None when the URL is refused."""
    parts = _split(url)
    if parts.problems or parts.scheme != "https" or "@" in parts.authority:
        return None
    head = url if parts.tail_start is None else url[: parts.tail_start]
    if _bad_chars(head) or "\\" in head:
        return None
    authority = _parse_authority(parts.authority, parts.authority_start)
    if authority.problems or authority.host is None or authority.port is None:
        return None
    decoded = percent_decode(parts.path or "/")
    if decoded is None:
        return None
    return Request(authority.host, authority.port, remove_dot_segments(decoded))


def glob_match(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` in full; `*` matches any run of characters.

    Linear-time in practice: the literal pieces between stars are found leftmost-first, which
    is exact for `*`-only globs (a later match of a piece never helps the pieces after it).
    """
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == text
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(text):
        return False
    if not text.startswith(first) or not text.endswith(last):
        return False
    position, limit = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, limit)
        if found == -1:
            return False
        position = found + len(piece)
    return True


def matches(entry: AllowEntry, url: str) -> bool:
    """Whether `entry` allows a request to `url`."""
    request = parse_request(url)
    return request is not None and _allows(entry, request)


def _allows(entry: AllowEntry, request: Request) -> bool:
    return (
        entry.scheme == "https"
        and entry.host == request.host
        and entry.port == request.port
        and glob_match(entry.path_pattern, request.path)
    )


def is_allowed(entries: Iterable[AllowEntry], url: str) -> bool:
    """Whether any entry allows a request to `url`."""
    request = parse_request(url)
    return request is not None and any(_allows(entry, request) for entry in entries)


def covers(a: AllowEntry, b: AllowEntry) -> bool:
    """Whether `a` allows every request that `b` allows."""
    if (a.scheme, a.host, a.port) != (b.scheme, b.host, b.port):
        return False
    return pattern_includes(a.path_pattern, b.path_pattern)


def pattern_includes(outer: str, inner: str) -> bool:
    """Whether every string `inner` matches is matched by `outer` (both `*`-globs).

    Each star of `inner` becomes a character `outer` does not contain, so only a star of
    `outer` can absorb it: `outer` matches that string exactly when the inclusion holds.
    """
    used = set(outer)
    sentinel = next(chr(code) for code in range(0xE000, 0x110000) if chr(code) not in used)
    return glob_match(outer, inner.replace("*", sentinel))
