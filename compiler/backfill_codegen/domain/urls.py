"""Allowlist entries (`permissions.http`): parsing, normalization, matching and coverage.

This is THE definition of the allowlist semantics. Entries are read here; requests are judged by
the matcher runtime (backfill_codegen/runtime/permissions_runtime.py), which generated
permissions.py
carries verbatim and permissions.ts mirrors rule for rule, so the checks and the generated code
judge with one implementation.

Entry syntax: `https://HOST[:PORT][PATH]`, where
  * the scheme is `https` (any case); anything else, or no scheme at all, is a problem;
  * HOST is a domain name or an IP literal (`1.2.3.4`, `[2001:db8::1]`), stored as the ASCII text
    the WHATWG URL parser (what the request is sent with) makes of it. A domain is lowercased;
    labels of 1..63 characters hold letters, digits, `-` and `_`, and an `xn--` label must be
    punycode that round-trips. A non-ASCII domain is IDNA-encoded at compile time (UTS-46, the
    pinned `idna` package: `Bücher.example` -> `xn--bcher-kva.example`) and warned about, since
    requests must then spell the A-labels; one holding a UTS-46 deviation character (`ß`, `ς`,
    ZWJ, ZWNJ, after mapping, so `ẞ` too) is an error, because IDNA implementations send it to
    different hosts (`xn--fa-hia.de` or `fass.de`). No `*`, no empty label, no trailing dot, no
    `%`, no whitespace. A host whose last label is numeric must be a dotted-quad IPv4 address.
    An IPv6 literal is written in brackets, without a zone, and stored as WHATWG serializes it
    (`[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]` and stays distinct from `127.0.0.1`). IP
    literals, `localhost` and names under `localhost`, `local`, `internal` and `home.arpa` are
    usable but warned about, as are private, loopback and link-local addresses.
  * PORT is 1..65535 in decimal digits; absent means 443.
  * PATH is the path pattern. `*` matches any run of characters, `/` included; everything
    else is literal. The pattern is percent-decoded once when parsed (`%20` -> space), so it is
    compared in the same decoded space as request paths; `%2A` (a literal star) cannot be
    written, nor `%2E`, `%2F` or `%5C` (requests carrying them are refused), a `%` must start a
    `%XX` escape, and the decoded text must be UTF-8. A `.` or `..` segment, whitespace, control
    characters and `\\` are problems. No path, or `/`, means the pattern `/`, which allows the
    root path only (hence the warning that suggests `/*`).
  * no userinfo (`user@`), no query (`?`), no fragment (`#`).

Request matching, `matches(entry, url)` (the runtime's `parse_request`): a URL is refused
outright (matches nothing) unless it starts with `https://` and its host is ASCII; it is also
refused for userinfo, an empty or bad port, whitespace, control characters or `\\` anywhere
before the query, `%2E`, `%2F` or `%5C` (any case) in the path, or a path whose decoding is
not UTF-8.
Otherwise it is allowed by an entry when
  1. the host, lowercased, equals the entry's host as stored (no other spelling is read: what
     is equal to a valid entry host is parsed by WHATWG into that same host),
  2. the port equals the entry's port (443 when absent),
  3. the request path (empty means `/`), percent-decoded ONCE (`%XX` -> byte; a `%` not followed
     by two hex digits stays as it is; the bytes are read as UTF-8), then with dot segments
     removed (RFC 3986, 5.2.4, as WHATWG does), matches the entry's pattern in full.
The query and fragment are ignored. With encoded dots, slashes and backslashes refused, decoding
creates no segment and no dot segment, so the path judged is the path WHATWG sends, decoded once
(tests/domain/test_url_whatwg.py checks that against Node's `new URL` on a generated corpus).

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

from backfill_codegen.runtime import permissions_runtime as runtime
from backfill_codegen.runtime.permissions_runtime import (
    glob_match,
    percent_decode,
    remove_dot_segments,
)

__all__ = ["glob_match", "percent_decode", "remove_dot_segments"]  # the runtime's, used here

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
#: UTS-46's deviation characters (a fixed set): transitional processing, IDNA 2003 and older
#: parsers map them away (`ß` -> `ss`), non-transitional processing keeps them.
_DEVIATIONS = {"\u00df": "ss", "\u03c2": "\u03c3", "\u200c": "", "\u200d": ""}
#: Encoded characters refused in request paths (the runtime's list), so in patterns too.
_ENCODED = {"2E": "`.`", "2F": "`/`", "5C": "`\\`"}


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
    NON_ASCII_HOST = "non-ascii-host"
    AMBIGUOUS_IDN = "ambiguous-idn"


#: Kinds that still leave a usable entry (warnings); every other kind makes the entry unusable.
USABLE_KINDS = frozenset({Kind.NO_PATH, Kind.LOCAL_ADDRESS, Kind.NON_ASCII_HOST})


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
    host: str  # lowercase ASCII; IDNA A-labels; IPv6 in brackets, as WHATWG serializes it
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
        mapped = idna.uts46_remap(host, std3_rules=False)
        encoded = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as error:
        return bad(f"the host is not a valid internationalized domain name ({error})")
    if any(char in _DEVIATIONS for char in mapped):
        chars = [char for char in dict.fromkeys(host) if _DEVIATIONS.keys() & set(_remap(char))]
        other = _transitional(mapped)
        message = (
            f"{_names(chars)} in the host: IDNA implementations send this host to different "
            f"places (`{encoded}` under UTS-46, as read here; "
            f"{f'`{other}`' if other else 'another host'} under IDNA 2003 and some URL parsers)"
        )
        return bad(message, Kind.AMBIGUOUS_IDN)
    parsed = _parse_ascii_host(encoded, bad)
    if parsed.host is None:
        return parsed
    message = (
        f"the host is not ASCII; it is allowed as `{parsed.host}` (UTS-46), and requests must "
        "spell it so: a request host that is not ASCII is refused"
    )
    problem = Problem(Kind.NON_ASCII_HOST, message, at, end)
    return _Host(parsed.host, parsed.ip, (*parsed.problems, problem))


def _transitional(mapped: str) -> str | None:
    """The host as transitional processing (IDNA 2003, older parsers) would encode it."""
    for char, replacement in _DEVIATIONS.items():
        mapped = mapped.replace(char, replacement)
    try:
        return idna.encode(mapped, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _remap(char: str) -> str:
    try:
        return idna.uts46_remap(char, std3_rules=False)
    except (idna.IDNAError, UnicodeError, ValueError):
        return char


def _names(chars: list[str]) -> str:
    return ", ".join(f"`{char}` (U+{ord(char):04X})" for char in chars)


def _parse_ipv6(host: str, bad: _Bad) -> _Host:
    if not host.endswith("]"):
        return bad("an IPv6 address must end with `]`")
    try:
        address = ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return bad("not a valid IPv6 address")
    if address.scope_id is not None:
        return bad("an IPv6 zone (`%...`) is not allowed")
    return _Host(f"[{_ipv6_text(address)}]", address, ())


def _ipv6_text(address: ipaddress.IPv6Address) -> str:
    """WHATWG's serialization: hex pieces, the first longest run of two or more zero pieces
    as `::`, never a dotted IPv4 tail (Python 3.13 writes one for IPv4-mapped addresses)."""
    pieces = [f"{int(piece, 16):x}" for piece in address.exploded.split(":")]
    best, best_length = -1, 1
    for start in range(8):
        length = 0
        while start + length < 8 and pieces[start + length] == "0":
            length += 1
        if length > best_length:
            best, best_length = start, length
    if best == -1:
        return ":".join(pieces)
    return ":".join(pieces[:best]) + "::" + ":".join(pieces[best + best_length :])


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
            try:  # only the canonical A-label: WHATWG re-encodes what it decodes
                valid = idna.encode(idna.decode(label)).decode("ascii") == label
            except (idna.IDNAError, UnicodeError, ValueError):
                valid = False
            if not valid:
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


def _is_escape(text: str, index: int) -> bool:
    return index + 2 < len(text) and text[index + 1] in _HEX and text[index + 2] in _HEX


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
        elif char == "%" and (what := _ENCODED.get(path[index + 1 : index + 3].upper())):
            add(
                f"`{path[index : index + 3]}` is an encoded {what}: requests that carry one are "
                f"refused, so the pattern could never match it; write {what} itself",
                index,
                index + 3,
            )
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
    parsed = runtime.parse_request(url)
    return None if parsed is None else Request(*parsed)


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
