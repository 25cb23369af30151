"""The YAML front end: 1.2 semantics, spans, every error with its location, limits, speed."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from backfill_codegen.diagnostics.model import Diagnostic
from backfill_codegen.frontends import json as json_frontend
from backfill_codegen.frontends.base import FrontendResult
from backfill_codegen.frontends.yaml import parse
from backfill_codegen.limits import MAX_DEPTH, MAX_VALUES
from backfill_codegen.source import SourceFile


def run(text: str) -> tuple[SourceFile, FrontendResult]:
    source = SourceFile("backfill.config.yaml", text)
    return source, parse(source)


def where(source: SourceFile, offset: int) -> tuple[int, int]:
    position = source.position(offset)
    return position.line, position.column


def only(result: FrontendResult) -> Diagnostic:
    assert len(result.diagnostics) == 1, result.diagnostics
    return result.diagnostics[0]


def located(source: SourceFile, diagnostic: Diagnostic) -> tuple[str, int, int]:
    assert diagnostic.primary is not None
    line, column = where(source, diagnostic.primary.span.start)
    return diagnostic.code, line, column


def value_of(text: str) -> Any:
    _, result = run(text)
    assert result.diagnostics == [], result.diagnostics
    assert result.document is not None
    return result.document.value


# -- YAML 1.2 core schema ------------------------------------------------------------------------


def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema() -> None:
    value = value_of(
        "yes: yes\nno: no\non: on\noff: off\noctal_looking: 0777\noctal: 0o17\nhex: 0x1F\n"
        "int: -12\nfloat: 1.0\nexp: 1e3\nhalf: .5\ntrue_: true\nTrue_: True\nnull_: null\n"
        "tilde: ~\nempty:\nunderscore: 1_000\nsexagesimal: 1:30\nquoted: '12'\n"
        'str_tag: !!str 12\nint_tag: !!int "12"\nfloat_tag: !!float 1\n'
        "big: 123456789012345678901234567890\n"
    )
    assert value == {
        "yes": "yes",
        "no": "no",
        "on": "on",
        "off": "off",
        "octal_looking": 777,
        "octal": 15,
        "hex": 31,
        "int": -12,
        "float": 1.0,
        "exp": 1000.0,
        "half": 0.5,
        "true_": True,
        "True_": True,
        "null_": None,
        "tilde": None,
        "empty": None,
        "underscore": "1_000",
        "sexagesimal": "1:30",
        "quoted": "12",
        "str_tag": "12",
        "int_tag": 12,
        "float_tag": 1.0,
        "big": 123456789012345678901234567890,
    }
    assert type(value["float"]) is float
    assert type(value["float_tag"]) is float


def test_line_separators_are_characters_as_in_yaml_1_2() -> None:
    # ruamel breaks lines at NEL/LS/PS like YAML 1.1; the front end keeps them as characters.
    value = value_of('a: "x\u2028 y"\nb: x\u0085y\nc: |\n  p\u2029q\nd: "\\ud83d\\ude00"\n')
    assert value == {"a": "x\u2028 y", "b": "x\u0085y", "c": "p\u2029q\n", "d": "😀"}


def test_spans_cover_keys_and_values_with_non_ascii_and_crlf() -> None:
    text = (
        "nämé: äcme\r\nlist:\r\n  - 1\r\n  - {k: null, \"q\": 'v'}\r\n"
        "block: |\r\n  a\r\n  b\r\n€: 2\r\n"
    )
    source, result = run(text)
    assert result.diagnostics == []
    document = result.document
    assert document is not None
    spans, keys = document.value_spans, document.key_spans

    def text_of(span: Any) -> str:
        return text[span.start : span.end]

    assert text_of(keys[("nämé",)]) == "nämé"
    assert text_of(spans[("nämé",)]) == "äcme"
    assert where(source, spans[("nämé",)].start) == (1, 7)
    assert where(source, keys[("list",)].start) == (2, 1)
    assert where(source, spans[("list",)].start) == (3, 3)
    assert text_of(spans[("list", 0)]) == "1"
    assert where(source, spans[("list", 0)].start) == (3, 5)
    assert text_of(spans[("list", 1)]) == "{k: null, \"q\": 'v'}"
    assert text_of(keys[("list", 1, "q")]) == '"q"'
    assert text_of(spans[("list", 1, "q")]) == "'v'"
    assert where(source, spans[("list", 1, "k")].start) == (4, 9)
    assert text_of(spans[("block",)]).startswith("|")
    assert where(source, keys[("€",)].start) == (8, 1)
    assert where(source, spans[("€",)].start) == (8, 4)
    assert document.value["block"] == "a\nb\n"
    assert set(spans) == {
        (),
        ("nämé",),
        ("list",),
        ("list", 0),
        ("list", 1),
        ("list", 1, "k"),
        ("list", 1, "q"),
        ("block",),
        ("€",),
    }


def test_aliases_are_copies_whose_inner_spans_point_at_the_anchor() -> None:
    text = "base: &b {p: [1, {q: 2}]}\nuse: *b\nlist: [*b]\n"
    source, result = run(text)
    assert result.diagnostics == []
    document = result.document
    assert document is not None
    assert document.value["use"] == {"p": [1, {"q": 2}]}
    assert document.value["use"] is not document.value["base"]
    spans, keys = document.value_spans, document.key_spans
    assert text[spans[("use",)].start : spans[("use",)].end] == "*b"
    assert spans[("use", "p", 1, "q")] == spans[("base", "p", 1, "q")]
    assert keys[("list", 0, "p")] == keys[("base", "p")]
    assert where(source, spans[("list", 0)].start) == (3, 8)


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        ("a: 1\n\tb: 2\n", "BF001", 2, 1, "unexpected tab character"),
        ("a: [1, 2\n", "BF001", 2, 1, "expected ',' or ']', but found the end of the file"),
        ("a: b: c\n", "BF001", 1, 5, "mapping values are not allowed here"),
        ("a: 'x\n", "BF001", 2, 1, "unexpected end of the file"),
        ("a:\n  - 1\n - 2\n", "BF001", 3, 2, "expected the end of the indented block"),
        ('a: "\\q"\n', "BF001", 1, 6, "found unknown escape character 'q'"),
        ("a: @x\n", "BF001", 1, 4, "unexpected '@'"),
        ("[a, b]]\n", "BF001", 1, 7, "unexpected ']' after the document"),
        ("x: \x07\n", "BF001", 1, 4, "U+0007 is not allowed in a YAML file"),
        ("a: *nope\n", "BF001", 1, 4, "the alias *nope has no anchor &nope before it"),
        ("name: a\n---\nname: b\n", "BF001", 2, 1, "a manifest holds one YAML document"),
        ("a: &a [1, *a]\n", "BF006", 1, 11, "the alias *a refers to the node that contains it"),
        ("a: !Foo x\n", "BF008", 1, 4, "the tag !Foo has no JSON equivalent"),
        ("a: !!python/object:os.system x\n", "BF008", 1, 4, "the tag !!python/object:os.system"),
        ("a: !!binary aGk=\n", "BF008", 1, 4, "the tag !!binary has no JSON equivalent"),
        ("a: !!timestamp 2024-01-01\n", "BF008", 1, 4, "the tag !!timestamp"),
        ("a: !Ref\n  b: 1\n", "BF008", 1, 4, "the tag !Ref has no JSON equivalent"),
        ("a: !!map [1]\n", "BF008", 1, 4, "the tag !!map does not fit a sequence"),
        ("a: !!bool yes\n", "BF008", 1, 4, "'yes' is not a valid !!bool"),
        ("version: 2024-01-01\n", "BF008", 1, 10, "2024-01-01 is a timestamp to YAML 1.1 readers"),
        ("a: .inf\n", "BF008", 1, 4, ".inf has no JSON equivalent"),
        ("a: -.Inf\n", "BF008", 1, 4, "-.Inf has no JSON equivalent"),
        ("a: .nan\n", "BF008", 1, 4, ".nan has no JSON equivalent"),
        ("a: 1e999\n", "BF008", 1, 4, "too large for a 64-bit float"),
        ("1: a\n", "BF008", 1, 1, "a mapping key must be a string, not a number"),
        ("b: 1\nnull: x\n", "BF008", 2, 1, "a mapping key must be a string, not null"),
        ("[a]: b\n", "BF008", 1, 1, "a mapping key must be a string, not a list"),
        ("true: x\n", "BF008", 1, 1, "a mapping key must be a string, not a boolean"),
        ("? {a: b}\n: c\n", "BF008", 1, 3, "a mapping key must be a string, not a mapping"),
        ("<<: {a: 1}\nb: 2\n", "BF008", 1, 1, "merge keys (<<) are not supported"),
        ('a: "\\ud800"\n', "BF008", 1, 4, "lone UTF-16 surrogate"),
    ],
)
def test_errors_are_located(text: str, code: str, line: int, column: int, message: str) -> None:
    source, result = run(text)
    diagnostic = only(result)
    assert located(source, diagnostic) == (code, line, column)
    assert message in diagnostic.message
    assert "\\\\" not in diagnostic.message and "<" not in diagnostic.message.replace("<<", "")
    if code in ("BF001", "BF006"):
        assert result.document is None
    else:
        assert result.document is not None


def test_syntax_error_notes_where_the_construct_began() -> None:
    source, result = run("a: [1, 2\n")
    diagnostic = only(result)
    assert [(where(source, s.span.start), s.message) for s in diagnostic.secondary] == [
        ((1, 4), "a flow sequence starts here")
    ]


def test_unsupported_values_keep_the_rest_of_the_document() -> None:
    _, result = run("name: acme\n1: a\nversion: 2024-01-01\nx: !Foo y\n<<: {z: 1}\n")
    assert [d.code for d in result.diagnostics] == ["BF008"] * 4
    assert result.document is not None
    assert result.document.value == {"name": "acme", "version": "2024-01-01", "x": "y"}
    assert set(result.document.key_spans) == {("name",), ("version",), ("x",)}


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n", "---\n# c\n...\n"])
def test_empty_is_bf007(text: str) -> None:
    source, result = run(text)
    assert located(source, only(result)) == ("BF007", 1, 1)
    assert result.document is None


def test_duplicate_key_points_at_second_with_note_at_first() -> None:
    text = "name:\n  x: [1]\nother: 1\nname: second\n"
    source, result = run(text)
    diagnostic = only(result)
    assert located(source, diagnostic) == ("BF003", 4, 1)
    assert diagnostic.message == 'duplicate key "name"'
    assert [(where(source, s.span.start), s.message) for s in diagnostic.secondary] == [
        ((1, 1), "first defined here")
    ]
    document = result.document
    assert document is not None
    assert document.value == {"name": "second", "other": 1}
    assert where(source, document.value_spans[("name",)].start) == (4, 7)
    assert ("name", "x") not in document.value_spans
    assert ("name", "x") not in document.key_spans


def test_duplicate_keys_in_flow_mappings_and_through_aliases() -> None:
    _, result = run("k: &k a\nm: {a: 1, *k : 2}\n")
    assert [d.code for d in result.diagnostics] == ["BF003"]
    assert result.document is not None
    assert result.document.value["m"] == {"a": 2}


# -- limits and speed ---------------------------------------------------------------------------


def test_nesting_at_the_limit_is_fine() -> None:
    assert value_of("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "".join(" " * level + "a:\n" for level in range(10_000)),
        "- " * 10_000 + "x\n",
    ],
)
def test_ten_thousand_levels_is_bf006(text: str) -> None:
    started = time.perf_counter()
    _, result = run(text)
    elapsed = time.perf_counter() - started
    diagnostic = only(result)
    assert diagnostic.code == "BF006"
    assert diagnostic.primary is not None
    assert text[diagnostic.primary.span.start] in "[{a-"
    assert elapsed < 2.0  # ruamel's scanner looks 1,024 characters ahead: ~0.7 s for "[[[["


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_bf006_at_the_alias_and_fast() -> None:
    text = billion_laughs()
    started = time.perf_counter()
    source, result = run(text)
    elapsed = time.perf_counter() - started
    diagnostic = only(result)
    assert diagnostic.code == "BF006"
    assert f"more than {MAX_VALUES:,} values" in diagnostic.message
    assert diagnostic.primary is not None
    assert text[diagnostic.primary.span.start] == "*"
    # a0..a4 hold about 75,000 values; the first *a4 in a5 (line 6) passes 100,000.
    assert where(source, diagnostic.primary.span.start) == (6, 10)
    assert result.document is None
    assert elapsed < 0.5


def test_many_small_aliases_within_the_limit_are_fine() -> None:
    value = value_of("a: &a [1, 2]\nb: [" + ", ".join(["*a"] * 1000) + "]\n")
    assert value["b"] == [[1, 2]] * 1000


def big_manifest(target_bytes: int) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    http: list[str] = []
    manifest = {
        "name": "acme",
        "displayName": "Äcme \u2028 ☃",
        "permissions": {"http": http},
        "connection": {"settingsSchema": {"type": "object", "properties": properties}},
    }
    index = 0
    while index * 330 < target_bytes:
        properties[f"prop_{index}"] = {
            "type": "string",
            "description": f'Setting {index}: é "q" \u2028',
            "default": f"v{index}",
            "enum": [f"v{index}", "b", index, 1.5, True, None, "yes", "2024-01-01"],
            "maxLength": 10**20 + index,
        }
        http.append(f"https://api{index}.example.com/v1/*")
        index += 1
    return manifest


def yaml_scalar(value: Any) -> str:
    """A scalar the way JSON writes it (valid YAML 1.2), with YAML's non-printables escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(
        f"\\u{ord(char):04x}"
        if (0x7F <= ord(char) <= 0x9F and char != "\x85") or char in "\ufeff\ufffe\uffff"
        else char
        for char in text
    )


def to_block_yaml(value: Any) -> str:
    """Block-style YAML for plain JSON data: mappings and sequences indented, scalars JSON-style."""
    lines: list[str] = []
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        node, indent, prefix = stack.pop()
        pad = " " * indent
        if isinstance(node, (dict, list)) and node:
            if prefix:
                lines.append(pad + prefix)
                indent += 2
                pad = " " * indent
            items = list(node.items()) if isinstance(node, dict) else [(None, c) for c in node]
            for key, child in reversed(items):
                head = "-" if key is None else yaml_scalar(key) + ":"
                if isinstance(child, (dict, list)) and child:
                    stack.append((child, indent, head))
                else:
                    stack.append((child, indent, head + " "))
        else:
            shown = "{}" if node == {} else "[]" if node == [] else yaml_scalar(node)
            lines.append(pad + prefix + shown)
    return "\n".join(lines) + "\n"


def test_same_manifest_as_json_and_yaml_gives_the_same_value() -> None:
    manifest = big_manifest(10_000_000)
    json_text = json.dumps(manifest, indent=2, ensure_ascii=False)
    yaml_text = to_block_yaml(manifest)
    assert len(yaml_text.encode()) > 10_000_000
    started = time.perf_counter()
    json_result = json_frontend.parse(SourceFile("backfill.config.json", json_text))
    json_seconds = time.perf_counter() - started
    started = time.perf_counter()
    yaml_result = parse(SourceFile("backfill.config.yaml", yaml_text))
    yaml_seconds = time.perf_counter() - started
    print(
        f"10 MB manifest: JSON {json_seconds:.1f} s ({len(json_text.encode()) / 1e6:.1f} MB), "
        f"YAML {yaml_seconds:.1f} s ({len(yaml_text.encode()) / 1e6:.1f} MB)"
    )
    assert json_result.diagnostics == [] and yaml_result.diagnostics == []
    assert json_result.document is not None and yaml_result.document is not None
    assert yaml_result.document.value == manifest
    assert json_result.document.value == yaml_result.document.value
    assert set(json_result.document.value_spans) == set(yaml_result.document.value_spans)
    assert set(json_result.document.key_spans) == set(yaml_result.document.key_spans)
    assert yaml_seconds < 90  # pure-Python ruamel: about 25 s on the development machine


# -- properties ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


def check_located(source: SourceFile, result: FrontendResult) -> None:
    for diagnostic in result.diagnostics:
        assert diagnostic.primary is not None
        span = diagnostic.primary.span
        assert 0 <= span.start <= span.end <= len(source.text)
        for label in diagnostic.secondary:
            assert 0 <= label.span.start <= label.span.end <= len(source.text)
    if result.document is None:
        assert any(d.code in ("BF001", "BF006", "BF007") for d in result.diagnostics)
    else:
        for span in result.document.value_spans.values():
            assert 0 <= span.start <= span.end <= len(source.text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values)
def test_block_yaml_round_trips(value: Any) -> None:
    text = to_block_yaml(value)
    source, result = run(text)
    assert result.diagnostics == [], text
    assert result.document is not None
    assert result.document.value == value
    check_located(source, result)


def ruamel_dump(value: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()


# ruamel's emitter writes NEL/LS/PS as YAML 1.1 line breaks (followed by indentation), which
# YAML 1.2 reads as characters; leave them out of the values it dumps.
ruamel_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029")),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(
                st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"), max_size=10
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=ruamel_values)
def test_ruamel_dumped_yaml_round_trips(value: Any) -> None:
    text = ruamel_dump(value)
    source, result = run(text)
    check_located(source, result)
    assert result.document is not None, result.diagnostics
    assert result.document.value == value, text


@settings(max_examples=300)
@given(text=st.text())
def test_random_text_never_raises(text: str) -> None:
    source, result = run(text)
    check_located(source, result)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, data=st.data())
def test_mutated_yaml_never_raises(value: Any, data: st.DataObject) -> None:
    text = to_block_yaml(value)
    position = data.draw(st.integers(0, len(text)))
    insert = data.draw(
        st.sampled_from(["", ":", "- ", "\t", "&a ", "*a", "!x ", "[", "{", "'", "\n  ", "---\n"])
    )
    cut = data.draw(st.integers(0, 3))
    source, result = run(text[:position] + insert + text[position + cut :])
    check_located(source, result)
