"""The allowlist matchers against the real URL parser: what any of them ALLOWS, Node's WHATWG
`new URL()` (what the platform's request is sent with) must read as a request inside an entry.

A Hypothesis-generated corpus mutates the entries of every golden manifest (and a few more) with the
pieces on which parsers are known to disagree: tab/LF/CR anywhere, leading C0 and spaces, `\\` for
`/`, `https:host` and `https:///host`, userinfo, percent-encoded host bytes, IPv4 shorthand
(`0x7f.1`, `2130706433`), IPv6 spellings, a trailing dot, an empty or default port, uppercase, `@`
in the path, non-ASCII anywhere, encoded dots, slashes and backslashes, look-alike hosts (`ẞ`,
full-width letters). The URLs, with the shared corpus (tests/support/url_corpus.json), are judged by
(a) Node's `new URL()` in ONE node process, which also runs (c) the generated permissions.ts
compiled by the project's tsc; (b) the generated permissions.py; (d)
backfill_codegen/domain/urls.py. All matchers must agree, and each URL allowed must be, for WHATWG,
`https:`, on the entry's host and port, with a pathname that, percent-decoded once, matches the
entry's pattern (an independent decoder and glob here, not the runtime's).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import ir
from backfill_codegen.domain import urls
from backfill_codegen.emit.permissions import emit
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.resources import example_dir
from tests.support.paths import GOLDEN, ROOT
from tests.support.url_corpus import CORPUS

TSC = ROOT / "node_modules" / ".bin" / "tsc"

#: Entries beyond the goldens': IP literals, A-labels, odd labels, paths WHATWG encodes.
EXTRA_ENTRIES = (
    "https://[2001:db8::1]/v6/*",
    "https://[::ffff:a00:1]:8443/*",
    "https://10.0.0.1:8080/*",
    "https://127.0.0.1/*",
    "https://xn--bcher-kva.example/katalog/*",
    "https://b\u00fccher.example/b/*",
    "https://xn--fa-hia.de/*",
    "https://fass.de/ss/*",
    "https://under_score.example/*",
    "https://a--b.example/*",
    "https://-lead.example/*",
    "https://xn--r8jz45g.xn--zckzah/*",
    "https://re.example/a.c/*",
    "https://re.example/x/*/y*z",
    "https://pct.example/a%20b/*",
    "https://pct.example/100%25/*",
    "https://pct.example/caf%C3%A9/*",
    "https://pct.example/a%3Fb/*",
    "https://pct.example/q\"'`{}<>|^/*",
    "https://root.example/",
    "https://api.example:443/v1/*/refunds",
)

_URL = re.compile(r"https?://[^\s\"'`,\]]+|https://\[[^\]\s]*\][^\s\"'`,]*")


def _golden_entry_texts() -> list[str]:
    found: list[str] = []
    paths = [*GOLDEN.rglob("backfill.config.*"), example_dir() / "backfill.config.ts"]
    for path in sorted(p for p in paths if "expected" not in p.parts and p.is_file()):
        found.extend(_URL.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def _entries() -> list[urls.AllowEntry]:
    """Every usable entry, once each (after normalization), in a stable order."""
    usable: dict[urls.AllowEntry, None] = {}
    for text in [*_golden_entry_texts(), *EXTRA_ENTRIES]:
        parsed = urls.parse_entry(text)
        if parsed.entry is not None:
            usable.setdefault(parsed.entry)
    return list(usable)


ENTRIES = _entries()


def test_the_entries_come_from_the_goldens_too() -> None:
    hosts = {entry.host for entry in ENTRIES}
    assert {"api.acme.example", "api.stripe.com", "[2001:db8::1]", "10.0.0.1"} <= hosts
    assert len(ENTRIES) >= 30


# --- the generated corpus ------------------------------------------------------------------

_HOSTILE = (
    "..", ".", "%2e", "%2E", "%2e%2e", ".%2E", "%2f", "%2F", "..%2f", "%5c", "%5C", "\\", "\t",
    "\n", "\r", "@", "\u00e9", "%", "%zz", "%25", "%252e", "/../", "/./", "//", "?", "#", "\u3000",
    "\x00", "\x7f", " ", "%c3%a9", "%ff", "\u2028", ":", ";", "%3F", "%23", "\ud800", "\U0001f600",
    "^", "|", "{", "`", '"', "<",
)  # fmt: skip
_SCHEMES = (
    "https://", "https://", "https://", "HTTPS://", "hTTpS://", "https:", "https:/", "https:///",
    "https:\\\\", "https:/\\", "http://", " https://", "\thttps://", "\x00https://", "ht\ttps://",
)  # fmt: skip
_USERINFO = ("", "", "", "", "user@", "@", "a:b@", "evil.example@")
_PORTS = ("", "", "", ":443", ":0443", ":00443", ":", ":8443", ":8080", ":65536", ":+443", ": 443")
_SUFFIXES = ("", "", "?q=1", "#f", "?a/../b#c", "?\\..%2f")
_INVISIBLE = ("\t", "\n", "\r", "\u00ad", "\u200b")
_FULL_WIDTH = {chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)}


def _ipv4_forms(host: str) -> list[str]:
    parts = [int(part) for part in host.split(".")]
    value = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    return [
        str(value),
        hex(value),
        ".".join(hex(part) for part in parts),
        ".".join(f"0{part:o}" for part in parts),
        f"{parts[0]}.{(parts[1] << 16) | (parts[2] << 8) | parts[3]}",
        f"{parts[0]}.{parts[1]}.{(parts[2] << 8) | parts[3]}",
        host + ".",
    ]


def _ipv6_forms(host: str) -> list[str]:
    import ipaddress

    address = ipaddress.IPv6Address(host[1:-1])
    return [
        f"[{address.exploded}]",
        f"[{address.exploded.upper()}]",
        f"[{host[1:-1].upper()}]",
        f"[::ffff:{address.packed[-4]}.{address.packed[-3]}.{address.packed[-2]}.{address.packed[-1]}]",
        host[1:-1],
        host + ".",
        host[:-1] + "%25eth0]",
    ]


def _sometimes(draw: st.DrawFn, plain: str, mutated: st.SearchStrategy[str]) -> str:
    """`plain` two times in three (so that many URLs get through), else a mutation."""
    return plain if draw(st.integers(0, 2)) else draw(mutated)


@st.composite
def _host(draw: st.DrawFn, entry: urls.AllowEntry) -> str:
    host = entry.host
    if draw(st.integers(0, 2)):
        return draw(st.sampled_from([host, host.upper()]))
    forms = [host + ".", "." + host, host + ".evil.example", "evil.example"]
    if host.startswith("["):
        forms += _ipv6_forms(host)
    elif host.replace(".", "").isdigit():
        forms += _ipv4_forms(host)
    else:
        index = draw(st.integers(0, len(host) - 1))
        char = host[index]
        forms += [
            host[:index] + f"%{ord(char):02X}" + host[index + 1 :],  # WHATWG decodes host bytes
            host[:index] + _FULL_WIDTH.get(char, char) + host[index + 1 :],
            host.replace("ss", "\u1e9e").replace("xn--fa-hia", "fa\u00df"),
            host.replace("xn--bcher-kva", "b\u00fccher"),
            host[:index] + draw(st.sampled_from(_INVISIBLE)) + host[index:],
        ]
    return draw(st.sampled_from(forms))


@st.composite
def _path(draw: st.DrawFn, entry: urls.AllowEntry) -> str:
    pieces = entry.path_pattern.split("*")
    fills = st.sampled_from(["", "x", "a/b", "v1", "..", "%2e%2e", "caf\u00e9", "%41", "/"])
    text = pieces[0] + "".join(draw(fills) + piece for piece in pieces[1:])
    if draw(st.booleans()):  # write some characters percent-encoded, as a caller may
        text = "".join(
            "".join(f"%{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
            if char not in "/%" and draw(st.integers(0, 5)) == 0
            else char
            for char in text
        )
    for _ in range(draw(st.integers(0, 2)) and draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(text)))
        text = text[:index] + draw(st.sampled_from(_HOSTILE)) + text[index:]
    return text


@st.composite
def request_urls(draw: st.DrawFn) -> str:
    entry = draw(st.sampled_from(ENTRIES))
    port = "" if entry.port == 443 else f":{entry.port}"
    url = (
        _sometimes(draw, "https://", st.sampled_from(_SCHEMES))
        + _sometimes(draw, "", st.sampled_from(_USERINFO))
        + draw(_host(entry))
        + _sometimes(draw, port, st.sampled_from(_PORTS))
        + draw(_path(entry))
        + draw(st.sampled_from(_SUFFIXES))
    )
    if draw(st.integers(0, 4)) == 0:  # one more hostile character anywhere
        index = draw(st.integers(0, len(url)))
        url = url[:index] + draw(st.sampled_from(_HOSTILE)) + url[index:]
    return url


# --- the judges ----------------------------------------------------------------------------

_RUNNER = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const m = require(input.module);
const out = input.urls.map((url) => {
  let parsed = null;
  try {
    const u = new URL(url);
    parsed = { protocol: u.protocol, hostname: u.hostname, port: u.port, pathname: u.pathname };
  } catch {}
  return { whatwg: parsed, ts: m.isAllowed(url) };
});
process.stdout.write(JSON.stringify(out));
"""


def _require_node() -> None:
    if TSC.exists() and shutil.which("node"):
        return
    message = "node_modules/.bin/tsc or node is missing: run `npm ci`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def connector() -> ir.Connector:
    base = lower(check_manifest(example_dir() / "backfill.config.ts").manifest)
    permissions = tuple(
        ir.Permission(e.original, e.scheme, e.host, e.port, e.path_pattern) for e in ENTRIES
    )
    return dataclasses.replace(base, name="whatwg", permissions=permissions)


@pytest.fixture(scope="module")
def generated(connector: ir.Connector, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """(the generated Python module, the compiled permissions.js path)."""
    from backfill_codegen.format import format_python

    _require_node()
    folder = tmp_path_factory.mktemp("whatwg")
    files = emit(connector)
    python = format_python({"w/permissions.py": files["permissions.py"]})["w/permissions.py"]
    (folder / "permissions.py").write_text(python, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("whatwg_permissions", folder / "permissions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (folder / "permissions.ts").write_text(files["permissions.ts"], encoding="utf-8")
    options = {"strict": True, "target": "ES2022", "module": "commonjs", "lib": ["ES2022"],
               "types": [], "outDir": "out"}  # fmt: skip
    config = {"compilerOptions": options, "files": ["permissions.ts"]}
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [str(TSC), "-p", "tsconfig.json"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return module, folder / "out" / "permissions.js"


def _node(script: Path, url_list: list[str]) -> list[dict[str, Any]]:
    payload = json.dumps({"module": str(script), "urls": url_list}, ensure_ascii=True)
    done = subprocess.run(
        ["node", "-e", _RUNNER], input=payload, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _decode_once(path: str) -> str | None:
    """Each `%XX` to its byte, every other character as its UTF-8; None if not UTF-8."""
    out = bytearray()
    for match in re.finditer(r"%[0-9A-Fa-f]{2}|.", path, re.S):
        piece = match.group()
        out.extend(bytes([int(piece[1:], 16)]) if len(piece) == 3 else piece.encode())
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _glob(pattern: str, text: str) -> bool:
    regex = ".*".join(re.escape(piece) for piece in pattern.split("*"))
    return re.fullmatch(regex, text, re.S) is not None


def _within(entry: urls.AllowEntry, whatwg: dict[str, str] | None) -> bool:
    """Whether the request WHATWG reads is one `entry` allows."""
    if whatwg is None or whatwg["protocol"] != "https:" or whatwg["hostname"] != entry.host:
        return False
    if int(whatwg["port"] or 443) != entry.port:
        return False
    path = _decode_once(whatwg["pathname"])
    return path is not None and _glob(entry.path_pattern, path)


def _judge_all(module: ModuleType, script: Path, url_list: list[str]) -> dict[str, int]:
    """Every assertion of this file over `url_list`; figures for the report."""
    results = _node(script, url_list)
    figures = {"urls": len(url_list), "allowed": 0, "refused but inside an entry": 0}
    problems: list[str] = []
    for url, result in zip(url_list, results, strict=True):
        verdicts = {
            "permissions.py": module.is_allowed(url),
            "permissions.ts": result["ts"],
            "urls.py": urls.is_allowed(ENTRIES, url),
        }
        if len(set(verdicts.values())) != 1:
            problems.append(f"matchers disagree on {url!r}: {verdicts}")
        allowing = [entry for entry in ENTRIES if urls.matches(entry, url)]
        whatwg = result["whatwg"]
        if any(verdicts.values()):
            figures["allowed"] += 1
            outside = [e.original for e in allowing if not _within(e, whatwg)]
            if not any(_within(entry, whatwg) for entry in ENTRIES) or outside:
                problems.append(f"allowed {url!r}, WHATWG reads {whatwg}, outside {outside}")
        elif any(_within(entry, whatwg) for entry in ENTRIES):
            figures["refused but inside an entry"] += 1  # fail-closed: fine, counted
    problems.sort(key=lambda problem: not problem.startswith("allowed"))  # escapes first
    assert not problems, "\n".join(problems[:30])
    return figures


def test_generated_urls_agree_with_whatwg(generated: Any) -> None:
    module, script = generated
    seen: list[str] = []

    @settings(
        max_examples=int(os.environ.get("BACKFILL_WHATWG_EXAMPLES", "3000")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request_urls())
    def collect(url: str) -> None:
        seen.append(url)
        module.is_allowed(url)  # the Python half fails fast, with Hypothesis' shrinking
        assert module.is_allowed(url) is urls.is_allowed(ENTRIES, url)

    collect()
    figures = _judge_all(module, script, list(dict.fromkeys(seen)))
    print(figures)
    assert figures["allowed"] > 50  # not vacuous: many URLs get through, and are checked


def test_the_shared_corpus_agrees_with_whatwg(generated: Any) -> None:
    module, script = generated
    corpus = json.loads(CORPUS.read_text(encoding="ascii"))["urls"]
    figures = _judge_all(module, script, corpus)
    print(figures)
    assert figures["allowed"] > 50


@pytest.mark.parametrize(
    "url",
    [
        "https://fa\u1e9e.de/x",  # WHATWG: fass.de
        "https://xn--fa-hia.de/..%2f/x",
        "https://api.acme.example/admin/..%2fattachments/x",
        "https://uploads.helpdesk.example/admin/..%2fattachments/x",
        "https://api.acme.example/v1/%2E%2E/admin",
        "https://api.acme.example/v1/..%5Cadmin",
        "https://api.acme.example/v1\\..\\admin",
        "https://api.acme.example\t/v1/x",
        "https://api%2Eacme.example/v1/x",
        "https://0x7f.1/x",
        "https://2130706433/x",
        "https:///api.acme.example/v1/x",
        "https:api.acme.example/v1/x",
        "https://api.acme.example:/v1/x",
        "https://api.acme.example./v1/x",
    ],
)
def test_the_examples_of_the_issue_are_refused(url: str) -> None:
    assert not urls.is_allowed(ENTRIES, url)


# --- entry hosts: stored as WHATWG serializes them ------------------------------------------

_LABEL = st.text("abcxyz019-_", min_size=1, max_size=12)
_ENTRY_HOSTS = st.one_of(
    st.ip_addresses(v=6).map(lambda address: f"[{address}]"),
    st.ip_addresses(v=6).map(lambda address: f"[{address.exploded.upper()}]"),
    st.ip_addresses(v=4).map(str),
    st.lists(_LABEL, min_size=1, max_size=4).map(lambda labels: ".".join([*labels, "example"])),
    st.sampled_from(["xn--bcher-kva", "XN--R8JZ45G", "b\u00fccher", "\uff41pi", "caf\u00e9"]).map(
        lambda label: label + ".example"
    ),
)


def test_entry_hosts_are_what_whatwg_makes_of_them() -> None:
    """Every usable entry's stored host is exactly the host Node's `new URL` makes of the entry
    as written (so a request spelt as the entry's host goes to that host)."""
    _require_node()
    texts: list[str] = []

    @settings(max_examples=500, deadline=None)
    @given(_ENTRY_HOSTS)
    def collect(host: str) -> None:
        texts.append(f"https://{host}/x/*")

    collect()
    parsed = [(text, urls.parse_entry(text).entry) for text in dict.fromkeys(texts)]
    usable = [(text, entry) for text, entry in parsed if entry is not None]
    runner = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(input.map((url) => {
  try { return new URL(url).hostname; } catch { return null; }
})));
"""
    done = subprocess.run(
        ["node", "-e", runner],
        input=json.dumps([text for text, _ in usable], ensure_ascii=True),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wrong = [
        (text, entry.host, whatwg)
        for (text, entry), whatwg in zip(usable, json.loads(done.stdout), strict=True)
        if whatwg != entry.host
    ]
    assert not wrong, wrong[:20]
    assert len(usable) > 200
