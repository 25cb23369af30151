"""backfill_codegen/domain/urls.py: parsing and normalizing allowlist entries, matching requests,
coverage."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.domain import urls
from backfill_codegen.domain.urls import (
    AllowEntry,
    Kind,
    covers,
    glob_match,
    is_allowed,
    matches,
    parse_entry,
)


def entry(text: str) -> AllowEntry:
    parsed = parse_entry(text)
    assert parsed.entry is not None, parsed.problems
    return parsed.entry


def kinds(text: str) -> list[Kind]:
    return [problem.kind for problem in parse_entry(text).problems]


# --- parsing and normalization ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "host", "port", "pattern"),
    [
        ("https://api.stripe.com/*", "api.stripe.com", 443, "/*"),
        ("https://API.Stripe.COM/v1/*", "api.stripe.com", 443, "/v1/*"),
        ("HTTPS://api.stripe.com:443/*", "api.stripe.com", 443, "/*"),
        ("https://api.stripe.com:8443/x", "api.stripe.com", 8443, "/x"),
        ("https://api.stripe.com:0443/x", "api.stripe.com", 443, "/x"),
        ("https://bücher.example/*", "xn--bcher-kva.example", 443, "/*"),  # BF611 warning
        ("https://BÜCHER.example/*", "xn--bcher-kva.example", 443, "/*"),
        ("https://XN--Bcher-KVA.example/*", "xn--bcher-kva.example", 443, "/*"),
        ("https://xn--bcher-kva.example/*", "xn--bcher-kva.example", 443, "/*"),
        ("https://\uff41\uff50\uff49\u3002example/*", "api.example", 443, "/*"),  # UTS-46
        ("https://[2001:DB8:0:0::1]:8443/*", "[2001:db8::1]", 8443, "/*"),
        ("https://[::ffff:127.0.0.1]/*", "[::ffff:7f00:1]", 443, "/*"),  # as WHATWG writes it
        ("https://[1:0:0:2:0:0:0:3]/*", "[1:0:0:2::3]", 443, "/*"),  # the longest zero run
        ("https://[1:0:0:2:0:0:3:4]/*", "[1::2:0:0:3:4]", 443, "/*"),  # the first of equals
        ("https://8.8.8.8/*", "8.8.8.8", 443, "/*"),
        ("https://a_b.example/*", "a_b.example", 443, "/*"),
        ("https://api.example/my%20doc/*", "api.example", 443, "/my doc/*"),
        ("https://api.example/caf%C3%A9", "api.example", 443, "/café"),
        ("https://api.example/b%FCcher".replace("%FC", "%C3%BC"), "api.example", 443, "/bücher"),
        ("https://api.example", "api.example", 443, "/"),
        ("https://api.example/", "api.example", 443, "/"),
    ],
)
def test_normalization(text: str, host: str, port: int, pattern: str) -> None:
    parsed = entry(text)
    assert (parsed.scheme, parsed.host, parsed.port, parsed.path_pattern) == (
        "https",
        host,
        port,
        pattern,
    )
    assert parsed.original == text


def test_equal_after_normalization_ignores_the_original_text() -> None:
    assert entry("https://API.stripe.com/*") == entry("https://api.stripe.com:443/*")
    assert hash(entry("https://API.stripe.com/*")) == hash(entry("https://api.stripe.com:443/*"))
    assert entry("https://api.stripe.com/*") != entry("https://api.stripe.com:444/*")
    assert entry("https://bücher.example:8443/a").url() == "https://xn--bcher-kva.example:8443/a"


@pytest.mark.parametrize(
    ("text", "expected", "part"),
    [
        ("http://api.stripe.com/*", [Kind.NOT_HTTPS], "http"),
        ("ftp://api.stripe.com/*", [Kind.NOT_HTTPS], "ftp"),
        ("api.stripe.com/*", [Kind.NOT_HTTPS], "api.stripe.com/*"),
        ("//api.stripe.com/*", [Kind.NOT_HTTPS], "//api.stripe.com/*"),
        ("https://*.stripe.com/*", [Kind.HOST_WILDCARD], "*.stripe.com"),
        ("https://api.*/*", [Kind.HOST_WILDCARD], "api.*"),
        ("https://user:pw@api.stripe.com/*", [Kind.USERINFO], "user:pw@"),
        ("https://api.stripe.com/v1?limit=1", [Kind.QUERY_OR_FRAGMENT], "?limit=1"),
        ("https://api.stripe.com/v1#top", [Kind.QUERY_OR_FRAGMENT], "#top"),
        ("https://api..stripe.com/*", [Kind.INVALID_HOST], "api..stripe.com"),
        ("https://.stripe.com/*", [Kind.INVALID_HOST], ".stripe.com"),
        ("https://api.stripe.com./*", [Kind.INVALID_HOST], "api.stripe.com."),
        ("https://api stripe.com/*", [Kind.INVALID_HOST], "api stripe.com"),
        ("https://api.stripe.com:0/*", [Kind.INVALID_HOST], "0"),
        ("https://api.stripe.com:65536/*", [Kind.INVALID_HOST], "65536"),
        ("https://api.stripe.com:+443/*", [Kind.INVALID_HOST], "+443"),
        ("https://api.stripe.com:٤٤٣/*", [Kind.INVALID_HOST], "٤٤٣"),  # non-ASCII digits
        ("https://api.stripe.com:/*", [Kind.INVALID_HOST], ":"),
        ("https://api.stripe.com:1:2/*", [Kind.INVALID_HOST], "api.stripe.com:1:2"),
        ("https://::1/*", [Kind.INVALID_HOST], "::1"),
        ("https://[::1/*", [Kind.INVALID_HOST], "[::1"),
        ("https://[fe80::1%25eth0]/*", [Kind.INVALID_HOST], "[fe80::1%25eth0]"),
        ("https://[zz::1]/*", [Kind.INVALID_HOST], "[zz::1]"),
        ("https://1.2.3/*", [Kind.INVALID_HOST], "1.2.3"),
        ("https://0x7f.1/*", [Kind.INVALID_HOST], "0x7f.1"),
        ("https://256.1.1.1/*", [Kind.INVALID_HOST], "256.1.1.1"),
        ("https://xn--zz.example/*", [Kind.INVALID_HOST], "xn--zz.example"),
        ("https://☃.example/*", [Kind.INVALID_HOST], "☃.example"),
        ("https://a%41.example/*", [Kind.INVALID_HOST], "a%41.example"),
        ("https://a!.example/*", [Kind.INVALID_HOST], "a!.example"),
        ("https://" + "a" * 64 + ".example/*", [Kind.INVALID_HOST], "a" * 64 + ".example"),
        ("https:/api.stripe.com/*", [Kind.INVALID_HOST], "https:/"),
        ("https:api.stripe.com/*", [Kind.INVALID_HOST], "https:"),
        ("https:///*", [Kind.INVALID_HOST], "https://"),
        ("", [Kind.INVALID_HOST], ""),
        ("   ", [Kind.INVALID_HOST], "   "),
        ("https://api.stripe.com", [Kind.NO_PATH], "https://api.stripe.com"),
        ("https://api.stripe.com/", [Kind.NO_PATH], "/"),
        ("https://localhost/*", [Kind.LOCAL_ADDRESS], "localhost"),
        ("https://LOCALHOST:8443/*", [Kind.LOCAL_ADDRESS], "LOCALHOST"),
        ("https://dev.localhost/*", [Kind.LOCAL_ADDRESS], "dev.localhost"),
        ("https://printer.local/*", [Kind.LOCAL_ADDRESS], "printer.local"),
        ("https://127.0.0.1/*", [Kind.LOCAL_ADDRESS], "127.0.0.1"),
        ("https://10.0.0.1/*", [Kind.LOCAL_ADDRESS], "10.0.0.1"),
        ("https://192.168.1.1/*", [Kind.LOCAL_ADDRESS], "192.168.1.1"),
        ("https://172.16.0.1/*", [Kind.LOCAL_ADDRESS], "172.16.0.1"),
        ("https://169.254.169.254/*", [Kind.LOCAL_ADDRESS], "169.254.169.254"),
        ("https://8.8.8.8/*", [Kind.LOCAL_ADDRESS], "8.8.8.8"),
        ("https://[::1]/*", [Kind.LOCAL_ADDRESS], "[::1]"),
        ("https://[fe80::1]/*", [Kind.LOCAL_ADDRESS], "[fe80::1]"),
        ("https://[fd00::1]/*", [Kind.LOCAL_ADDRESS], "[fd00::1]"),
        ("https://[::ffff:127.0.0.1]/*", [Kind.LOCAL_ADDRESS], "[::ffff:127.0.0.1]"),
        ("https://api.stripe.com/v1/../x", [Kind.INVALID_PATH], "/v1/../x"),
        ("https://api.stripe.com/v1/./x", [Kind.INVALID_PATH], "/v1/./x"),
        ("https://api.stripe.com/v1/%2e./x", [Kind.INVALID_PATH], "%2e"),
        ("https://api.stripe.com/v1%2Fx", [Kind.INVALID_PATH], "%2F"),
        ("https://api.stripe.com/v1%5cx", [Kind.INVALID_PATH], "%5c"),
        ("https://api.stripe.com/a%2Eb", [Kind.INVALID_PATH], "%2E"),
        ("https://bücher.example/*", [Kind.NON_ASCII_HOST], "bücher.example"),
        ("https://\uff41pi.example:8443/*", [Kind.NON_ASCII_HOST], "\uff41pi.example"),
        ("https://fa\u00df.de/*", [Kind.AMBIGUOUS_IDN], "fa\u00df.de"),
        ("https://FA\u1e9e.de/*", [Kind.AMBIGUOUS_IDN], "FA\u1e9e.de"),
        ("https://\u03c2a.example/*", [Kind.AMBIGUOUS_IDN], "\u03c2a.example"),
        ("https://xn--bcher-kvA.example/*", [], ""),
        ("https://xn--bcher-kva0.example/*", [Kind.INVALID_HOST], "xn--bcher-kva0.example"),
        ("https://api.stripe.com/a b", [Kind.INVALID_PATH], " "),
        ("https://api.stripe.com/a\\b", [Kind.INVALID_PATH], "\\"),
        ("https://api.stripe.com/100%", [Kind.INVALID_PATH], "%"),
        ("https://api.stripe.com/a%zz", [Kind.INVALID_PATH], "%"),
        ("https://api.stripe.com/%2a", [Kind.INVALID_PATH], "%2a"),
        ("https://api.stripe.com/%FF", [Kind.INVALID_PATH], "/%FF"),
        ("https://api.stripe.com/a\u2028", [Kind.INVALID_PATH], "\u2028"),
        ("https://api.stripe.com/a\x9b", [Kind.INVALID_PATH], "\x9b"),
    ],
)
def test_problems(text: str, expected: list[Kind], part: str) -> None:
    problems = parse_entry(text).problems
    assert [problem.kind for problem in problems] == expected
    if not expected:
        return
    (problem,) = problems
    assert text[problem.start : problem.end] == (part or text)
    assert problem.message
    usable = all(kind in urls.USABLE_KINDS for kind in expected)
    assert (parse_entry(text).entry is not None) == usable


def test_several_problems_in_one_entry() -> None:
    assert kinds("http://user@*.stripe.com/a b?x#y") == [
        Kind.NOT_HTTPS,
        Kind.USERINFO,
        Kind.HOST_WILDCARD,
        Kind.INVALID_PATH,
        Kind.QUERY_OR_FRAGMENT,
    ]
    assert kinds("http://localhost") == [Kind.NOT_HTTPS, Kind.NO_PATH, Kind.LOCAL_ADDRESS]
    assert kinds("localhost:8080/x") == [Kind.LOCAL_ADDRESS, Kind.NOT_HTTPS]
    assert kinds("https://@/*") == [Kind.INVALID_HOST, Kind.USERINFO]


def test_backslash_ends_the_authority_and_is_reported() -> None:
    # WHATWG reads `\` as `/`; other parsers read `evil.example` as the host. Refuse both.
    parsed = parse_entry("https://api.stripe.com\\@evil.example/*")
    assert parsed.entry is None
    assert [problem.kind for problem in parsed.problems] == [Kind.INVALID_PATH]


@pytest.mark.parametrize(
    "text",
    ["\x00", "https://[", "https://[]", "https://]", "::::", "https://a:99999999999999999999/",
     "https://" + "9" * 5000, "https://@", "https://%", "%%%", "https://a.com/%", "\ud800",
     "https://\ud800/", "https://a.com/\ud800", "https://a.com:" + "1" * 5000],
)  # fmt: skip
def test_parse_never_raises_on_odd_input(text: str) -> None:
    parsed = parse_entry(text)
    for problem in parsed.problems:
        assert 0 <= problem.start < problem.end <= max(len(text), 1)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    parsed = parse_entry(text)
    for problem in parsed.problems:
        assert 0 <= problem.start < problem.end <= max(len(text), 1)
    if parsed.entry is not None:
        assert parsed.entry.scheme == "https"
        assert 1 <= parsed.entry.port <= 65535


_URLISH = st.lists(
    st.sampled_from(["https://", "http:", "//", "/", "a", "B", ".", ":", "443", "@", "[", "]",
                     "::1", "*", "?", "#", "%", "2e", "ü", " ", "\\", "xn--", "-", "0"]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_URLISH)
def test_parse_never_raises_on_url_like_text(text: str) -> None:
    parsed = parse_entry(text)
    if parsed.entry is not None:
        # A usable entry round-trips through its normalized form.
        again = parse_entry(parsed.entry.url().replace("%", "%25").replace(" ", "%20"))
        assert again.entry == parsed.entry
    urls.parse_request(text)


# --- matching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern_entry", "url", "allowed"),
    [
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/customers", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/customers/cus_1/x", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v2/x", False),
        ("https://api.stripe.com/v1/*", "https://API.STRIPE.COM/v1/x", True),
        ("https://api.stripe.com/v1/*", "HTTPS://api.stripe.com/v1/x", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com:443/v1/x", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com:8443/v1/x", False),
        ("https://api.stripe.com:8443/v1/*", "https://api.stripe.com/v1/x", False),
        ("https://api.stripe.com:8443/v1/*", "https://api.stripe.com:8443/v1/x", True),
        ("https://api.stripe.com/v1/*", "http://api.stripe.com/v1/x", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com.evil.example/v1/x", False),
        ("https://api.stripe.com/v1/*", "https://evil.example/api.stripe.com/v1/x", False),
        # query and fragment are ignored
        ("https://api.stripe.com/v1/x", "https://api.stripe.com/v1/x?a=1&b=/../y", True),
        ("https://api.stripe.com/v1/x", "https://api.stripe.com/v1/x#frag", True),
        ("https://api.stripe.com/v1/x", "https://api.stripe.com/v1/x?", True),
        # dot segments are removed after decoding once
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/../admin", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/./x/../y", True),
        ("https://api.stripe.com/admin", "https://api.stripe.com/../../admin", True),
        # encoded dots, slashes and backslashes are refused: WHATWG sends them as they are
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/%2e%2e/admin", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/%2E%2e/admin", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/.%2e/admin", False),
        ("https://api.stripe.com/admin", "https://api.stripe.com/v1/%2e%2e/admin", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/v1/a%2eb", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/admin/..%2fattachments/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/a%5Cb", False),
        # `%252e` decodes ONCE to `%2e`, which is not a dot segment
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/%252e%252e/admin", True),
        ("https://api.stripe.com/admin", "https://api.stripe.com/v1/%252e%252e/admin", False),
        # percent-decoding
        ("https://api.stripe.com/my%20doc", "https://api.stripe.com/my%20doc", True),
        ("https://api.stripe.com/café", "https://api.stripe.com/caf%C3%A9", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/%FF", False),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1/100%", True),
        ("https://api.stripe.com/v1/*", "https://api.stripe.com/v1%2Fx", False),
        # `*` crosses `/`
        ("https://api.stripe.com/*", "https://api.stripe.com/a/b/c", True),
        ("https://api.stripe.com/*", "https://api.stripe.com", True),
        ("https://api.stripe.com/v1/*/refunds", "https://api.stripe.com/v1/ch/1/refunds", True),
        ("https://api.stripe.com/v1/*/refunds", "https://api.stripe.com/v1/ch/1/refund", False),
        ("https://api.stripe.com/a*b*c", "https://api.stripe.com/abc", True),
        ("https://api.stripe.com/a*a", "https://api.stripe.com/a", False),
        # a pattern's other characters are literal, not regex
        ("https://api.stripe.com/v1/a.b", "https://api.stripe.com/v1/axb", False),
        ("https://api.stripe.com/v1/(x)+", "https://api.stripe.com/v1/(x)+", True),
        ("https://api.stripe.com/v1/(x)+", "https://api.stripe.com/v1/xx", False),
        # a path-less entry allows `/` only
        ("https://api.stripe.com", "https://api.stripe.com", True),
        ("https://api.stripe.com", "https://api.stripe.com/", True),
        ("https://api.stripe.com", "https://api.stripe.com/v1", False),
        # IDNA and IP literals
        ("https://bücher.example/*", "https://xn--bcher-kva.example/x", True),
        ("https://bücher.example/*", "https://XN--BCHER-KVA.example/x", True),
        ("https://xn--bcher-kva.example/*", "https://BÜCHER.example/x", False),  # not ASCII
        ("https://xn--bcher-kva.example/*", "https://bücher.example/x", False),
        ("https://[2001:db8::1]/*", "https://[2001:DB8::1]/x", True),
        ("https://[2001:db8::1]/*", "https://[2001:DB8:0::1]/x", False),  # not as WHATWG writes
        ("https://[2001:db8::1]/*", "https://[2001:db8::1]:443/x", True),
        ("https://[2001:db8::1]/*", "https://[2001:db8::1]x/x", False),
        ("https://[2001:db8::1]/*", "https://[2001:db8::2]/x", False),
        # refused request URLs
        ("https://api.stripe.com/*", "https://user@api.stripe.com/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com@evil.example/x", False),
        ("https://api.stripe.com/*", "https://evil.example\\@api.stripe.com/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com\\x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/a b", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/a\tb", False),
        ("https://api.stripe.com/*", "https://api.stripe.com./x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com:99999/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com:/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com:0443/x", True),
        ("https://api.stripe.com/*", "https://api%2Estripe.com/x", False),
        ("https://10.0.0.1/*", "https://0x0a.0.0.1/x", False),  # IPv4 shorthand: not as written
        ("https://10.0.0.1/*", "https://167772161/x", False),
        ("https://api.stripe.com/*", "https:///api.stripe.com/x", False),
        ("https://api.stripe.com/*", "https:api.stripe.com/x", False),
        ("https://api.stripe.com/*", " https://api.stripe.com/x", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/x\n", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/a/\ud800", False),
        ("https://api.stripe.com/*", "https://api.stripe.com/a/@evil.example", True),
        ("https://api.stripe.com/*", "https://api.stripe.com/caf\u00e9", True),
        ("https://api.stripe.com/*", "https:/api.stripe.com/x", False),
        ("https://api.stripe.com/*", "api.stripe.com/x", False),
        ("https://api.stripe.com/*", "", False),
    ],
)
def test_matches(pattern_entry: str, url: str, allowed: bool) -> None:
    parsed = parse_entry(pattern_entry)
    assert parsed.entry is not None
    assert matches(parsed.entry, url) is allowed


def test_is_allowed_uses_any_entry() -> None:
    entries = [entry("https://api.stripe.com/v1/*"), entry("https://files.stripe.com/*")]
    assert is_allowed(entries, "https://files.stripe.com/f/1")
    assert is_allowed(entries, "https://api.stripe.com/v1/x")
    assert not is_allowed(entries, "https://api.stripe.com/v2/x")
    assert not is_allowed([], "https://api.stripe.com/v1/x")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        ("/a/b/c/./../../g", "/a/g"),
        ("/mid/content=5/../6", "/mid/6"),
        ("/..", "/"),
        ("/../..", "/"),
        ("/a/..", "/"),
        ("/a/.", "/a/"),
        ("/a/../", "/"),
        ("/a//b/../c", "/a//c"),
        ("/a/.b/..c/...", "/a/.b/..c/..."),
    ],
)
def test_remove_dot_segments(path: str, expected: str) -> None:
    assert urls.remove_dot_segments(path) == expected


def test_many_stars_stay_fast() -> None:
    text = "/" + "a" * 10_000
    patterns = ["/" + "*a" * 2_000 + "*b", "/" + "*" * 5_000 + "b", "*a" * 5_000 + "*"]
    started = time.perf_counter()
    assert not glob_match(patterns[0], text)
    assert not glob_match(patterns[1], text)
    assert glob_match(patterns[2], text)
    assert not urls.pattern_includes(patterns[0], patterns[1])
    assert time.perf_counter() - started < 1.0


def _reference(pattern: str, text: str) -> bool:
    regex = ".*".join(re.escape(piece) for piece in pattern.split("*"))
    return re.fullmatch(regex, text, re.DOTALL) is not None


_PATTERN = st.text(alphabet="/ab*.", max_size=10)
_PATH = st.text(alphabet="/ab.", max_size=12)


@settings(max_examples=500, deadline=None)
@given(_PATTERN, _PATH)
def test_glob_match_agrees_with_a_regex(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) is _reference(pattern, text)


# --- coverage -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("/v1/*", "/v1/customers", True),
        ("/v1/*", "/v1/*", True),
        ("/v1/*", "/v1/customers/*", True),
        ("/v1/*", "/v1/*/x", True),
        ("/*", "/", True),
        ("/*", "/v1/*/x/*", True),
        ("/*", "/anything", True),
        ("/v1/*/x", "/v1/a*/x", True),
        ("/v1/a*/x", "/v1/*/x", False),
        ("/v1/customers", "/v1/*", False),
        ("/v1/*", "/v2/*", False),
        ("/v1/*", "/v1", False),
        ("/*/x", "/*/y/x", True),
        ("/*a*", "/*", False),
        ("/*a*", "/b*a*b", True),
        ("/a*b", "/a*", False),
        ("/a*b", "/ab", True),
        ("/a*b", "/a", False),
        ("/**", "/*", True),
        ("/*", "/**", True),
        ("/", "/", True),
        ("/", "/*", False),
    ],
)
def test_covers_patterns(a: str, b: str, expected: bool) -> None:
    host = "https://api.stripe.com"
    assert covers(entry(host + a), entry(host + b)) is expected


def test_covers_needs_the_same_host_and_port() -> None:
    assert not covers(entry("https://api.stripe.com/*"), entry("https://files.stripe.com/x"))
    assert not covers(entry("https://api.stripe.com/*"), entry("https://api.stripe.com:8443/x"))
    assert covers(entry("https://API.stripe.com:443/*"), entry("https://api.stripe.com/x"))


def test_pattern_includes_a_pattern_holding_the_sentinel_characters() -> None:
    # Stars of `inner` become a character `outer` lacks; `outer` may hold the first candidates.
    outer = "/" + "".join(chr(code) for code in range(0xE000, 0xE010)) + "*"
    assert urls.pattern_includes(outer, outer)
    assert not urls.pattern_includes(outer[:-1], outer)


@settings(max_examples=500, deadline=None)
@given(_PATTERN, _PATTERN, st.lists(_PATH, max_size=8))
def test_covers_is_sound(a: str, b: str, paths: list[str]) -> None:
    if not urls.pattern_includes(a, b):
        return
    # Paths that b matches: given ones, and b's own stars filled in with each generated path.
    candidates = [path for path in paths if glob_match(b, path)]
    for fill in paths:
        candidates.append(b.replace("*", fill))
    for path in candidates:
        assert glob_match(b, path)
        assert glob_match(a, path), (a, b, path)


@settings(max_examples=500, deadline=None)
@given(_PATTERN, _PATTERN)
def test_covers_is_exact_on_small_alphabets(a: str, b: str) -> None:
    # Filling b's stars with a character a does not contain witnesses every non-inclusion.
    witness = b.replace("*", "\x00")
    if not _reference(a, witness):
        assert not urls.pattern_includes(a, b)
    else:
        assert urls.pattern_includes(a, b)


_ENTRY_PATTERN = st.text(alphabet="/ab*", max_size=10).map(lambda text: "/" + text)
_URL_PATH = st.lists(st.sampled_from(["/", "a", "b", ".", "..", "%2e", "%2F", "%61", "*"]),
                     max_size=10).map(lambda parts: "/" + "".join(parts))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_ENTRY_PATTERN, _ENTRY_PATTERN, st.lists(_URL_PATH, max_size=8))
def test_covers_is_sound_on_request_urls(a: str, b: str, paths: list[str]) -> None:
    wide, narrow = entry("https://api.example" + a), entry("https://api.example" + b)
    if not covers(wide, narrow):
        return
    for path in paths:
        url = "https://api.example" + path + "?q=1"
        if matches(narrow, url):
            assert matches(wide, url), (a, b, url)


# --- the route-file check judges Http calls with the same definition ---------------------


@pytest.mark.parametrize(
    ("url", "complete", "allowed"),
    [
        ("https://xn--bcher-kva.example/katalog/x", True, True),
        (
            "https://b\u00fccher.example/katalog/x",
            True,
            False,
        ),  # the entry is; the call must not be
        ("https://xn--bcher-kva.example/admin/..%2fkatalog/x", True, False),
        ("https://xn--bcher-kva.example/katalog/%2e%2e/admin", True, False),
        ("https://xn--bcher-kva.example/katalog/", False, True),  # a prefix: `/katalog/` + `*`
        ("https://b\u00fccher.example/katalog/", False, False),
        ("https://xn--bcher-kva.example/katalog%2F", False, False),
    ],
)
def test_http_calls_are_judged_as_the_matcher_judges(
    url: str, complete: bool, allowed: bool
) -> None:
    from backfill_codegen.route_files.outbound import StaticUrl, judge

    verdict = judge(StaticUrl(url, complete), [entry("https://b\u00fccher.example/katalog/*")])
    assert verdict is not None and verdict.allowed is allowed
