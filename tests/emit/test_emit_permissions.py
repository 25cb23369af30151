"""backfill_codegen/emit/permissions.py: permissions.json, and the generated permissions.py and
permissions.ts matchers (the runtime of runtime/ with the entries in its data
section),
RUN on the shared URL corpus (tests/support/url_corpus.json) and on random URLs: domain/urls.py,
the generated Python and the generated TypeScript must agree on every URL.
(tests/domain/test_url_whatwg.py checks what they allow against Node's WHATWG URL parser.)

The TypeScript is compiled with the pinned tsc (node_modules/.bin/tsc) in one batch and run in
one node process. Without tsc this fails when CI is set, and skips otherwise.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfill_codegen import ir
from backfill_codegen.diagnostics.model import Severity
from backfill_codegen.domain import urls
from backfill_codegen.emit.header import NOTICE
from backfill_codegen.emit.permissions import emit, runtime_parts
from backfill_codegen.lower import lower
from backfill_codegen.pipeline import check_manifest
from backfill_codegen.resources import data_dir, example_dir
from backfill_codegen.runtime.permissions_runtime import REFUSED_RANGES
from tests.support.paths import ROOT
from tests.support.url_corpus import CORPUS, build, render

TSC = ROOT / "node_modules" / ".bin" / "tsc"

# --- the connectors -----------------------------------------------------------------------

HOSTILE_PATH = "https://re.example/q\"'`${x}</script>/*"

MANIFESTS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "acme",
        "permissions": {
            "http": [
                "https://api.acme.example/v1/*",
                "https://api.acme.example/v2/*/export",
                "https://uploads.acme.example/*",
                "https://B\u00fccher.example/katalog/*",
                "https://AUTH.acme.example:8443/oauth/token",
                "https://[2001:DB8:0::1]/v6/*",
                "https://10.0.0.1:8080/*",
                "https://under_score.example/*",
                "https://xn--fa-hia.de/*",  # `fa\u00df.de` is BF612
                "https://\u4f8b\u3048.\u30c6\u30b9\u30c8/*",
                "https://\u03b5\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac.example/*",
                "https://\u0645\u062b\u0627\u0644.example/*",
                "https://\u01c6.example/*",
                "https://\ud55c\uad6d.example/*",
                "https://a--b.example/*",
            ]
        },
    },
    "patterns": {
        "name": "patterns",
        "permissions": {
            "http": [
                "https://re.example/(a|b)+[x]{2}^$.ext",
                "https://re.example/a.c/*",
                "https://re.example/x/*/y*z",
                "https://re.example/**/tail",
                "https://re.example/dup/*ab*b",
                HOSTILE_PATH,
                "https://pct.example/a%20b/*",
                "https://pct.example/100%25/*",
                "https://pct.example/caf%C3%A9/*",
                "https://re.example/%E2%80%A8/*",
                "https://root.example/",
                "https://noslash.example",
            ]
        },
    },
    "empty": {"name": "empty"},
}


def lowered(path: Path) -> ir.Connector:
    result = check_manifest(path)
    errors = [d.message for d in result.diagnostics if d.severity is Severity.ERROR]
    assert not errors, errors
    return lower(result.manifest)


@pytest.fixture(scope="module")
def connectors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ir.Connector]:
    folder = tmp_path_factory.mktemp("manifests")
    built = {"stripe": lowered(example_dir() / "backfill.config.ts")}
    for name, manifest in MANIFESTS.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        built[name] = lowered(path)
    return built


@pytest.fixture(scope="module")
def outputs(connectors: dict[str, ir.Connector]) -> dict[str, dict[str, str]]:
    return {name: emit(connector) for name, connector in connectors.items()}


def entries(connector: ir.Connector) -> list[urls.AllowEntry]:
    return [
        urls.AllowEntry(p.scheme, p.host, p.port, p.path_pattern, p.original)
        for p in connector.permissions
    ]


# --- running the generated code -------------------------------------------------------------


@pytest.fixture(scope="module")
def python_matchers(
    outputs: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("python")
    modules = {}
    for name, files in outputs.items():
        path = folder / f"permissions_{name}.py"
        path.write_text(files["permissions.py"], encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"generated_permissions_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[name] = module
    return modules


def require_tsc() -> Path:
    if TSC.exists() and shutil.which("node"):
        return TSC
    message = "node_modules/.bin/tsc or node is missing: run `npm ci`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


_RUNNER = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const [name, file] of Object.entries(input.modules)) {
  const m = require(file);
  out[name] = {
    connector: m.connector,
    allowlist: m.allowlist,
    verdicts: input.urls.map((url) => m.isAllowed(url)),
  };
}
process.stdout.write(JSON.stringify(out));
"""


#: The strictest useful options, and no library beyond ES2022 (no DOM, no Node types).
_TS_OPTIONS: dict[str, Any] = {
    "strict": True,
    "target": "ES2022",
    "module": "commonjs",
    "lib": ["ES2022"],
    "types": [],
    "noUncheckedIndexedAccess": True,
    "exactOptionalPropertyTypes": True,
    "noUnusedLocals": True,
    "noUnusedParameters": True,
    "noImplicitReturns": True,
    "noPropertyAccessFromIndexSignature": True,
}


@pytest.fixture(scope="module")
def ts_modules(
    outputs: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every permissions.ts, compiled in ONE tsc run with the strictest useful options and no
    library beyond ES2022 (no DOM, no Node types: it must run anywhere)."""
    tsc = require_tsc()
    folder = tmp_path_factory.mktemp("typescript")
    sources = []
    for name, files in outputs.items():
        source = folder / "src" / name / "permissions.ts"
        source.parent.mkdir(parents=True)
        source.write_text(files["permissions.ts"], encoding="utf-8")
        sources.append(f"src/{name}/permissions.ts")
    config = {
        "compilerOptions": {**_TS_OPTIONS, "outDir": "out", "rootDir": "src"},
        "files": sources,
    }
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [str(tsc), "-p", "tsconfig.json"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {name: folder / "out" / name / "permissions.js" for name in outputs}


def run_node(modules: dict[str, Path], url_list: Sequence[str]) -> dict[str, Any]:
    """One node process: each module's connector, allowlist and a verdict for every URL."""
    payload = json.dumps(
        {"modules": {name: str(path) for name, path in modules.items()}, "urls": list(url_list)},
        ensure_ascii=True,
    )
    done = subprocess.run(
        ["node", "-e", _RUNNER], input=payload, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return json.loads(CORPUS.read_text(encoding="ascii"))["urls"]


@pytest.fixture(scope="module")
def node_results(ts_modules: dict[str, Path], corpus: list[str]) -> dict[str, Any]:
    return run_node(ts_modules, corpus)


def disagreements(
    judges: dict[str, Callable[[str], bool] | list[bool]], url_list: Sequence[str]
) -> list[str]:
    found = []
    for index, url in enumerate(url_list):
        verdicts = {
            name: judge[index] if isinstance(judge, list) else judge(url)
            for name, judge in judges.items()
        }
        if len(set(verdicts.values())) > 1:
            found.append(f"{url!r}: {verdicts}")
    return found


# --- the corpus -------------------------------------------------------------------------------


def test_corpus_file_is_written_by_its_script() -> None:
    assert CORPUS.read_text(encoding="ascii") == render(), (
        "run .venv/bin/python tests/support/url_corpus.py"
    )
    assert len(build()) == len(set(build())) >= 500


def test_corpus_has_the_bypass_attempts_of_the_issue(corpus: list[str]) -> None:
    for url in (
        "https://api.stripe.com.evil.com/",
        "https://api.stripe.com@evil.com/",
        "https://API.STRIPE.COM/v1/customers",
        "https://api.stripe.com:8443/",
        "https://api.stripe.com/v1/../admin",
        "https://api.stripe.com/v1/%2e%2e/admin",
        "https://b\u00fccher.example/katalog/x",
        "http://api.stripe.com/v1/customers",
    ):
        assert url in corpus


# --- agreement ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stripe", "acme", "patterns", "empty"])
def test_python_matchers_agree_on_the_corpus(
    name: str,
    connectors: dict[str, ir.Connector],
    python_matchers: dict[str, ModuleType],
    corpus: list[str],
) -> None:
    table = entries(connectors[name])
    generated = python_matchers[name].is_allowed
    found = disagreements(
        {"urls.py": lambda url: urls.is_allowed(table, url), "permissions.py": generated}, corpus
    )
    assert not found, "\n".join(found[:30])
    allowed = sum(map(generated, corpus))
    if name == "empty":
        assert allowed == 0
    else:  # not vacuous: both verdicts occur
        assert 0 < allowed < len(corpus)


@pytest.mark.parametrize("name", ["stripe", "acme", "patterns", "empty"])
def test_typescript_matchers_agree_on_the_corpus(
    name: str,
    connectors: dict[str, ir.Connector],
    node_results: dict[str, Any],
    corpus: list[str],
) -> None:
    table = entries(connectors[name])
    verdicts = node_results[name]["verdicts"]
    assert len(verdicts) == len(corpus)
    found = disagreements(
        {"urls.py": lambda url: urls.is_allowed(table, url), "permissions.ts": verdicts}, corpus
    )
    assert not found, "\n".join(found[:30])


def test_each_connector_allows_something_through_each_way_of_writing_a_host(
    python_matchers: dict[str, ModuleType], corpus: list[str]
) -> None:
    """The corpus reaches the interesting branches: A-labels, IPv6, ports, patterns; and every
    spelling WHATWG could read differently is refused."""
    acme = python_matchers["acme"].is_allowed
    patterns = python_matchers["patterns"].is_allowed
    for url in (
        "https://xn--bcher-kva.example/katalog/x",
        "https://XN--BCHER-KVA.EXAMPLE/katalog/x",
        "https://xn--r8jz45g.xn--zckzah/x",
        "https://xn--fa-hia.de/x",
        "https://[2001:DB8::1]/v6/a",
        "https://auth.acme.example:8443/oauth/token",
        "https://api.acme.example/v1/%252e%252e/admin",  # decoded once: `%2e`, not a dot
        "https://api.acme.example/v2//export",
    ):
        assert url in corpus and acme(url), url
    for url in (
        "https://\uff42\u00fc\uff43\uff48\uff45\uff52.example/katalog/x",  # not ASCII
        "https://b\u00fccher.example/katalog/x",
        "https://\u4f8b\u3048.\u30c6\u30b9\u30c8/x",
        "https://fa\u00df.de/x",
        "https://fa\u1e9e.de/x",  # WHATWG: fass.de
        "https://fass.de/x",
        "https://[2001:db8::0.0.0.1]/v6/a",  # not written as WHATWG writes it
        "https://[2001:db8::1%25eth0]/v6/a",
        "https://auth.acme.example/oauth/token",
        "https://api.acme.example/v1/%2e%2e/admin",
        "https://api.acme.example/v1/..%2fadmin",
        "https://api.acme.example/v1/%5cadmin",
        "https://api.acme.example/v1/%ff",
        "https://api.acme.example/v1\\admin",
        "https://10.0.0.1:8080/x".replace("10.0.0.1", "167772161"),
        "https://0x0a.0.0.1:8080/x",
    ):
        assert url in corpus and not acme(url), url
    assert patterns("https://re.example/(a|b)+[x]{2}^$.ext")
    assert not patterns("https://re.example/aab+xx^$.ext")  # no regex semantics
    assert not patterns("https://re.example/abc/x")  # `.` is literal
    assert patterns("https://pct.example/100%/x") and patterns("https://pct.example/100%25/x")
    assert patterns("https://root.example/") and patterns("https://root.example")
    assert not patterns("https://root.example/x")


# --- random URLs -------------------------------------------------------------------------------

_SEGMENTS = (
    "", ".", "..", "%2e", "%2E%2e", ".%2e", "%2f", "%2F..", "v1", "v2", "V1", "katalog", "x",
    "y", "z", "yz", "*", "a b", "a%20b", "%", "%zz", "%4", "%ff", "%c3%a9", "\u00e9", "export",
    "\\", "?", "#", "?a/../b", "tail", "oauth", "token", "100%25", "100%", "caf%C3%A9", "a.c",
    "(a|b)+[x]{2}^$.ext", "%252e", "\u3000", "\t", "\u00a0",
)  # fmt: skip
_HOSTS = (
    "api.stripe.com", "API.stripe.COM", "api.acme.example", "auth.acme.example",
    "b\u00fccher.example", "xn--bcher-kva.example", "\uff42\u00fccher.example", "fa\u00df.de",
    "fass.de", "[2001:db8::1]", "[2001:db8::0:1]", "[::1]", "10.0.0.1", "re.example",
    "pct.example", "root.example", "noslash.example", "under_score.example", "\u01c4.example",
    "evil.com", "api.stripe.com.evil.com", "api.stripe.com@evil.com", "",
    "\u4f8b\u3048.\u30c6\u30b9\u30c8",
)  # fmt: skip
_HOST_ALPHABET = "abcdeimoprstx.-_:[]%@*019ABC\u00fc\u00dc\u00df\u3002\uff0e\uff41\u00ad\u0308"
_PATH_ALPHABET = "/.%2eEfF5cAa*?#@:\\ -_~+()[]{}|^$\u00e9\u2028"

random_urls = st.builds(
    lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
    st.sampled_from(["https://", "https://", "https://", "HTTPS://", "http://", "https:/", ""]),
    st.one_of(st.sampled_from(_HOSTS), st.text(_HOST_ALPHABET, max_size=14)),
    st.sampled_from(["", "", "", ":443", ":8443", ":8080", ":", ":0", ":99999", ":0443"]),
    st.one_of(
        st.lists(st.sampled_from(_SEGMENTS), max_size=6).map(
            lambda parts: "".join("/" + part for part in parts)
        ),
        st.text(_PATH_ALPHABET, max_size=24),
    ),
)


@pytest.fixture(scope="module")
def ts_modules_if_any(request: pytest.FixtureRequest) -> dict[str, Path] | None:
    """The compiled modules; None when tsc is missing outside CI (in CI that fails)."""
    if not (TSC.exists() and shutil.which("node")) and not os.environ.get("CI"):
        return None
    return request.getfixturevalue("ts_modules")


def test_random_urls_agree(
    connectors: dict[str, ir.Connector],
    python_matchers: dict[str, ModuleType],
    ts_modules_if_any: dict[str, Path] | None,
) -> None:
    """Python agreement per example; the TypeScript verdicts of every example in one node run."""
    seen: list[str] = []
    tables_ = {name: entries(connector) for name, connector in connectors.items()}

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(random_urls)
    def check(url: str) -> None:
        seen.append(url)
        for name, table in tables_.items():
            expected = urls.is_allowed(table, url)
            assert python_matchers[name].is_allowed(url) is expected, (name, url)

    check()
    if ts_modules_if_any is None:
        return  # the Python half ran; the corpus tests report the missing tsc
    results = run_node(ts_modules_if_any, seen)
    for name, table in tables_.items():
        found = disagreements(
            {
                "urls.py": lambda url, t=table: urls.is_allowed(t, url),
                "ts": results[name]["verdicts"],
            },
            seen,
        )
        assert not found, "\n".join(found[:30])


# --- the emitted files ---------------------------------------------------------------------------


def test_permissions_json(
    connectors: dict[str, ir.Connector], outputs: dict[str, dict[str, str]]
) -> None:
    text = outputs["acme"]["permissions.json"]
    assert text.endswith("}\n") and not text.endswith("\n\n")
    document = json.loads(text)
    assert list(document) == ["$comment", "connector", "entries"]
    assert document["$comment"] == NOTICE and document["connector"] == "acme"
    expected = [
        {
            "scheme": p.scheme,
            "host": p.host,
            "port": p.port,
            "pathPattern": p.path_pattern,
            "original": p.original,
        }
        for p in connectors["acme"].permissions
    ]
    assert document["entries"] == expected
    assert list(document["entries"][0]) == [
        "scheme", "host", "port", "pathPattern", "original"
    ]  # fmt: skip
    hosts = [entry["host"] for entry in document["entries"]]
    assert "xn--bcher-kva.example" in hosts and "[2001:db8::1]" in hosts
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(outputs["empty"]["permissions.json"])["entries"] == []


def test_headers(outputs: dict[str, dict[str, str]]) -> None:
    for files in outputs.values():
        assert files["permissions.py"].startswith(f"# {NOTICE}\n")
        assert files["permissions.ts"].startswith(f"// {NOTICE}\n")
        assert set(files) == {"permissions.json", "permissions.py", "permissions.ts"}


def test_generated_python_data_round_trips(
    connectors: dict[str, ir.Connector], python_matchers: dict[str, ModuleType]
) -> None:
    for name, connector in connectors.items():
        module = python_matchers[name]
        assert connector.name == module.CONNECTOR
        assert [tuple(entry) for entry in module.ALLOWLIST] == [
            (p.scheme, p.host, p.port, p.path_pattern, p.original) for p in connector.permissions
        ]
    originals = [entry.original for entry in python_matchers["patterns"].ALLOWLIST]
    assert HOSTILE_PATH in originals
    assert "/\u2028/*" in [entry.path_pattern for entry in python_matchers["patterns"].ALLOWLIST]


def test_generated_typescript_data_round_trips(
    connectors: dict[str, ir.Connector], node_results: dict[str, Any]
) -> None:
    for name, connector in connectors.items():
        assert node_results[name]["connector"] == connector.name
        assert node_results[name]["allowlist"] == [
            {
                "scheme": p.scheme,
                "host": p.host,
                "port": p.port,
                "pathPattern": p.path_pattern,
                "original": p.original,
            }
            for p in connector.permissions
        ]


def test_python_still_agrees_after_the_generate_ruff_pass(
    outputs: dict[str, dict[str, str]],
    connectors: dict[str, ir.Connector],
    corpus: list[str],
    tmp_path: Path,
) -> None:
    """`generate` formats all Python output with ruff: the formatted matcher judges the same."""
    from backfill_codegen.format import format_python

    formatted = format_python({"acme/permissions.py": outputs["acme"]["permissions.py"]})
    text = formatted["acme/permissions.py"]
    assert text != outputs["acme"]["permissions.py"]  # ruff did something (quotes at least)
    path = tmp_path / "formatted_permissions.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generated_permissions_formatted", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = entries(connectors["acme"])
    found = disagreements(
        {"urls.py": lambda url: urls.is_allowed(table, url), "formatted": module.is_allowed},
        corpus,
    )
    assert not found, "\n".join(found[:30])


def test_generated_python_uses_the_standard_library_only(
    outputs: dict[str, dict[str, str]],
) -> None:
    for files in outputs.values():
        tree = ast.parse(files["permissions.py"])
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert imported == {"__future__", "collections", "typing", "urllib"}
        assert "re" not in imported  # no regular expression, from entries or otherwise


def test_generated_typescript_has_no_imports_and_builds_no_regex(
    outputs: dict[str, dict[str, str]],
) -> None:
    for files in outputs.values():
        text = files["permissions.ts"]
        assert "import " not in text and "require(" not in text
        assert "RegExp" not in text
        assert "export function isAllowed(url: string): boolean" in text
        assert "export const allowlist = [" in text and "as const" in text


def test_same_ir_same_bytes(connectors: dict[str, ir.Connector]) -> None:
    for connector in connectors.values():
        assert emit(connector) == emit(connector)
    again = lowered(example_dir() / "backfill.config.ts")
    assert emit(again) == emit(connectors["stripe"])


def test_generated_matchers_are_linear(python_matchers: dict[str, ModuleType]) -> None:
    """A pattern with many stars against a long near-miss path: no backtracking blow-up."""
    import time

    is_allowed = python_matchers["patterns"].is_allowed
    url = "https://re.example/x/" + "/y" * 20_000 + "q"
    start = time.perf_counter()
    assert not is_allowed(url)
    assert time.perf_counter() - start < 1.0


# --- the runtime: real source, included verbatim ------------------------------------------------


def test_refused_ranges_are_the_bad_characters_of_urls_py() -> None:
    starts = [first for first, _ in REFUSED_RANGES]
    assert starts == sorted(starts)
    assert all(last < 0xD800 for _, last in REFUSED_RANGES)  # BMP: UTF-16 units suffice

    def refused(code: int) -> bool:
        return any(first <= code <= last for first, last in REFUSED_RANGES)

    wrong = [
        code
        for code in range(0x110000)
        if refused(code) != (urls._is_bad_char(chr(code)) or code == 0x5C)
    ]
    assert wrong == []
    ts = (data_dir("runtime") / "permissions_runtime.ts").read_text(encoding="utf-8")
    written = ", ".join(f"[{a:#04x}, {b:#04x}]" for a, b in REFUSED_RANGES)
    assert written in " ".join(ts.split()), "the TypeScript runtime refuses other characters"


@pytest.mark.parametrize(("file", "comment"), [("permissions.py", "#"), ("permissions.ts", "//")])
def test_generated_matchers_are_the_runtime_verbatim(
    outputs: dict[str, dict[str, str]], file: str, comment: str
) -> None:
    """Header, the runtime up to its data section, this connector's data, the rest verbatim."""
    head, tail = runtime_parts(file.rsplit(".", 1)[1])
    for files in outputs.values():
        text = files[file]
        notice, rest = text.split("\n", 1)
        assert notice == f"{comment} {NOTICE}"
        assert rest.startswith(head) and rest.endswith(tail)
        assert "<data>" not in text and len(text) < len(head) + len(tail) + 4000


def test_the_bundled_example_matchers_are_small(outputs: dict[str, dict[str, str]]) -> None:
    for file in ("permissions.py", "permissions.ts"):
        assert outputs["stripe"][file].count("\n") <= 250, file


def test_the_typescript_runtime_compiles_and_judges_the_corpus_on_its_own(
    connectors: dict[str, ir.Connector], corpus: list[str], tmp_path: Path
) -> None:
    """tsc on the source file itself, with the options the generated files meet; then its
    `isAllowedBy` judges the corpus with each test connector's entries as urls.py does."""
    tsc = require_tsc()
    source = tmp_path / "permissions_runtime.ts"
    shutil.copyfile(data_dir("runtime") / "permissions_runtime.ts", source)
    config = {"compilerOptions": {**_TS_OPTIONS, "outDir": "out"}, "files": [source.name]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [str(tsc), "-p", "tsconfig.json"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    tables = {name: entries(connector) for name, connector in connectors.items()}
    runner = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const m = require(input.module);
const out = {};
for (const [name, table] of Object.entries(input.tables)) {
  out[name] = input.urls.map((url) => m.isAllowedBy(table, url));
}
process.stdout.write(JSON.stringify(out));
"""
    payload = {
        "module": str(tmp_path / "out" / "permissions_runtime.js"),
        "urls": corpus,
        "tables": {
            name: [{"host": e.host, "port": e.port, "pathPattern": e.path_pattern} for e in table]
            for name, table in tables.items()
        },
    }
    ran = subprocess.run(
        ["node", "-e", runner],
        input=json.dumps(payload, ensure_ascii=True),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    verdicts = json.loads(ran.stdout)
    for name, table in tables.items():
        found = disagreements(
            {"urls.py": lambda url, t=table: urls.is_allowed(t, url), "runtime": verdicts[name]},
            corpus,
        )
        assert not found, "\n".join(found[:30])
