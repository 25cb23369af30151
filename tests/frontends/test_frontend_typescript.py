"""The TypeScript front end: static evaluation of `backfill.config.ts`, and located diagnostics."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.frontends.base import FrontendResult
from backfill_codegen.frontends.ts_literals import number_to_string
from backfill_codegen.frontends.typescript import parse
from backfill_codegen.limits import MAX_DEPTH
from backfill_codegen.source import SourceFile

STRIPE = """\
import { defineConfig } from "@backfill-io/sdk";

// The Stripe connector: API key auth, a test route and a webhook.
export default defineConfig({
  name: "stripe",
  displayName: "Stripe",
  version: "1.0.0",
  permissions: {
    http: ["https://api.stripe.com/*"],
  },
  connection: {
    testConnection: {
      route: "/setup/test_connection",
      method: "POST",
    },
    setup: {
      webhookUrlTemplate:
        "/api/v1/extensions/<tenant_id>/stripe/routes/webhooks/stripe?connection_id=<connection_id>",
      instructions:
        "Create a Stripe webhook endpoint that forwards must-have accounting events to the "
        + "generated Backfill URL, then paste the Stripe webhook signing secret here.",
    },
    settingsSchema: {
      type: "object",
      required: ["api_key"],
      properties: {
        api_key: { type: "string", title: "API key", writeOnly: true, minLength: 1 },
        webhook_secret: { type: "string", writeOnly: true },
      },
    },
  },
});
"""


def run(text: str) -> tuple[SourceFile, FrontendResult]:
    source = SourceFile("backfill.config.ts", text)
    return source, parse(source)


def value_of(text: str) -> object:
    _, result = run(text)
    assert result.diagnostics == [], [d.message for d in result.diagnostics]
    assert result.document is not None
    return result.document.value


def exported(body: str, prelude: str = "") -> object:
    """The value of `x` in `export default { x: <body> }`."""
    value = value_of(f"{prelude}\nexport default {{ x: {body} }};\n")
    assert isinstance(value, dict)
    return value["x"]


def where(source: SourceFile, diagnostic: Diagnostic) -> tuple[int, int, str]:
    """Line, column and the underlined text of a diagnostic's primary label."""
    assert diagnostic.primary is not None
    span = diagnostic.primary.span
    position = source.position(span.start)
    return position.line, position.column, source.text[span.start : span.end]


def only(result: FrontendResult, code: str) -> Diagnostic:
    assert [d.code for d in result.diagnostics] == [code], [
        (d.code, d.message) for d in result.diagnostics
    ]
    return result.diagnostics[0]


# -- a realistic manifest ------------------------------------------------------------------------


def test_stripe_manifest_value_and_spans() -> None:
    source, result = run(STRIPE)
    assert result.diagnostics == []
    document = result.document
    assert document is not None
    value = document.value
    assert value["name"] == "stripe"
    assert value["permissions"] == {"http": ["https://api.stripe.com/*"]}
    connection = value["connection"]
    assert connection["testConnection"] == {"route": "/setup/test_connection", "method": "POST"}
    assert connection["setup"]["webhookUrlTemplate"].startswith(
        "/api/v1/extensions/<tenant_id>/stripe/routes/"
    )
    assert connection["setup"]["instructions"].endswith("signing secret here.")
    assert "the generated Backfill URL" in connection["setup"]["instructions"]
    schema = connection["settingsSchema"]
    assert schema["properties"]["api_key"] == {
        "type": "string",
        "title": "API key",
        "writeOnly": True,
        "minLength": 1,
    }
    # The root span is the object passed to defineConfig; a string's span includes its quotes.
    root = document.value_spans[()]
    assert source.text[root.start] == "{" and source.text[root.end - 1] == "}"
    name = document.value_spans[("name",)]
    assert source.text[name.start : name.end] == '"stripe"'
    assert source.position(name.start) == source.position(STRIPE.index('"stripe"'))
    key = document.key_spans[("connection", "testConnection", "method")]
    assert source.text[key.start : key.end] == "method"
    item = document.value_spans[("permissions", "http", 0)]
    assert source.text[item.start : item.end] == '"https://api.stripe.com/*"'
    assert ("permissions", "http", 0) not in document.key_spans
    # Every path in the value has a span.
    assert ("connection", "settingsSchema", "properties", "api_key", "minLength") in (
        document.value_spans
    )


# -- the static subset ---------------------------------------------------------------------------


def test_export_forms() -> None:
    assert value_of('export default { name: "a" };') == {"name": "a"}
    assert value_of('export default defineConfig({ name: "a" });') == {"name": "a"}
    assert value_of('export default defineConfig<Config>({ name: "a" });') == {"name": "a"}
    assert value_of('export default ({ name: "a" }) as const;') == {"name": "a"}
    assert value_of('export default { name: "a" } satisfies Config;') == {"name": "a"}
    assert value_of('export default <Config>{ name: "a" };') == {"name": "a"}
    assert value_of('const config = { name: "a" };\nexport default config;') == {"name": "a"}
    assert value_of('const config = defineConfig({ name: "a" });\nexport default config;') == {
        "name": "a"
    }
    assert value_of('export const config = { name: "a" } as const;\nexport default config;') == {
        "name": "a"
    }
    # A live binding: the const may come after the export clause.
    assert value_of('export { config as default };\nconst config = { name: "a" };') == {"name": "a"}
    assert value_of('const c: Config = { name: "a" };\nexport { c as default };') == {"name": "a"}


def test_imports_are_fine_when_not_used_as_values() -> None:
    text = (
        'import { defineConfig } from "@backfill-io/sdk";\n'
        'import type { Config } from "@backfill-io/sdk";\n'
        'export default defineConfig({ name: "a" } satisfies Config);'
    )
    assert value_of(text) == {"name": "a"}


def test_literals() -> None:
    assert exported('"s"') == "s"
    assert exported("'s'") == "s"
    assert exported("true") is True
    assert exported("false") is False
    assert exported("null") is None
    assert exported("[1, 2, [3], {}]") == [1, 2, [3], {}]
    assert exported("{ a: { b: [] } }") == {"a": {"b": []}}


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("1", 1),
        ("10_000", 10000),
        ("0x1F", 31),
        ("0XfF", 255),
        ("0o17", 15),
        ("0b101", 5),
        ("1.5", 1.5),
        ("1.0", 1.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1_000.5", 1000.5),
        ("-1", -1),
        ("-1.5e3", -1500.0),
        ("-0", 0),
        ("- 2", -2),
        ("(-(3))", -3),
    ],
)
def test_numbers(literal: str, expected: float) -> None:
    value = exported(literal)
    assert value == expected
    assert type(value) is type(expected)


def test_integers_beyond_two_to_the_53_round_like_javascript() -> None:
    assert exported("12345678901234567890") == 12345678901234567168
    assert exported("0x20000000000001") == 2**53


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (r'"a\nb\tc\r\b\f\v\0"', "a\nb\tc\r\b\f\v\0"),
        (r'"\x41\u0042\u{43}\u{1F600}"', "ABC\U0001f600"),
        (r'"\uD83D\uDE00"', "\U0001f600"),
        (r"'it\'s \"q\" \\ \q'", 'it\'s "q" \\ q'),
        ('"line \\\ncontinued"', "line continued"),
        ('"line \\\r\ncontinued"', "line continued"),
        ('"café ☕"', "café ☕"),
        (r"`a\`b\${c}`", "a`b${c}"),
        ("`two\r\nlines\rhere`", "two\nlines\nhere"),
        ("`no \\\nbreak`", "no break"),
    ],
)
def test_string_escapes(literal: str, expected: str) -> None:
    assert exported(literal) == expected


def test_template_literals_and_plus() -> None:
    prelude = 'const HOST = "api.acme.example";\nconst PORT = 8443;\nconst RATIO = 1.5;'
    assert exported("`https://${HOST}/*`", prelude) == "https://api.acme.example/*"
    assert exported("`${PORT}:${RATIO}:${10000}:${1e21}:${1e-7}`", prelude) == (
        "8443:1.5:10000:1e+21:1e-7"
    )
    assert exported("`${true}-${null}-${`in${1}`}`") == "true-null-in1"
    assert exported('"https://" + HOST + "/*"', prelude) == "https://api.acme.example/*"
    assert exported('"v" + 2', prelude) == "v2"
    assert exported('1 + 2 + "a"') == "3a"  # left to right, as JavaScript
    assert exported('"a" + 1 + 2') == "a12"
    assert exported("1 + 2") == 3
    assert exported("0.1 + 0.2") == 0.30000000000000004


def test_javascript_number_to_string() -> None:
    cases = [
        (1, "1"),
        (1.5, "1.5"),
        (10000, "10000"),
        (1.0, "1"),
        (100.0, "100"),
        (-2.5, "-2.5"),
        (1e21, "1e+21"),
        (10**21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (123e-20, "1.23e-18"),
        (0.30000000000000004, "0.30000000000000004"),
        (0.0, "0"),
    ]
    for number, text in cases:
        assert number_to_string(number) == text, number


def test_const_references_spread_shorthand_and_wrappers() -> None:
    text = """\
const NAME = "acme";
const BASE = { displayName: "Acme", version: "1.0.0" } as const;
const HOSTS = ["https://a.example/*"] as const;
export default defineConfig({
  ...BASE,
  name: NAME,
  NAME,
  permissions: { http: [...HOSTS, "https://b.example/*" satisfies string] },
  description: <string>(("x")),
  version: "2.0.0",
});
"""
    source, result = run(text)
    assert result.diagnostics == []
    document = result.document
    assert document is not None
    assert document.value == {
        "displayName": "Acme",
        "version": "2.0.0",  # a key after a spread overrides it, and is not a duplicate
        "name": "acme",
        "NAME": "acme",
        "permissions": {"http": ["https://a.example/*", "https://b.example/*"]},
        "description": "x",
    }
    # Values keep the span where they are written, inside the const.
    name = document.value_spans[("name",)]
    assert source.text[name.start : name.end] == '"acme"'
    assert source.position(name.start).line == 1
    spread = document.value_spans[("displayName",)]
    assert source.position(spread.start).line == 2
    assert source.text[spread.start : spread.end] == '"Acme"'
    first_host = document.value_spans[("permissions", "http", 0)]
    assert source.position(first_host.start).line == 3
    assert document.value_spans[("description",)].end - (
        document.value_spans[("description",)].start
    ) == len('"x"')


def test_keys() -> None:
    value = exported(
        "{ plain: 1, 'single': 2, \"double\": 3, 42: 4, 1.50: 5, 0x10: 6, ['comp' + 'uted']: 7,"
        ' [K]: 8, [`t`]: 9, ["__proto__"]: 10 }',
        'const K = "fromConst";',
    )
    assert value == {
        "plain": 1,
        "single": 2,
        "double": 3,
        "42": 4,
        "1.5": 5,
        "16": 6,
        "computed": 7,
        "fromConst": 8,
        "t": 9,
        "__proto__": 10,
    }


def test_comments_and_trailing_commas() -> None:
    text = """\
// leading comment
/* block */
export default {
  name: "a", // trailing
  /* between */ list: [1, /* inside */ 2,],
};
// after
"""
    assert value_of(text) == {"name": "a", "list": [1, 2]}


def test_object_spread_precedence_follows_javascript() -> None:
    prelude = "const A = { a: 1, b: 2 };"
    assert exported("{ a: 0, ...A }", prelude) == {"a": 1, "b": 2}
    assert exported("{ ...A, a: 3 }", prelude) == {"a": 3, "b": 2}


# -- what is not static ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "underlined", "reason"),
    [
        ("process.env.NAME", "process.env.NAME", "is read at run time"),
        ('process.env["NAME"]', 'process.env["NAME"]', "is read at run time"),
        ("getName()", "getName()", "calls are not evaluated: `getName()`"),
        ("CONFIG.name", "CONFIG.name", "member access is not evaluated"),
        ("apiKey", "apiKey", "`apiKey` is declared with `let`; only top-level `const`"),
        ("legacy", "legacy", "`legacy` is declared with `var`"),
        ("helper", "helper", "`helper` is imported; the compiler does not read other files"),
        ("nowhere", "nowhere", "`nowhere` is not defined in this file"),
        ("() => 1", "() => 1", "functions are not data"),
        ("function () { return 1; }", "function () { return 1; }", "functions are not data"),
        ("undefined", "undefined", "`undefined` has no JSON value"),
        ("NaN", "NaN", "`NaN` is not a JSON number"),
        ("Infinity", "Infinity", "`Infinity` is not a JSON number"),
        ("1n", "1n", "BigInt"),
        ("1e400", "1e400", "Infinity"),
        ("a ? 1 : 2", "a ? 1 : 2", "conditional expressions are not evaluated"),
        ("!flag", "!flag", "only `-` before a number"),
        ("-'1'", "-'1'", "`-` applies to numbers; this is a string"),
        ("2 * 3", "2 * 3", "the `*` operator is not evaluated"),
        ("[1] + 'a'", "[1] + 'a'", "`+` joins strings or adds numbers; here it has an array"),
        ("true + 1", "true + 1", "a boolean and a number"),
        ("new Date()", "new Date()", "`new` is not evaluated"),
        ("/ab+c/", "/ab+c/", "regular expressions"),
        ("`${{ a: 1 }}`", "{ a: 1 }", "an object inside a template literal is not text"),
        ("{ ...LIST }", "LIST", "only an object can be spread into an object; this is an array"),
        ("[...OBJ]", "OBJ", "only an array can be spread into an array; this is an object"),
        ("{ [FLAG]: 1 }", "FLAG", "a computed key must be a string or a number, not a boolean"),
        ("{ m() { return 1; } }", "m() { return 1; }", "methods are functions, not data: `m`"),
        ("{ __proto__: {} }", "__proto__", "sets the object's prototype"),
        ("[ , 1]", ",", "an empty array slot"),
        ("tag`x`", "tag`x`", "calls are not evaluated"),
        ("defineConfig({}, {})", "defineConfig({}, {})", "takes exactly one argument"),
        ("Shape", "Shape", "`Shape` is a class, not a data value"),
        ("Kind", "Kind", "`Kind` is an enum, not a data value"),
        ("picked", "picked", "`picked` is bound by destructuring"),
        ("ambient", "ambient", "`ambient` is declared with `declare`"),
    ],
)
def test_not_static_is_located_at_the_expression(
    expression: str, underlined: str, reason: str
) -> None:
    prelude = (
        'import { helper } from "./helper";\n'
        'let apiKey = "k";\n'
        "var legacy = 1;\n"
        'const CONFIG = { name: "a" };\n'
        "const LIST = [1];\n"
        "const OBJ = { a: 1 };\n"
        "const FLAG = true;\n"
        "class Shape {}\n"
        "enum Kind { A }\n"
        "const { picked } = CONFIG;\n"
        "declare const ambient: string;\n"
    )
    text = f'{prelude}export default {{\n  name: "ok",\n  bad: {expression},\n}};\n'
    source, result = run(text)
    diagnostic = only(result, "BF004")
    line, column, text_at = where(source, diagnostic)
    assert reason in diagnostic.message
    assert text_at == underlined
    assert line == prelude.count("\n") + 3
    assert column == len("  bad: ") + 1 + expression.index(underlined)
    # The member whose value is not static is left out; the rest is kept.
    assert result.document is not None
    assert result.document.value == {"name": "ok"} or "bad" in result.document.value
    assert ("name",) in result.document.value_spans


def test_every_non_static_expression_is_reported() -> None:
    text = """\
let region = "eu";
export default defineConfig({
  name: process.env.CONNECTOR_NAME,
  displayName: getDisplayName(),
  permissions: { http: [`https://${region}.api.example/*`, "https://ok.example/*"] },
  version: "1.0.0",
});
"""
    source, result = run(text)
    assert [d.code for d in result.diagnostics] == ["BF004", "BF004", "BF004"]
    assert [where(source, d)[:2] for d in result.diagnostics] == [(3, 9), (4, 16), (5, 36)]
    assert "`process.env.CONNECTOR_NAME` is read at run time" in result.diagnostics[0].message
    assert "calls are not evaluated: `getDisplayName()`" in result.diagnostics[1].message
    assert "`region` is declared with `let`" in result.diagnostics[2].message
    document = result.document
    assert document is not None
    # Members whose value is unknown are left out, and have no span.
    assert document.value == {
        "permissions": {"http": ["https://ok.example/*"]},
        "version": "1.0.0",
    }
    assert ("name",) not in document.value_spans
    assert ("name",) not in document.key_spans


def test_problem_inside_a_const_is_reported_once_where_it_is_written() -> None:
    text = (
        "const HOST = process.env.HOST;\n"
        "export default { a: HOST, b: HOST, c: `https://${HOST}` };\n"
    )
    source, result = run(text)
    diagnostic = only(result, "BF004")
    assert where(source, diagnostic) == (1, 14, "process.env.HOST")
    assert result.document is not None
    assert result.document.value == {}


def test_const_used_before_its_declaration() -> None:
    source, result = run('export default { name: NAME };\nconst NAME = "a";\n')
    diagnostic = only(result, "BF004")
    assert where(source, diagnostic) == (1, 24, "NAME")
    assert "used before its `const` declaration (line 2)" in diagnostic.message
    assert diagnostic.secondary[0].message == "declared here"
    assert source.position(diagnostic.secondary[0].span.start).line == 2


def test_reference_cycles_are_not_static() -> None:
    source, result = run("const A = { b: B };\nconst B = { a: A };\nexport default A;\n")
    diagnostic = only(result, "BF004")
    assert where(source, diagnostic) == (1, 16, "B")
    _, result = run("const A = { self: A };\nexport default A;\n")
    assert only(result, "BF004").message.startswith("`A` is used before")


def test_export_default_of_a_non_const_or_from_another_file() -> None:
    source, result = run('let config = { name: "a" };\nexport default config;\n')
    assert where(source, only(result, "BF004")) == (2, 16, "config")
    assert result.document is None
    _, result = run('export { default } from "./other";\n')
    assert "does not read other files" in only(result, "BF004").message
    _, result = run("export default function config() {}\n")
    assert "declaration, not a value" in only(result, "BF004").message


# -- duplicate keys ----------------------------------------------------------------------------


def test_duplicate_key_later_value_wins() -> None:
    text = 'export default {\n  name: "first",\n  "name": "second",\n};\n'
    source, result = run(text)
    diagnostic = only(result, "BF003")
    assert where(source, diagnostic) == (3, 3, '"name"')
    assert diagnostic.secondary[0].message == "first defined here"
    assert source.position(diagnostic.secondary[0].span.start) == source.position(
        text.index("name")
    )
    document = result.document
    assert document is not None
    assert document.value == {"name": "second"}
    span = document.value_spans[("name",)]
    assert source.text[span.start : span.end] == '"second"'
    key = document.key_spans[("name",)]
    assert source.position(key.start).line == 3


def test_duplicate_key_across_number_spellings() -> None:
    _, result = run("export default { 1: 'a', 1.0: 'b', 0x1: 'c' };")
    assert [d.code for d in result.diagnostics] == ["BF003", "BF003"]
    assert result.document is not None
    assert result.document.value == {"1": "c"}


def test_duplicate_whose_later_value_is_not_static_removes_the_key() -> None:
    _, result = run('export default { name: "a", name: f() };')
    assert sorted(d.code for d in result.diagnostics) == ["BF003", "BF004"]
    assert result.document is not None
    assert result.document.value == {}


# -- no value at all ---------------------------------------------------------------------------


def test_no_default_export() -> None:
    _, result = run('import { x } from "y";\nconst a = 1;\n')
    diagnostic = only(result, "BF005")
    assert diagnostic.primary is not None
    assert diagnostic.primary.span.start == 0
    assert diagnostic.help
    assert result.document is None


def test_no_default_export_points_at_a_named_export() -> None:
    source, result = run('export const config = { name: "a" };\n')
    diagnostic = only(result, "BF005")
    assert where(source, diagnostic) == (1, 14, "config")
    assert diagnostic.help is not None and "export default config" in diagnostic.help


def test_export_equals_is_not_a_default_export() -> None:
    source, result = run('export = { name: "a" };\n')
    assert where(source, only(result, "BF005"))[:2] == (1, 1)


def test_two_default_exports() -> None:
    source, result = run("export default { a: 1 };\nexport default { b: 1 };\n")
    diagnostic = only(result, "BF001")
    assert where(source, diagnostic)[:2] == (2, 1)
    assert result.document is None


@pytest.mark.parametrize("text", ["", "   \n\t\n", "// nothing here\n/* at all */\n"])
def test_empty_manifest(text: str) -> None:
    _, result = run(text)
    only(result, "BF007")
    assert result.document is None


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("export default { a: 1 b: 2 };", 1, 23, "`,` expected"),
        ('export default {\n  a: "x,\n};', 2, 6, "this string is never closed"),
        ("export default {\n  a: { b: 1 },\n", 1, 16, "`{` is never closed"),
        ('export default defineConfig({ name: "a" }\n', 1, 28, "`(` is never closed"),
        ("export default { a: [1, 2 };", 1, 26, "expected `]`"),
        ("export default { a: 1,, };", 1, 23, "unexpected `,`"),
        ("export default { a: 1 };\n}", 2, 1, "unexpected `}`"),
        ("export default { a: `x };", 1, 21, "template literal is never closed"),
        ('export default { a: "\\1" };', 1, 22, "octal escape"),
        ("export default { a: 017 };", 1, 21, "leading zero"),
        ("export default { #a: 1 };", 1, 18, "private names"),
        ("const a = 1;\nconst a = 2;\nexport default { a };", 2, 7, "`a` is declared twice"),
    ],
)
def test_syntax_errors(text: str, line: int, column: int, message: str) -> None:
    source, result = run(text)
    diagnostic = only(result, "BF001")
    assert message in diagnostic.message
    assert where(source, diagnostic)[:2] == (line, column)
    assert result.document is None


# -- text and positions --------------------------------------------------------------------------


def test_crlf_line_endings() -> None:
    text = 'export default {\r\n  name: "a",\r\n  bad: process.env.X,\r\n};\r\n'
    source, result = run(text)
    assert where(source, only(result, "BF004")) == (3, 8, "process.env.X")
    assert result.document is not None
    name = result.document.value_spans[("name",)]
    assert source.position(name.start) == source.position(text.index('"a"'))
    assert source.position(name.start).line == 2


def test_byte_order_mark_is_ignored() -> None:
    text = '\ufeffexport default { name: "a", bad: f() };'
    source, result = run(text)
    assert where(source, only(result, "BF004")) == (1, 35, "f()")
    assert result.document is not None
    span = result.document.value_spans[("name",)]
    assert source.text[span.start : span.end] == '"a"'
    # The same text without the mark parses the same, one column to the left.
    source, result = run(text[1:])
    assert where(source, only(result, "BF004")) == (1, 34, "f()")


def test_columns_count_code_points_after_non_ascii_text() -> None:
    text = 'export default { d: "café ☕ 😀 𝄞", x: process.env.X, e: "é" };'
    source, result = run(text)
    line, column, underlined = where(source, only(result, "BF004"))
    assert underlined == "process.env.X"
    assert (line, column) == (1, text.index("process") + 1)
    assert result.document is not None
    assert result.document.value["d"] == "café ☕ 😀 𝄞"
    span = result.document.value_spans[("e",)]
    assert source.text[span.start : span.end] == '"é"'


def test_lone_surrogate_escape_is_bf008_and_replaced() -> None:
    source, result = run('export default { a: "x\\uD800y" };')
    assert where(source, only(result, "BF008"))[2] == '"x\\uD800y"'
    assert result.document is not None
    assert result.document.value == {"a": "x\ufffdy"}


# -- limits --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "export default " + "{a:" * 10_000 + "1" + "}" * 10_000,
        "export default " + "[" * 10_000 + "]" * 10_000,
        "export default " + "(" * 10_000 + "1" + ")" * 10_000,
        "export default { a: " + " + ".join(['"x"'] * 10_000) + " };",
        "const a0 = 1;\n"
        + "".join(f"const a{i} = [a{i - 1}];\n" for i in range(1, 2_000))
        + "export default { x: a1999 };",
    ],
    ids=["objects", "arrays", "parentheses", "plus-chain", "const-chain"],
)
def test_ten_thousand_deep_nesting_is_bf006_without_a_crash(text: str) -> None:
    _, result = run(text)
    diagnostic = only(result, "BF006")
    assert diagnostic.primary is not None
    assert diagnostic.primary.span.end - diagnostic.primary.span.start <= 3
    assert result.document is None


def test_unclosed_deep_nesting_is_a_syntax_error_without_a_crash() -> None:
    _, result = run("export default " + "{a:" * 10_000 + "1")
    only(result, "BF001")


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH
    value = value_of("export default " + "[" * depth + "]" * depth)
    for _ in range(depth - 1):
        assert isinstance(value, list)
        value = value[0]
    assert value == []
    _, result = run("export default " + "[" * (depth + 1) + "]" * (depth + 1))
    only(result, "BF006")


def test_const_fan_out_is_bounded() -> None:
    text = (
        "const a0 = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];\n"
        + "".join(f"const a{i} = [{', '.join([f'a{i - 1}'] * 10)}];\n" for i in range(1, 12))
        + "export default { x: a11 };"
    )
    _, result = run(text)
    assert "more than 100,000 values" in only(result, "BF006").message
    assert result.document is None


# -- properties ----------------------------------------------------------------------------------


def _assert_well_formed(text: str) -> None:
    _, result = run(text)
    length = len(text)
    for diagnostic in result.diagnostics:
        assert diagnostic.primary is not None
        labels = (diagnostic.primary, *diagnostic.secondary)
        for label in labels:
            assert 0 <= label.span.start <= label.span.end <= length
        assert diagnostic.message
    if result.document is not None:
        for span in (
            *result.document.value_spans.values(),
            *result.document.key_spans.values(),
        ):
            assert 0 <= span.start <= span.end <= length
        assert () in result.document.value_spans


_IDENTIFIERS = st.sampled_from(["a", "name", "K", "HOST", "x1", "undefined", "NaN", "process"])
_SCALARS = st.one_of(
    st.sampled_from(
        [
            "1",
            "-2.5",
            "10_000",
            "0x1F",
            "1e3",
            "1n",
            "017",
            "true",
            "null",
            "undefined",
            '"s"',
            "'q\\'s'",
            '"\\u{1F600}\\uD800"',
            "`t${K}`",
            "`${",
            "process.env.X",
            "f()",
            "() => 1",
            "a + 'b'",
            "K as const",
            "<T>K",
            "K satisfies T",
            '"é😀"',
        ]
    ),
    _IDENTIFIERS,
    st.text(max_size=5),
)
_KEYS = st.one_of(
    _IDENTIFIERS,
    st.sampled_from(['"k"', "'k'", "1", "0x1", "[K]", "['c']", "[f()]", "__proto__", "#p"]),
)
_SEPARATORS = st.sampled_from([", ", ",", ",\n", ",, ", " ", ",\r\n", " /* c */ ,", "// c\n,"])


def _ts_values() -> st.SearchStrategy[str]:
    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        member = st.one_of(
            st.tuples(_KEYS, children).map(lambda pair: f"{pair[0]}: {pair[1]}"),
            _IDENTIFIERS,
            children.map(lambda child: f"...{child}"),
            st.just("m() {}"),
        )
        objects = st.tuples(st.lists(member, max_size=4), _SEPARATORS).map(
            lambda parts: "{" + parts[1].join(parts[0]) + "}"
        )
        arrays = st.tuples(st.lists(children, max_size=4), _SEPARATORS).map(
            lambda parts: "[" + parts[1].join(parts[0]) + "]"
        )
        return st.one_of(objects, arrays, children.map(lambda c: f"({c})"))

    return st.recursive(_SCALARS, extend, max_leaves=12)


_PRELUDES = st.sampled_from(
    [
        "",
        'const K = "k";\n',
        'let K = "k";\nconst HOST = "h";\n',
        'import { K } from "x";\n',
        "const a = { b: 1 };\nconst name = [a];\n",
        "const K = K;\n",
        "\ufeff",
    ]
)
_EXPORTS = st.sampled_from(
    [
        "export default {};",
        "export default defineConfig({});",
        "export default ({}) as const;",
        "const config = {};\nexport default config;",
        "export { config as default };\nconst config = {};",
        "module.exports = {};",
        "export const config = {};",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text: str) -> None:
    _assert_well_formed(text)


@settings(max_examples=300, deadline=None)
@given(_PRELUDES, _EXPORTS, _ts_values(), st.sampled_from(["", "\r\n", "\n}", "é"]))
def test_random_ts_objects_never_raise(prelude: str, export: str, value: str, tail: str) -> None:
    text = prelude + export.replace("{}", value, 1) + tail
    _assert_well_formed(text)
